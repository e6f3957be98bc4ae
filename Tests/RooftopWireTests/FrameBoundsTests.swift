import Foundation
import RooftopModel
import RooftopReplication
import RooftopWire
import Testing

/// Frames are cut by their decompressed payload (issue 9, item 8): a frame of many maximal
/// changes stays under ``ChangesetCodec/maxFramePayloadBytes``, far below the decoder's limit.
@Suite struct FrameBoundsTests {
    static let origin = RooftopID(rawValue: "north")!

    /// `count` updates of one customer's `notes`, each `text` (a maximal value).
    static func notesEdits(_ count: Int, text: String) -> [RowChange] {
        let row = RowID("0190f0a0-0000-7000-8000-000000000001")!
        return (0..<count).map { i in
            RowChange(table: "customer", rowID: row, hlc: HLC(milliseconds: 1_796_083_200_000 + UInt64(i), counter: 0), kind: .update,
                      fields: [FieldChange("notes", .text(text)), FieldChange("updatedAt", .text("2026-12-04T19:00:00.000Z"))])
        }
    }

    /// The longest `notes` a writer accepts: 20,000 characters of 4 UTF-8 bytes each.
    static var maximalNotes: String {
        guard case .text(let maxLength) = CRMSchema.customer.field("notes")!.type else { fatalError("notes is text") }
        return String(repeating: "😀", count: maxLength)
    }

    @Test func aFrameOfManyMaximalChangesStaysUnderTheBound() throws {
        let notes = Self.maximalNotes
        #expect(notes.utf8.count == FieldType.maxTextBytes(forLength: 20_000))
        #expect(CRMSchema.customer.field("notes")!.type.acceptsStored(.text(notes)))
        let changes = Self.notesEdits(300, text: notes)  // 300 × 80 KB = 24 MB: three frames at least
        var rest = changes[...]
        var frames = 0
        while !rest.isEmpty {
            var budget = FrameBudget()
            var batch: [RowChange] = []
            for change in rest {
                guard budget.admit(change) else { break }
                batch.append(change)
            }
            #expect(!batch.isEmpty)
            rest = rest.dropFirst(batch.count)
            let payload = try ChangesetCodec.encodePayload(Changeset(schemaVersion: CRMSchema.version, origin: Self.origin, changes: batch))
            #expect(payload.count <= ChangesetCodec.maxFramePayloadBytes)
            #expect(payload.count <= budget.payloadBytes)  // the budget is an upper bound of the payload
            if let next = rest.first {  // cut exactly at the change that would pass the bound
                let withNext = try ChangesetCodec.encodePayload(Changeset(schemaVersion: CRMSchema.version, origin: Self.origin, changes: batch + [next]))
                #expect(withNext.count > ChangesetCodec.maxFramePayloadBytes - 4_096)
            }
            frames += 1
            let frame = try ChangesetCodec.encode(Changeset(schemaVersion: CRMSchema.version, origin: Self.origin, changes: batch))
            #expect(try ChangesetCodec.decode(frame).changes == batch)
        }
        #expect(frames >= 3)
        #expect(ChangesetCodec.maxFramePayloadBytes * 8 == ChangesetCodec.defaultPayloadLimit)
    }

    @Test func smallChangesAreCutAtTheChangeCount() {
        var budget = FrameBudget()
        let admitted = Self.notesEdits(ChangesetCodec.maxChangesPerFrame + 10, text: "short").prefix { budget.admit($0) }.count
        #expect(admitted == ChangesetCodec.maxChangesPerFrame)
    }

    @Test func theFirstChangeIsAlwaysAdmitted() {
        var budget = FrameBudget(maxPayloadBytes: 10)
        let changes = Self.notesEdits(2, text: "longer than ten bytes")
        let first = budget.admit(changes[0]), second = budget.admit(changes[1])
        #expect(first && !second)
    }

    /// A change writing every field of any entity at its maximum is far below the frame bound (under
    /// a sixteenth of it), so cutting at a change always makes progress.
    @Test func oneMaximalChangeOfEveryEntityIsFarBelowTheBound() throws {
        for entity in CRMSchema.entities {
            let fields = entity.fields.map { spec -> FieldChange in
                switch spec.type {
                case .text(let maxLength): FieldChange(spec.name, .text(String(repeating: "😀", count: maxLength)))
                case .integer: FieldChange(spec.name, .integer(.min))
                default: FieldChange(spec.name, .text(String(repeating: "x", count: 64)))
                }
            }
            let change = RowChange(table: entity.table, rowID: RowID("0190f0a0-0000-7000-8000-000000000001")!,
                                   hlc: HLC(milliseconds: 1_796_083_200_000, counter: 0), kind: .insert, fields: fields)
            let payload = try ChangesetCodec.encodePayload(Changeset(schemaVersion: CRMSchema.version, origin: Self.origin, changes: [change]))
            #expect(payload.count < ChangesetCodec.maxFramePayloadBytes / 16, "\(entity.table): \(payload.count) bytes")
            #expect(entity.table == CRMSchema.lead.table || payload.count < 200_000, "\(entity.table): \(payload.count) bytes")
        }
    }
}
