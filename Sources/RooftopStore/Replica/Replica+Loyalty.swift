import GRDB
import RooftopModel
import RooftopReplication

extension Replica {
    /// The customer's loyalty account (balance, events, declined redemptions).
    /// - Throws: ``ReplicaError`` `NOT_FOUND` when there is no such customer.
    public func loyalty(customer id: RowID) throws -> LoyaltyAccount {
        guard let record = try customer(id: id) else { throw try absence(CRMSchema.customer, id: id) }
        return record.loyalty
    }

    /// Redemptions declined on replay, across all customers (flagged for follow-up), oldest first.
    public func declinedRedemptions(limit: Int = 500) throws -> [LoyaltyAccount.Entry] {
        let customers = try pool.read { db in
            try String.fetchAll(db, sql: """
                SELECT DISTINCT customerId FROM loyaltyEvent WHERE \(ReplicaMigrations.visible) AND kind = 'Redeem' ORDER BY customerId
                """)
        }.compactMap(RowID.init)
        var declined: [LoyaltyAccount.Entry] = []
        for id in customers {
            guard let record = try customer(id: id) else { continue }
            declined += record.loyalty.declined
        }
        return Array(declined.sorted { $0.createdAt < $1.createdAt }.prefix(limit))
    }
}
