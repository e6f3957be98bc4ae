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

    /// Records an add or a redemption of points for a visible customer.
    ///
    /// A redemption larger than the balance this replica knows is refused here
    /// (`INSUFFICIENT_POINTS`). A redemption accepted here can still be declined once another
    /// rooftop's concurrent redemption with an earlier stamp arrives: the ledger replay decides,
    /// identically everywhere (`sync-protocol/merge-rules.md#loyalty-ledger`).
    /// - Parameters:
    ///   - kind: add or redeem.
    ///   - points: 1...10,000,000.
    ///   - reason: free text (a purchase, a service visit, a reward).
    /// - Returns: the account after the event.
    /// - Throws: ``ReplicaError`` `NOT_FOUND`, `INSUFFICIENT_POINTS`; ``FieldInputError`` for points out of range.
    @discardableResult
    public func recordLoyalty(_ kind: LoyaltyLedger.Event.Kind, points: Int64, reason: String?, customer id: RowID) throws -> LoyaltyAccount {
        guard CRMSchema.loyaltyEvent.field("points")!.type.acceptsStored(.integer(points)) else {
            throw FieldInputError(pointer: "/points", reason: "expected a whole number in 1...10000000")
        }
        let account = try loyalty(customer: id)
        if kind == .redeem && points > account.loyaltyPoints {
            throw ReplicaError(.insufficientPoints, "the balance is \(account.loyaltyPoints) points; \(points) cannot be redeemed")
        }
        var values: [String: FieldValue] = ["customerId": .text(id.string), "kind": .text(kind.rawValue), "points": .integer(points)]
        if let reason, !reason.isEmpty { values["reason"] = .text(String(reason.prefix(256))) }
        try write([LocalWrite(.insert, CRMSchema.loyaltyEvent, id: newRowID(), values: values)])
        return try loyalty(customer: id)
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
