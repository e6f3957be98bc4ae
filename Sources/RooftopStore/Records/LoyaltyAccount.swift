import RooftopModel
import RooftopReplication

/// A customer's loyalty ledger and balance (design document "Loyalty Management").
public struct LoyaltyAccount: Sendable, Equatable, Codable {
    /// One event as staff see it.
    public struct Entry: Sendable, Equatable, Codable {
        public let id: RowID
        /// The customer whose ledger holds it.
        public let customerId: RowID
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
    /// The tier: the higher of the tier earned (``tierThresholds`` on ``earnedPoints``, once the
    /// customer has ledger events) and the stored `loyaltyTier` (set by staff or an import: a floor,
    /// for a status match). Lists and segment criteria filter on the same value (``tierSQL``).
    public let loyaltyTier: String?
    /// Points earned over the customer's lifetime: the accepted adds.
    public let earnedPoints: Int64
    /// Oldest first (replay order).
    public let events: [Entry]
    /// Redemptions declined because they would have overdrawn.
    public var declined: [Entry] { events.filter { $0.status == "declined" } }

    static func rank(_ tier: String) -> Int { tierThresholds.count - 1 - (tierThresholds.firstIndex { $0.tier == tier } ?? tierThresholds.count) }

    /// An SQL expression over a row of `customer` giving its tier as ``loyaltyTier`` does (null
    /// without one), for filters and segment criteria.
    public static let tierSQL = "CASE \(tierRankSQL) WHEN 3 THEN 'Platinum' WHEN 2 THEN 'Gold' WHEN 1 THEN 'Silver' WHEN 0 THEN 'Bronze' END"

    /// An SQL expression over a row of `customer` giving the rank of its tier (Bronze 0 … Platinum 3,
    /// -1 without a tier): what ``tierSQL`` names, and what the indexed `customer._tierRank` holds.
    public static let tierRankSQL = """
        max(CASE customer.loyaltyTier WHEN 'Platinum' THEN 3 WHEN 'Gold' THEN 2 WHEN 'Silver' THEN 1 WHEN 'Bronze' THEN 0 ELSE -1 END,
            (SELECT CASE WHEN count(*) = 0 THEN -1
                         WHEN coalesce(sum(CASE WHEN e.kind = 'Add' THEN e.points END), 0) >= 25000 THEN 3
                         WHEN coalesce(sum(CASE WHEN e.kind = 'Add' THEN e.points END), 0) >= 5000 THEN 2
                         WHEN coalesce(sum(CASE WHEN e.kind = 'Add' THEN e.points END), 0) >= 1000 THEN 1 ELSE 0 END
             FROM loyaltyEvent e WHERE e.customerId = customer.id AND e._created IS NOT NULL AND e._deleted IS NULL))
        """

    /// The rank ``tierRankSQL`` gives `tier` (Bronze 0 … Platinum 3).
    public static func tierRank(_ tier: String) -> Int? {
        ["Bronze": 0, "Silver": 1, "Gold": 2, "Platinum": 3][tier]
    }

    /// The ledger event a visible event row records, or nil for a row without its creation stamp,
    /// points or a known kind.
    static func ledgerEvent(_ row: StoredRow) -> LoyaltyLedger.Event? {
        guard let stamp = row.created, case .integer(let points) = row["points"], case .text(let kindText) = row["kind"],
            let kind = LoyaltyLedger.Event.Kind(rawValue: kindText)
        else { return nil }
        return LoyaltyLedger.Event(stamp: stamp, kind: kind, points: points)
    }

    /// The ledger's events in replay order (by creation stamp), each with its row.
    static func ledgerEvents(_ rows: [StoredRow]) -> [(row: StoredRow, event: LoyaltyLedger.Event)] {
        rows.compactMap { row in ledgerEvent(row).map { (row, $0) } }.sorted { $0.event.stamp < $1.event.stamp }
    }

    /// The shown tier: the higher of the stored floor and the tier earned (nil without ledger events).
    static func shownTier(stored tier: String?, earned: Int64, hasEvents: Bool) -> String? {
        let earnedTier = hasEvents ? Self.tierThresholds.first { earned >= $0.earnedPoints }?.tier : nil
        return [tier, earnedTier].compactMap { $0 }.max { Self.rank($0) < Self.rank($1) }
    }

    /// The balance and tier alone (what a customer's JSON shows), as ``init(customerId:tier:rows:)``
    /// computes them, without the entries (their timestamps' text is most of an account's cost).
    static func summary(tier: String?, rows: [StoredRow]) -> (loyaltyPoints: Int64, loyaltyTier: String?) {
        let events = rows.compactMap(ledgerEvent).sorted { $0.stamp < $1.stamp }
        let earned = events.filter { $0.kind == .add }.reduce(Int64(0)) { $0 + $1.points }
        return (LoyaltyLedger.replay(events).balance, shownTier(stored: tier, earned: earned, hasEvents: !events.isEmpty))
    }

    /// Builds the account from the customer's visible event rows.
    init(customerId: RowID, tier: String?, rows: [StoredRow]) {
        let events = Self.ledgerEvents(rows)
        let outcome = LoyaltyLedger.replay(events.map(\.1))
        self.customerId = customerId
        self.loyaltyPoints = outcome.balance
        let earned = events.filter { $0.1.kind == .add }.reduce(Int64(0)) { $0 + $1.1.points }
        self.earnedPoints = earned
        self.loyaltyTier = Self.shownTier(stored: tier, earned: earned, hasEvents: !events.isEmpty)
        self.events = events.map { row, event in
            Entry(id: row.id, customerId: customerId, kind: event.kind.rawValue, points: event.points, reason: row["reason"].textValue,
                  status: outcome.declined.contains(event.stamp) ? "declined" : "accepted",
                  createdAt: Timestamp.string(milliseconds: event.stamp.hlc.milliseconds), rooftop: event.stamp.origin,
                  rewardId: row["rewardId"].textValue.flatMap(RowID.init))
        }
    }
}
