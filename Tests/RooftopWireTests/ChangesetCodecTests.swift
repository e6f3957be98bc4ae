import Foundation
import RooftopModel
import RooftopReplication
import RooftopTesting
import RooftopWire
import Testing

@Suite struct ChangesetCodecTests {
    static func sample(changes: Int, fieldsPerChange: Int = 6) -> Changeset {
        let origin = RooftopID(rawValue: "north")!
        var rng = SystemRandomNumberGenerator()
        let rows = (0..<max(1, changes / 3)).map { RowID.v7(milliseconds: 1_796_083_200_000 + UInt64($0), using: &rng) }
        return Changeset(schemaVersion: 1, origin: origin, changes: (0..<changes).map { i in
            RowChange(table: i % 2 == 0 ? "customer" : "customerPhone", rowID: rows[i % rows.count],
                      hlc: HLC(milliseconds: 1_796_083_200_000 + UInt64(i / 4), counter: UInt16(i % 4)), kind: i % 3 == 0 ? .insert : .update,
                      fields: (0..<fieldsPerChange).map { f in
                          switch f % 5 {
                          case 0: FieldChange("f\(f)", .text("value \(i) ✓"))
                          case 1: FieldChange("f\(f)", .integer(Int64(i) * (f % 2 == 0 ? -1 : 1) * 1_000_003))
                          case 2: FieldChange("f\(f)", .null)
                          case 3: FieldChange("f\(f)", .real(Double(i) / 7))
                          default: FieldChange("f\(f)", .blob([UInt8(i % 256), 0, 255]))
                          }
                      })
        })
    }

    @Test(arguments: [0, 1, 7, 500])
    func roundTripKeepsEveryChange(_ count: Int) throws {
        let changeset = Self.sample(changes: count)
        #expect(try ChangesetCodec.decode(try ChangesetCodec.encode(changeset)) == changeset)
    }

    @Test func encodedBytesAreAStandardZstdFrameTheZstdCommandDecodes() throws {
        let changeset = Self.sample(changes: 50)
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = directory.path("sample.changeset")
        try Data(try ChangesetCodec.encode(changeset)).write(to: URL(fileURLWithPath: file))
        let process = try ChildProcess.spawn("/usr/bin/env", ["zstd", "-q", "-d", "-c", file], standardOutput: .pipe)
        let output = try #require(process.standardOutput).readDataToEndOfFile()
        #expect(process.terminationStatus == 0)
        #expect(Array(output) == (try ChangesetCodec.encodePayload(changeset)))
        #expect(Array(output.prefix(4)) == ChangesetCodec.magic)
    }

    @Test func everyStrictPrefixOfAFrameIsRejectedAndNeverCrashes() throws {
        let frame = try ChangesetCodec.encode(Self.sample(changes: 5))
        for length in 0..<frame.count {
            let error = try #require(throws: ChangesetDecodingError.self) { try ChangesetCodec.decode(Array(frame.prefix(length))) }
            #expect([.truncated, .notZstd].contains(error.code), "prefix of \(length) bytes gave \(error)")
        }
    }

    @Test func everyStrictPrefixOfAPayloadIsReportedTruncatedOrMalformed() throws {
        let payload = try ChangesetCodec.encodePayload(Self.sample(changes: 3))
        for length in 0..<payload.count {
            let error = try #require(throws: ChangesetDecodingError.self) { try ChangesetCodec.decodePayload(Array(payload.prefix(length))) }
            #expect([.truncated, .malformed, .badMagic].contains(error.code), "prefix of \(length) bytes gave \(error)")
        }
    }

    @Test func flippingAnyPayloadByteNeverCrashesTheDecoder() throws {
        let payload = try ChangesetCodec.encodePayload(Self.sample(changes: 4, fieldsPerChange: 5))
        for index in 0..<payload.count {
            for flip: UInt8 in [0x01, 0x80, 0xFF] {
                var corrupt = payload
                corrupt[index] ^= flip
                // Either a clean error or a different but valid changeset; never a trap.
                _ = try? ChangesetCodec.decodePayload(corrupt)
            }
        }
    }

    @Test func payloadBeyondTheDecompressionLimitIsRejected() throws {
        let frame = try ChangesetCodec.encode(Self.sample(changes: 2_000))
        let error = try #require(throws: ChangesetDecodingError.self) { try ChangesetCodec.decode(frame, payloadLimit: 10_000) }
        #expect(error.code == .tooLarge)
    }

    @Test func decompressionBombIsStoppedAtTheLimit() throws {
        let bomb = try Zstd.compress([UInt8](repeating: 0, count: 50 << 20))
        #expect(bomb.count < 100_000)
        let error = try #require(throws: ChangesetDecodingError.self) { try ChangesetCodec.decode(bomb, payloadLimit: 1 << 20) }
        #expect(error.code == .tooLarge)
    }

    @Test func encoderRefusesChangesetsThatBreakTheInvariants() {
        let row = RowID("019ad2a0-5a00-7c3e-8a51-3f2b9c0d4e61")!
        let origin = RooftopID(rawValue: "north")!
        let outOfOrder = Changeset(schemaVersion: 1, origin: origin, changes: [
            RowChange(table: "customer", rowID: row, hlc: HLC(rawValue: 5), kind: .update, fields: []),
            RowChange(table: "customer", rowID: row, hlc: HLC(rawValue: 5), kind: .update, fields: []),
        ])
        #expect(throws: ChangesetValidationError.self) { try ChangesetCodec.encode(outOfOrder) }
        let twice = Changeset(schemaVersion: 1, origin: origin, changes: [
            RowChange(table: "customer", rowID: row, hlc: HLC(rawValue: 5), kind: .update,
                      fields: [FieldChange("email", .null), FieldChange("email", .text("a@b.co"))]),
        ])
        #expect(throws: ChangesetValidationError.self) { try ChangesetCodec.encode(twice) }
        let badName = Changeset(schemaVersion: 1, origin: origin, changes: [
            RowChange(table: "customer; DROP TABLE", rowID: row, hlc: HLC(rawValue: 5), kind: .update, fields: []),
        ])
        #expect(throws: ChangesetValidationError.self) { try ChangesetCodec.encode(badName) }
    }

    /// The decoder enforces what `Changeset.validate()` checks (it no longer calls it): a field
    /// written twice in one change is refused, found by its name-table index.
    @Test func decoderRejectsAFieldWrittenTwiceInOneChange() throws {
        let row = RowID.v7(milliseconds: 1_796_083_200_000)
        let changeset = Changeset(schemaVersion: 1, origin: RooftopID(rawValue: "north")!, changes: [
            RowChange(table: "customer", rowID: row, hlc: HLC(rawValue: 5), kind: .update, fields: [FieldChange("aa", .null), FieldChange("ab", .null)]),
            RowChange(table: "customer", rowID: row, hlc: HLC(rawValue: 6), kind: .update, fields: [FieldChange("aa", .null), FieldChange("ab", .null)]),
        ])
        var payload = try ChangesetCodec.encodePayload(changeset)
        #expect(try ChangesetCodec.decodePayload(payload) == changeset)  // the same name in two changes is fine
        // The body ends with the last change's fields: name index 1 ("aa"), null, name index 2 ("ab"), null.
        #expect(Array(payload.suffix(4)) == [1, 0, 2, 0])
        payload[payload.count - 2] = 1
        let error = try #require(throws: ChangesetDecodingError.self) { try ChangesetCodec.decodePayload(payload) }
        #expect(error.code == .malformed)
        #expect(error.description.contains("change 1: field aa written twice"))
    }

    /// A name table may list a name twice; a change writing one field through both entries
    /// still writes it twice and is refused.
    @Test func decoderRejectsAFieldWrittenTwiceThroughARepeatedNameTableEntry() throws {
        let row = RowID.v7(milliseconds: 1_796_083_200_000)
        let changeset = Changeset(schemaVersion: 1, origin: RooftopID(rawValue: "north")!, changes: [
            RowChange(table: "customer", rowID: row, hlc: HLC(rawValue: 5), kind: .update, fields: [FieldChange("aa", .null), FieldChange("ab", .null)]),
        ])
        var payload = try ChangesetCodec.encodePayload(changeset)
        // Name table: count 3, then "customer", "aa", "ab" (length-prefixed). Rename the entry "ab" to "aa".
        let table: [UInt8] = [3, 8] + Array("customer".utf8) + [2] + Array("aa".utf8) + [2] + Array("ab".utf8)
        let start = try #require((0...(payload.count - table.count)).first { Array(payload[$0..<($0 + table.count)]) == table })
        payload[start + table.count - 1] = UInt8(ascii: "a")
        let error = try #require(throws: ChangesetDecodingError.self) { try ChangesetCodec.decodePayload(payload) }
        #expect(error.code == .malformed)
        #expect(error.description.contains("field aa written twice"))
    }

    @Test func concatenatedFramesSplitBackIntoChangesets() throws {
        let a = Self.sample(changes: 3), b = Self.sample(changes: 4)
        let frames = try Zstd.splitFrames(try ChangesetCodec.encode(a) + ChangesetCodec.encode(b))
        #expect(try frames.map { try ChangesetCodec.decode($0) } == [a, b])
        #expect(try Zstd.splitFrames([]) == [])
    }
}
