import RooftopModel
import RooftopReplication

/// A customer's loyalty ledger and balance (design document "Loyalty Management").
public struct LoyaltyAccount: Sendable, Equatable, Codable {
    /// One event as staff see it.
    public struct Entry: Sendable, Equatable, Codable {
        public let id: RowID
        /// `Add` or `Redeem`.
        public let kind: String
        public let points: Int64
        public let reason: String?
        /// `accepted`, or `declined` for a redemption that would have overdrawn (flag for follow-up).
        public let status: String
        /// When and where: RFC 3339 UTC and the rooftop that recorded it.
        public let createdAt: String
        public let rooftop: RooftopID
        /// The `loyaltyReward` a redemption was for.
        public let rewardId: RowID?
    }

    /// Tier thresholds on the points a customer has earned (accepted adds, whatever was redeemed):
    /// Bronze from 0, Silver from 1,000, Gold from 5,000, Platinum from 25,000. Derived from the
    /// ledger on every replica alike, never an LWW register.
    public static let tierThresholds: [(tier: String, earnedPoints: Int64)] = [("Platinum", 25_000), ("Gold", 5_000), ("Silver", 1_000), ("Bronze", 0)]

    public let customerId: RowID
    /// The balance: accepted adds minus accepted redemptions, never negative.
    public let loyaltyPoints: Int64
    /// The tier: from ``tierThresholds`` on ``earnedPoints`` once the customer has ledger events;
    /// until then the customer's stored `loyaltyTier` (as imported).
    public let loyaltyTier: String?
    /// Points earned over the customer's lifetime: the accepted adds.
    public let earnedPoints: Int64
    /// Oldest first (replay order).
    public let events: [Entry]
    /// Redemptions declined because they would have overdrawn.
    public var declined: [Entry] { events.filter { $0.status == "declined" } }

    /// Builds the account from the customer's visible event rows.
    init(customerId: RowID, tier: String?, rows: [StoredRow]) {
        let events = rows.compactMap { row -> (StoredRow, LoyaltyLedger.Event)? in
            guard let stamp = row.created, case .integer(let points) = row["points"],
                let kind = row["kind"].textValue.flatMap(LoyaltyLedger.Event.Kind.init(rawValue:))
            else { return nil }
            return (row, LoyaltyLedger.Event(stamp: stamp, kind: kind, points: points))
        }.sorted { $0.1.stamp < $1.1.stamp }
        let outcome = LoyaltyLedger.replay(events.map(\.1))
        self.customerId = customerId
        self.loyaltyPoints = outcome.balance
        let earned = events.filter { $0.1.kind == .add }.reduce(Int64(0)) { $0 + $1.1.points }
        self.earnedPoints = earned
        self.loyaltyTier = events.isEmpty ? tier : Self.tierThresholds.first { earned >= $0.earnedPoints }?.tier
        self.events = events.map { row, event in
            Entry(id: row.id, kind: event.kind.rawValue, points: event.points, reason: row["reason"].textValue,
                  status: outcome.declined.contains(event.stamp) ? "declined" : "accepted",
                  createdAt: Timestamp.string(milliseconds: event.stamp.hlc.milliseconds), rooftop: event.stamp.origin,
                  rewardId: row["rewardId"].textValue.flatMap(RowID.init))
        }
    }
}
