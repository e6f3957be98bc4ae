/// The loyalty ledger rule: a balance is the replay of add and redeem events in stamp order, and
/// a redemption that would take the balance below zero is declined. The same set of events gives
/// the same balance and the same declined redemptions on every replica, whatever order they
/// arrived in (`sync-protocol/merge-rules.md#loyalty-ledger`).
public enum LoyaltyLedger {
    /// One ledger event.
    public struct Event: Hashable, Sendable {
        public enum Kind: String, Sendable { case add = "Add", redeem = "Redeem" }
        /// Its stamp (the insert's `(HLC, rooftop id)`): the replay order.
        public let stamp: FieldStamp
        public let kind: Kind
        /// Points, > 0.
        public let points: Int64

        public init(stamp: FieldStamp, kind: Kind, points: Int64) {
            self.stamp = stamp
            self.kind = kind
            self.points = points
        }
    }

    /// The replay's result.
    public struct Outcome: Equatable, Sendable {
        /// The balance after every accepted event, ≥ 0.
        public let balance: Int64
        /// The redemptions declined because they would have overdrawn, by stamp.
        public let declined: Set<FieldStamp>
    }

    /// Replays events in stamp order. Duplicates (same stamp) count once.
    public static func replay(_ events: [Event]) -> Outcome {
        var seen = Set<FieldStamp>()
        var balance: Int64 = 0
        var declined = Set<FieldStamp>()
        for event in events.sorted(by: { $0.stamp < $1.stamp }) where seen.insert(event.stamp).inserted && event.points > 0 {
            switch event.kind {
            case .add:
                balance += event.points
            case .redeem:
                if event.points <= balance { balance -= event.points } else { declined.insert(event.stamp) }
            }
        }
        return Outcome(balance: balance, declined: declined)
    }
}
