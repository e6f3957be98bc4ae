import Foundation
import RooftopModel
import RooftopReplication
import RooftopStore
import RooftopTesting
import Testing

@Suite struct ReplicaTombstoneTests {
    let clock = ManualWallClock()

    func outbox(_ replica: Replica) throws -> Changeset {
        try replica.changeset(origin: replica.rooftop, after: .zero, limit: 100_000)
    }

    @Test func aDeletedCustomerDisappearsFromReadsAndCannotBeUpdated() throws {
        let t = try TestReplica("north", clock: clock)
        defer { t.remove() }
        let id = try t.replica.createCustomer(CustomerInput(fields: ["lastName": .text("Berry")]))
        try t.replica.delete(CRMSchema.customer, id: id)
        #expect(try t.replica.customer(id: id) == nil)
        #expect(try t.replica.searchCustomers("berry").isEmpty)
        #expect(try t.replica.customerCount() == 0)
        let error = try #require(throws: ReplicaError.self) { try t.replica.updateCustomer(id: id, CustomerInput(fields: ["notes": .text("x")])) }
        #expect(error.code == .gone)  // deleted, not unknown: REST answers 410
        #expect(throws: ReplicaError.self) { try t.replica.delete(CRMSchema.customer, id: id) }
    }

    @Test func deleteWinsOverAConcurrentEditInEveryDeliveryOrderAndTheEditIsLogged() throws {
        let north = try TestReplica("north", clock: clock), south = try TestReplica("south", clock: clock)
        defer { north.remove(); south.remove() }
        let id = try north.replica.createCustomer(CustomerInput(fields: ["lastName": .text("Berry"), "notes": .text("before")]))
        try south.replica.apply(try outbox(north.replica))
        clock.advance(by: 10)
        try north.replica.delete(CRMSchema.customer, id: id)  // north deletes...
        clock.advance(by: 10)
        try south.replica.updateCustomer(id: id, CustomerInput(fields: ["notes": .text("south edit")]))  // ...south edits, later, unaware
        let fromNorth = try outbox(north.replica), fromSouth = try outbox(south.replica)
        var digests: [[TableDigest]] = []
        for order in [[fromNorth, fromSouth], [fromSouth, fromNorth], [fromSouth, fromNorth, fromSouth]] {
            let hub = try TestReplica("hub", clock: clock)
            defer { hub.remove() }
            for changeset in order { try hub.replica.apply(changeset) }
            #expect(try hub.replica.customer(id: id) == nil)
            let conflicts = try hub.replica.conflicts()
            #expect(conflicts.count == 1)
            #expect(conflicts.first?.origin.rawValue == "south")
            #expect(conflicts.first?.deletedBy.rawValue == "north")
            #expect(conflicts.first?.fields["notes"] == .string("south edit"))
            digests.append(try hub.replica.digest())
        }
        #expect(Set(digests.map { $0.map(\.sha256) }).count == 1)
        // Each rooftop ends the same once it has the other's changes.
        try north.replica.apply(fromSouth)
        try south.replica.apply(fromNorth)
        #expect(try north.replica.digest() == south.replica.digest())
        #expect(try south.replica.customer(id: id) == nil)
        #expect(try south.replica.conflicts() == north.replica.conflicts())
    }

    @Test func restoreIsExplicitAndBringsBackThePreDeleteRecordEverywhere() throws {
        let north = try TestReplica("north", clock: clock), south = try TestReplica("south", clock: clock)
        defer { north.remove(); south.remove() }
        let id = try north.replica.createCustomer(CustomerInput(fields: ["lastName": .text("Berry"), "notes": .text("before")]))
        try south.replica.apply(try outbox(north.replica))
        clock.advance(by: 10)
        try north.replica.delete(CRMSchema.customer, id: id)
        try south.replica.updateCustomer(id: id, CustomerInput(fields: ["notes": .text("lost")]))
        try south.replica.apply(try outbox(north.replica))
        clock.advance(by: 10)
        try south.replica.restore(CRMSchema.customer, id: id)
        try north.replica.apply(try outbox(south.replica))
        for replica in [north.replica, south.replica] {
            let customer = try #require(try replica.customer(id: id)).customer
            #expect(customer["notes"] == .text("before"))
        }
        #expect(try north.replica.digest() == south.replica.digest())
        #expect(try north.replica.conflicts().count == 1)  // still listed for review
        #expect(throws: ReplicaError.self) { try north.replica.restore(CRMSchema.customer, id: id) }  // not deleted
    }

    @Test func twoRooftopsDeletingTheSameCustomerConvergeOnOneTombstone() throws {
        let north = try TestReplica("north", clock: clock), south = try TestReplica("south", clock: clock)
        defer { north.remove(); south.remove() }
        let id = try north.replica.createCustomer(CustomerInput(fields: ["lastName": .text("Berry")]))
        try south.replica.apply(try outbox(north.replica))
        clock.advance(by: 10)
        try north.replica.delete(CRMSchema.customer, id: id)
        try south.replica.delete(CRMSchema.customer, id: id)
        try north.replica.apply(try outbox(south.replica))
        try south.replica.apply(try outbox(north.replica))
        #expect(try north.replica.digest() == south.replica.digest())
        #expect(try north.replica.conflicts().isEmpty)
    }

    @Test func aDeleteCarryingAnythingButItsContextIsRejected() throws {
        let hub = try TestReplica("hub", clock: clock)
        defer { hub.remove() }
        let changeset = Changeset(schemaVersion: 1, origin: RooftopID(rawValue: "north")!, changes: [
            RowChange(table: "customer", rowID: RowID.v7(milliseconds: 1), hlc: HLC(milliseconds: clock.nowMilliseconds(), counter: 0),
                      kind: .delete, fields: [FieldChange("notes", .text("sneaky"))]),
        ])
        #expect(throws: ReplicaError.self) { try hub.replica.apply(changeset) }
        #expect(try hub.replica.versionVector() == VersionVector())
    }
}
