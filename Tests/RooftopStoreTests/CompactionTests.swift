import Foundation
import RooftopModel
import RooftopReplication
import RooftopStore
import RooftopTesting
import Testing

@Suite struct CompactionTests {
    let clock = ManualWallClock()
    static let day: Int64 = 86_400_000

    func outbox(_ replica: Replica) throws -> Changeset {
        try replica.changeset(origin: replica.rooftop, after: .zero, limit: 100_000)
    }

    @Test func compactionDropsSupersededValuesButNeverChangesContent() throws {
        let north = try TestReplica("north", clock: clock)
        defer { north.remove() }
        let id = try north.replica.createCustomer(CustomerInput(fields: ["lastName": .text("Berry"), "notes": .text("v0")]))
        for i in 1...5 {
            clock.advance(by: Self.day)
            try north.replica.updateCustomer(id: id, CustomerInput(fields: ["notes": .text("v\(i)")]))
        }
        let digest = try north.replica.digest()
        clock.advance(by: 100 * Self.day)
        let report = try north.replica.compact(purgeExpiredTombstones: false)
        #expect(report.entriesDropped == 4)  // the updates whose notes (and updatedAt) were superseded
        #expect(report.fieldsDropped > 0)
        #expect(try north.replica.digest() == digest)
        #expect(try north.replica.rowsDifferingFromTheirHistory().isEmpty)
        #expect(try north.replica.compact(purgeExpiredTombstones: false) == CompactionReport())  // nothing left to do
    }

    @Test func theOutboxIsNeverCompacted() throws {
        let north = try TestReplica("north", clock: clock)
        defer { north.remove() }
        let id = try north.replica.createCustomer(CustomerInput(fields: ["lastName": .text("Berry")]))
        clock.advance(by: Self.day)
        try north.replica.updateCustomer(id: id, CustomerInput(fields: ["notes": .text("a")]))
        try north.replica.updateCustomer(id: id, CustomerInput(fields: ["notes": .text("b")]))
        clock.advance(by: 100 * Self.day)
        let pending = try north.replica.changeCount(origin: north.replica.rooftop, after: .zero)
        _ = try north.replica.compact(purgeExpiredTombstones: false, ownAcknowledgedThrough: .zero)  // nothing acknowledged
        #expect(try north.replica.changeCount(origin: north.replica.rooftop, after: .zero) == pending)
    }

    @Test func aPurgeRemovesAnOldDeletedRowEverywhereAndNothingBringsItBack() throws {
        let hub = try TestReplica("hub", clock: clock), north = try TestReplica("north", clock: clock), south = try TestReplica("south", clock: clock)
        defer { hub.remove(); north.remove(); south.remove() }
        let id = try north.replica.createCustomer(CustomerInput(fields: ["lastName": .text("Berry")]))
        try hub.replica.apply(try outbox(north.replica))
        try south.replica.apply(try outbox(north.replica))
        clock.advance(by: Self.day)
        try north.replica.delete(CRMSchema.customer, id: id)
        try south.replica.updateCustomer(id: id, CustomerInput(fields: ["notes": .text("late edit")]))  // unaware
        try hub.replica.apply(try outbox(north.replica))
        clock.advance(by: 91 * Self.day)
        let report = try hub.replica.compact(purgeExpiredTombstones: true)
        #expect(report.rowsPurged == 1)
        #expect(try hub.replica.storedState(CRMSchema.customer, id: id) == nil)
        #expect(try hub.replica.retentionFloor()[north.replica.rooftop] > .zero)
        // The late edit arrives after the purge: ignored, not resurrected.
        try hub.replica.apply(try outbox(south.replica))
        #expect(try hub.replica.storedState(CRMSchema.customer, id: id) == nil)
        // The purge is a replicated change: the rooftops remove the row the same way.
        let purges = try hub.replica.changeset(origin: .hub, after: .zero, limit: 10)
        #expect(purges.changes.map(\.kind) == [.purge])
        for rooftop in [north, south] {
            try rooftop.replica.apply(purges)
            #expect(try rooftop.replica.storedState(CRMSchema.customer, id: id) == nil)
            #expect(throws: ReplicaError.self) { try rooftop.replica.createCustomer(CustomerInput(fields: ["lastName": .text("Again")]), id: id) }
        }
        try north.replica.apply(try outbox(south.replica))
        #expect(try north.replica.digest() == hub.replica.digest())
    }
}
