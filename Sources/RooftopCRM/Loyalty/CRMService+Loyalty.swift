import RooftopModel
import RooftopReplication
import RooftopStore

extension CRMService {
    /// Records an add or a redemption of points for a visible customer, the balance checked in the
    /// same transaction as the write (two redemptions at once on one rooftop cannot both pass).
    ///
    /// A redemption larger than the balance this replica knows is refused (`INSUFFICIENT_POINTS`).
    /// One accepted here can still be declined once another rooftop's concurrent redemption with
    /// an earlier stamp arrives: the ledger replay decides, identically everywhere
    /// (`sync-protocol/merge-rules.md#loyalty-ledger`).
    /// - Parameters:
    ///   - points: 1...10,000,000; for a reward, nil (its `pointsCost`).
    ///   - reward: a `loyaltyReward` to redeem (must be active); the event names it.
    /// - Returns: the account after the event.
    /// - Throws: ``ReplicaError`` `NOT_FOUND`/`GONE`, `INSUFFICIENT_POINTS`, `CONFLICT` (inactive reward);
    ///   ``FieldInputError`` for points out of range or a reward on an add.
    @discardableResult
    public func recordLoyalty(_ kind: LoyaltyLedger.Event.Kind, points: Int64?, reason: String?, reward: RowID? = nil, customer id: RowID) throws -> LoyaltyAccount {
        try replica.transaction { tx in
            guard let record = try tx.customers(ids: [id]).first else { throw try tx.absence(CRMSchema.customer, id: id) }
            var amount = points
            var why = reason
            if let reward {
                guard kind == .redeem else { throw FieldInputError(pointer: "/rewardId", reason: "a reward is redeemed, not added") }
                let row = try tx.visibleRow(CRMSchema.loyaltyReward, id: reward)
                guard row["active"] != .integer(0) else { throw ReplicaError(.conflict, "reward \(reward) is not active") }
                guard case .integer(let cost) = row["pointsCost"] else { throw ReplicaError(.invalid, "reward \(reward) has no points cost") }
                if let points, points != cost { throw FieldInputError(pointer: "/points", reason: "the reward costs \(cost) points") }
                amount = cost
                if why == nil { why = row["name"].textValue }
            }
            guard let amount, CRMSchema.loyaltyEvent.field("points")!.type.acceptsStored(.integer(amount)) else {
                throw FieldInputError(pointer: "/points", reason: "expected a whole number in 1...10000000")
            }
            let balance = record.loyalty.loyaltyPoints
            if kind == .redeem && amount > balance {
                throw ReplicaError(.insufficientPoints, "the balance is \(balance) points; \(amount) cannot be redeemed")
            }
            var values: [String: FieldValue] = ["customerId": .text(id.string), "kind": .text(kind.rawValue), "points": .integer(amount)]
            if let why, !why.isEmpty { values["reason"] = .text(String(why.prefix(256))) }
            if let reward { values["rewardId"] = .text(reward.string) }
            try tx.write([LocalWrite(.insert, CRMSchema.loyaltyEvent, id: tx.replica.newRowID(), values: values)])
            guard let after = try tx.customers(ids: [id]).first else { throw try tx.absence(CRMSchema.customer, id: id) }
            return after.loyalty
        }
    }
}
