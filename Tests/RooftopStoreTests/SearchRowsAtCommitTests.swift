import Foundation
import GRDB
import RooftopModel
import RooftopReplication
@testable import RooftopStore
import RooftopTesting
import Testing

/// Since migration v23 an insert only notes the rows whose full-text rows it changes, and every write
/// transaction writes them before it commits (`CustomerSearchDeferral`); a customer's tier rank is
/// computed by its insert. What staff rely on: a row written is searchable as soon as the write
/// returns, a duplicate check finds what its own transaction wrote, and a tier filter finds every
/// customer of that tier.
@Suite struct SearchRowsAtCommitTests {
    let clock = ManualWallClock()

    /// True when some row is noted and its full-text row not written yet.
    static func noted(_ replica: Replica) throws -> Bool {
        try replica.pool.read { db in
            try CustomerSearchDeferral.notedStatements.contains { try Bool.fetchOne(db, sql: $0.probe) ?? false }
        }
    }

    /// Local writes and an applied changeset leave nothing noted, and each row is found.
    @Test func noWriteLeavesARowNotedAndEveryRowIsFound() throws {
        let north = try TestReplica("north", clock: clock), south = try TestReplica("south", clock: clock)
        defer { north.remove(); south.remove() }
        let ana = try south.replica.createCustomer(CustomerInput(fields: ["firstName": .text("Ana"), "lastName": .text("Muñoz")],
                                                                 addresses: [ChildInput(fields: ["street": .text("1 Main St"), "city": .text("Tucson")])]))
        let vehicle = south.replica.newRowID()
        try south.replica.write([LocalWrite(.insert, CRMSchema.vehicle, id: vehicle, values: ["vin": .text("1HGCM82633A004352")])])
        #expect(try !Self.noted(south.replica))
        #expect(try south.replica.searchCustomers("munoz tucson").map(\.customer.id) == [ana])
        try north.replica.apply(try south.replica.changeset(origin: south.replica.rooftop, after: .zero, limit: 1_000))
        #expect(try !Self.noted(north.replica))
        #expect(try north.replica.searchCustomers("munoz tucson").map(\.customer.id) == [ana])
        let vinRows = try north.replica.pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM vinSearchText WHERE vin = '1HGCM82633A004352'") }
        #expect(vinRows == 1)
    }

    /// A search inside the transaction that wrote a customer finds it (an import's duplicate check of
    /// a row against the rows before it), and the transaction commits with its search row written.
    @Test func aSearchInsideTheWritingTransactionFindsWhatItWrote() throws {
        let t = try TestReplica("north", clock: clock)
        defer { t.remove() }
        let id = t.replica.newRowID()
        let found = try t.replica.transaction { tx -> ([RowID], Int) in
            _ = try tx.write([LocalWrite(.insert, CRMSchema.customer, id: id, values: ["firstName": .text("José"), "lastName": .text("Muñoz")])])
            return (try tx.customerIDs(matchingName: "jose munoz", limit: 5), try tx.namesakesWithPlaces(nameWords: "José Muñoz", limit: 5).count)
        }
        #expect(found.0 == [id])
        #expect(found.1 == 1)
        #expect(try !Self.noted(t.replica))
        #expect(try t.replica.searchCustomers("munoz").map(\.customer.id) == [id])
    }

    /// The rank a customer's insert stores is what the ledger and stored tier give
    /// (`LoyaltyAccount.tierRankSQL`), whether the tier, the ledger, both or neither come first.
    @Test func theTierRankAnInsertStoresIsTheTierItShows() throws {
        let t = try TestReplica("north", clock: clock)
        defer { t.remove() }
        let plain = t.replica.newRowID(), silver = t.replica.newRowID(), ledgerFirst = t.replica.newRowID(), both = t.replica.newRowID()
        func event(_ customer: RowID, _ points: Int64) -> LocalWrite {
            LocalWrite(.insert, CRMSchema.loyaltyEvent, id: t.replica.newRowID(), values: ["customerId": .text(customer.string), "kind": .text("Add"), "points": .integer(points)])
        }
        // The ledger of `ledgerFirst` is written before the customer (as sync may deliver it).
        try t.replica.write([event(ledgerFirst, 6_000),
                             LocalWrite(.insert, CRMSchema.customer, id: ledgerFirst, values: ["lastName": .text("Ledger")]),
                             LocalWrite(.insert, CRMSchema.customer, id: plain, values: ["lastName": .text("Plain")]),
                             LocalWrite(.insert, CRMSchema.customer, id: silver, values: ["lastName": .text("Silver"), "loyaltyTier": .text("Silver")]),
                             LocalWrite(.insert, CRMSchema.customer, id: both, values: ["lastName": .text("Both"), "loyaltyTier": .text("Bronze")]),
                             event(both, 30_000)])
        let ranks = try t.replica.pool.read { db in
            try Dictionary(uniqueKeysWithValues: Row.fetchAll(db, sql: "SELECT id, _tierRank, \(LoyaltyAccount.tierRankSQL) AS derived FROM customer").map { row in
                (row["id"] as String, [row["_tierRank"] as Int, row["derived"] as Int])
            })
        }
        #expect(ranks[plain.string] == [-1, -1])
        #expect(ranks[silver.string] == [1, 1])
        #expect(ranks[ledgerFirst.string] == [2, 2])
        #expect(ranks[both.string] == [3, 3])
    }

    /// A customer known here only from an update, whose insert arrives in one changeset after another
    /// customer's insert, gets its full-text document after that customer's, as row by row: name
    /// search breaks ties by document number.
    @Test func aCustomerKnownFromAnUpdateTakesItsDocumentInChangesetOrder() throws {
        let north = try TestReplica("north", clock: clock), south = try TestReplica("south", clock: clock), east = try TestReplica("east", clock: clock)
        defer { north.remove(); south.remove(); east.remove() }
        let first = try south.replica.createCustomer(CustomerInput(fields: ["firstName": .text("Ana"), "lastName": .text("Lopez")]))
        clock.advance(by: 5)
        let second = try south.replica.createCustomer(CustomerInput(fields: ["firstName": .text("Eva"), "lastName": .text("Lopez")]))
        let fromSouth = try south.replica.changeset(origin: south.replica.rooftop, after: .zero, limit: 1_000)
        try east.replica.apply(fromSouth)
        clock.advance(by: 5)
        _ = try east.replica.updateCustomer(id: second, CustomerInput(fields: ["firstName": .text("Evita")]))
        // North hears of the second customer's update first: a row without its insert, and no document.
        try north.replica.apply(try east.replica.changeset(origin: east.replica.rooftop, after: .zero, limit: 1_000))
        try north.replica.apply(fromSouth)
        let order = try north.replica.pool.read { db in
            try String.fetchAll(db, sql: "SELECT customerId FROM customerSearchDoc ORDER BY docid")
        }
        #expect(order == [first.string, second.string])
        #expect(try north.replica.searchCustomers("lopez").map(\.customer.id) == [first, second])
        #expect(try north.replica.searchCustomers("evita").map(\.customer.id) == [second])
    }
}
