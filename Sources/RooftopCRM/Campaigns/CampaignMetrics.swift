import Foundation
import RooftopModel
import RooftopReplication
import RooftopStore

/// A campaign's `metrics`, counted from its outbox messages (``CRMSchema/campaignMessage``), never
/// stored: two rooftops counting at once can lose nothing (`sync-protocol/merge-rules.md#campaign-outbox`).
public struct CampaignMetrics: Sendable, Equatable {
    /// Messages with a `sentAt` (sent, whatever happened next).
    public var sent: Int64
    public var delivered: Int64
    public var opened: Int64
    public var clicked: Int64
    public var converted: Int64
    /// Messages waiting for the owning rooftop to send them.
    public var queued: Int64
    public var failed: Int64
    /// Customers left out (do-not-contact, no opt-in, no address), each with its reason.
    public var suppressed: Int64
    /// `(conversions − budget) / budget` needs a conversion value, which the CRM does not record:
    /// null until it does (documented in the OpenAPI description).
    public var roi: Decimal?

    var json: [String: JSONValue] {
        ["sent": .number(Double(sent)), "delivered": .number(Double(delivered)), "opened": .number(Double(opened)),
         "clicked": .number(Double(clicked)), "converted": .number(Double(converted)), "queued": .number(Double(queued)),
         "failed": .number(Double(failed)), "suppressed": .number(Double(suppressed)),
         "roi": roi.map { .number(NSDecimalNumber(decimal: $0).doubleValue) } ?? .null]
    }

    /// The metrics as served, with `byVariant` for an A/B test.
    static func json(campaign: StoredRow, _ tx: StoreTransaction) throws -> [String: JSONValue] {
        var json = try count(campaign: campaign, tx).json
        if let test = ABTest(campaign) {
            var byVariant: [String: JSONValue] = [:]
            for variant in test.variants { byVariant[variant] = .object(try count(campaign: campaign, variant: variant, tx).json) }
            json["byVariant"] = .object(byVariant)
        }
        return json
    }

    static func count(campaign: StoredRow, variant: String? = nil, _ tx: StoreTransaction) throws -> CampaignMetrics {
        let row = try tx.values("""
            SELECT count(sentAt), count(deliveredAt), count(openedAt), count(clickedAt), count(convertedAt),
                   coalesce(sum(status = 'Queued'), 0), coalesce(sum(status = 'Failed'), 0), coalesce(sum(status = 'Suppressed'), 0)
            FROM campaignMessage m WHERE m.campaignId = ? AND m._created IS NOT NULL AND m._deleted IS NULL
              AND EXISTS (SELECT 1 FROM customer c WHERE c.id = m.customerId AND c._created IS NOT NULL AND c._deleted IS NULL AND c._mergedInto IS NULL)
              \(variant == nil ? "" : "AND m.variant = ?")
            """, arguments: [.text(campaign.id.string)] + (variant.map { [FieldValue.text($0)] } ?? [])).first ?? []
        func n(_ i: Int) -> Int64 { i < row.count ? row[i].integerValue ?? 0 : 0 }
        return CampaignMetrics(sent: n(0), delivered: n(1), opened: n(2), clicked: n(3), converted: n(4), queued: n(5), failed: n(6),
                               suppressed: n(7), roi: nil)
    }
}
