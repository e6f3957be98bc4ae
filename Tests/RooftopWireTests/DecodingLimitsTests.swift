import Foundation
import RooftopModel
import RooftopReplication
import RooftopWire
import Testing

/// Issue 9, item 10 (a): the decoder refuses frames beyond its limits with `LIMIT_EXCEEDED`, before
/// allocating for what they announce.
@Suite struct DecodingLimitsTests {
    static let origin = RooftopID(rawValue: "north")!
    static let row = RowID("0190f0a0-0000-7000-8000-000000000001")!

    static func changeset(changes: Int, fields: Int = 1, text: String = "v") -> Changeset {
        Changeset(schemaVersion: 3, origin: origin, changes: (0..<changes).map { i in
            RowChange(table: "customer", rowID: row, hlc: HLC(milliseconds: 1_796_083_200_000 + UInt64(i), counter: 0), kind: .update,
                      fields: (0..<fields).map { FieldChange("f\($0)", .text(text)) })
        })
    }

    static func code(_ body: () throws(ChangesetDecodingError) -> Changeset) -> ChangesetDecodingError.Code? {
        do { _ = try body(); return nil } catch { return error.code }
    }

    @Test func aNameTableCountOverTheLimitIsRefusedBeforeAnyNameIsRead() throws {
        // 33 million names announced, none present: refused on the count, not as truncated input.
        let payload = ChangesetCodec.magic + [0, 1, 0, 3, 5] + Array("north".utf8) + [0xC0, 0x94, 0xDE, 0x0F]
        #expect(Self.code { () throws(ChangesetDecodingError) in try ChangesetCodec.decodePayload(payload) } == .limitExceeded)
        let atLimit = try ChangesetCodec.encodePayload(Self.changeset(changes: 1, fields: 4_095))  // 4,096 names with the table
        #expect(try ChangesetCodec.decodePayload(atLimit).changes[0].fields.count == 4_095)
        let over = try ChangesetCodec.encodePayload(Self.changeset(changes: 1, fields: 4_096))
        #expect(Self.code { () throws(ChangesetDecodingError) in try ChangesetCodec.decodePayload(over) } == .limitExceeded)
    }

    @Test func moreThan5000ChangesAreRefused() throws {
        #expect(try ChangesetCodec.decode(try ChangesetCodec.encode(Self.changeset(changes: 5_000))).changes.count == 5_000)
        let over = try ChangesetCodec.encode(Self.changeset(changes: 5_001))
        #expect(Self.code { () throws(ChangesetDecodingError) in try ChangesetCodec.decode(over) } == .limitExceeded)
        #expect(try ChangesetCodec.decode(over, limits: .unlimited).changes.count == 5_001)
    }

    @Test func moreThan500000FieldsAreRefused() throws {
        let over = try ChangesetCodec.encode(Self.changeset(changes: 5_000, fields: 101, text: ""))  // 505,000 fields
        #expect(Self.code { () throws(ChangesetDecodingError) in try ChangesetCodec.decode(over) } == .limitExceeded)
        let small = ChangesetCodec.DecodingLimits(maxFields: 10)
        #expect(Self.code { () throws(ChangesetDecodingError) in
            try ChangesetCodec.decode(try! ChangesetCodec.encode(Self.changeset(changes: 3, fields: 4)), limits: small)
        } == .limitExceeded)
        #expect(try ChangesetCodec.decode(try ChangesetCodec.encode(Self.changeset(changes: 2, fields: 5)), limits: small).changes.count == 2)
    }

    @Test func aValueOverOneMebibyteIsRefused() throws {
        let atLimit = try ChangesetCodec.encode(Self.changeset(changes: 1, text: String(repeating: "x", count: 1 << 20)))
        #expect(try ChangesetCodec.decode(atLimit).changes.count == 1)
        let over = try ChangesetCodec.encode(Self.changeset(changes: 1, text: String(repeating: "x", count: (1 << 20) + 1)))
        #expect(Self.code { () throws(ChangesetDecodingError) in try ChangesetCodec.decode(over) } == .limitExceeded)
        let blob = Changeset(schemaVersion: 3, origin: Self.origin, changes: [
            RowChange(table: "customer", rowID: Self.row, hlc: HLC(milliseconds: 1_796_083_200_000, counter: 0), kind: .update,
                      fields: [FieldChange("photo", .blob([UInt8](repeating: 7, count: (1 << 20) + 1)))]),
        ])
        let overBlob = try ChangesetCodec.encode(blob)
        #expect(Self.code { () throws(ChangesetDecodingError) in try ChangesetCodec.decode(overBlob) } == .limitExceeded)
    }
}
