import Foundation
import RooftopCRM
import RooftopModel
import RooftopReplication
import RooftopStore
import RooftopTesting
import Testing

@Suite struct LoyaltyTests {
    let clock = ManualWallClock()

    func outbox(_ replica: Replica) throws -> Changeset {
        try replica.changeset(origin: replica.rooftop, after: .zero, limit: 100_000)
    }

    @Test func pointsAreALedgerAndTheCustomerShowsTheBalance() throws {
        let t = try TestReplica("north", clock: clock)
        defer { t.remove() }
        let id = try t.replica.createCustomer(CustomerInput(fields: ["lastName": .text("Berry")]))
        try CRMService(replica: t.replica).recordLoyalty(.add, points: 100, reason: "purchase", customer: id)
        try CRMService(replica: t.replica).recordLoyalty(.redeem, points: 30, reason: "oil change", customer: id)
        let account = try t.replica.loyalty(customer: id)
        #expect(account.loyaltyPoints == 70)
        #expect(account.events.map(\.status) == ["accepted", "accepted"])
        #expect(try t.replica.customer(id: id)?.json.objectValue?["loyaltyPoints"] == .number(70))
        let error = try #require(throws: ReplicaError.self) { try CRMService(replica: t.replica).recordLoyalty(.redeem, points: 71, reason: nil, customer: id) }
        #expect(error.code == .insufficientPoints)
        #expect(throws: FieldInputError.self) { try CRMService(replica: t.replica).recordLoyalty(.add, points: 0, reason: nil, customer: id) }
    }

    @Test func concurrentRedemptionsThatOverdrawAreDeclinedIdenticallyEverywhere() throws {
        let north = try TestReplica("north", clock: clock), south = try TestReplica("south", clock: clock)
        defer { north.remove(); south.remove() }
        let id = try north.replica.createCustomer(CustomerInput(fields: ["lastName": .text("Berry")]))
        try CRMService(replica: north.replica).recordLoyalty(.add, points: 100, reason: "purchase", customer: id)
        try south.replica.apply(try outbox(north.replica))
        clock.advance(by: 10)
        try CRMService(replica: north.replica).recordLoyalty(.redeem, points: 80, reason: "accessories", customer: id)  // both accepted locally...
        clock.advance(by: 10)
        try CRMService(replica: south.replica).recordLoyalty(.redeem, points: 50, reason: "service", customer: id)
        try north.replica.apply(try outbox(south.replica))
        try south.replica.apply(try outbox(north.replica))
        for replica in [north.replica, south.replica] {
            let account = try replica.loyalty(customer: id)
            #expect(account.loyaltyPoints == 20)  // ...but the later one is declined on replay
            #expect(account.declined.map(\.points) == [50])
            #expect(try replica.declinedRedemptions().map(\.rooftop.rawValue) == ["south"])
        }
        #expect(try north.replica.digest() == south.replica.digest())
    }

    @Test func loyaltyEventsCannotBeChangedByALaterChangeset() throws {
        let hub = try TestReplica("hub", clock: clock)
        defer { hub.remove() }
        let changeset = Changeset(schemaVersion: CRMSchema.version, origin: RooftopID(rawValue: "north")!, changes: [
            RowChange(table: "loyaltyEvent", rowID: RowID.v7(milliseconds: 1), hlc: HLC(milliseconds: clock.nowMilliseconds(), counter: 0),
                      kind: .update, fields: [FieldChange("points", .integer(1_000_000))]),
        ])
        let error = try #require(throws: ReplicaError.self) { try hub.replica.apply(changeset) }
        #expect(error.code == .invalid)
    }
}
