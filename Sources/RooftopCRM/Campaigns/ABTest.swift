import Crypto
import Foundation
import RooftopModel
import RooftopReplication
import RooftopStore

/// A campaign's A/B test (`sync-protocol/merge-rules.md#ab-tests`): which customers are in the test,
/// which variant each receives, and the winner the others receive. A customer's place is a pure
/// function of campaign and customer ids, so every rooftop computes the same one, and a customer's
/// message (one per campaign, derived id) carries one variant: nobody receives two.
struct ABTest: Equatable {
    let variants: [String]
    /// Percent of the audience in the test, 1–50.
    let testShare: Int
    let winnerRule: String
    let testWindowHours: Int
    let winner: String?

    static let defaultShare = 10
    static let defaultWindowHours = 24

    /// The campaign's test, or nil when it names fewer than two variants.
    init?(_ campaign: StoredRow) {
        guard case .text(let list) = campaign["variants"], let names = try? JSONDecoder().decode([String].self, from: Data(list.utf8)), names.count >= 2 else {
            return nil
        }
        variants = names
        testShare = Int(campaign["testShare"].integerValue ?? Int64(Self.defaultShare))
        winnerRule = campaign["winnerRule"].textValue ?? "Manual"
        testWindowHours = Int(campaign["testWindowHours"].integerValue ?? Int64(Self.defaultWindowHours))
        winner = campaign["winner"].textValue
    }

    /// Where a customer falls: the first 4 bytes of SHA-256(`"abTest:<campaign>:<customer>"`) as a
    /// big-endian integer mod 10,000 is the bucket (in the test when below `testShare` × 100); the next
    /// 4 bytes mod the number of variants pick the variant.
    static func place(campaign: RowID, customer: RowID, variantCount: Int) -> (bucket: Int, pick: Int) {
        let digest = Array(SHA256.hash(data: Array("abTest:\(campaign.string):\(customer.string)".utf8)))
        func word(_ i: Int) -> UInt32 { digest[i..<i + 4].reduce(0) { $0 << 8 | UInt32($1) } }
        return (Int(word(0) % 10_000), Int(word(4) % UInt32(max(variantCount, 1))))
    }

    /// True when the customer is in the test group.
    func inTest(campaign: RowID, customer: RowID) -> Bool {
        Self.place(campaign: campaign, customer: customer, variantCount: variants.count).bucket < testShare * 100
    }

    /// The variant the customer receives: a test variant, the winner, or nil (holdout, winner not decided yet).
    func variant(campaign: RowID, customer: RowID) -> String? {
        let place = Self.place(campaign: campaign, customer: customer, variantCount: variants.count)
        return place.bucket < testShare * 100 ? variants[place.pick] : winner
    }
}

extension CRMService {
    /// Decides an A/B test's winner: the one named (any rule), or — for the OpenRate, ClickRate and
    /// ConversionRate rules, once the test window has passed since the first message was queued — the
    /// variant with the highest rate among the test group's sent messages (ties: the earlier variant).
    /// The holdout receives it at the next `execute`.
    /// - Throws: ``ReplicaError`` `CONFLICT` (no test, a winner already decided, window not over,
    ///   nothing sent yet), ``FieldInputError`` (an unknown variant; Manual without a winner).
    public func decideCampaignWinner(id: RowID, winner named: String?) throws -> EntityDocument {
        try replica.transaction { tx in
            let campaign = try tx.visibleRow(CRMSchema.campaign, id: id)
            guard let test = ABTest(campaign) else { throw ReplicaError(.conflict, "campaign \(id) has no A/B test (abTest.variants)") }
            guard test.winner == nil else { throw ReplicaError(.conflict, "campaign \(id) already has its winner: \(test.winner!)") }
            let winner: String
            if let named {
                guard test.variants.contains(named) else { throw FieldInputError(pointer: "/winner", reason: "one of \(test.variants.joined(separator: ", "))") }
                winner = named
            } else {
                guard test.winnerRule != "Manual" else { throw FieldInputError(pointer: "/winner", reason: "the rule is Manual: name the winner") }
                let first = try tx.values("SELECT min(queuedAt) FROM campaignMessage WHERE campaignId = ? AND _created IS NOT NULL AND _deleted IS NULL",
                                          arguments: [.text(id.string)]).first?.first?.textValue
                guard let first, let start = Timestamp.milliseconds(first) else { throw ReplicaError(.conflict, "campaign \(id) has not been executed") }
                let end = start + UInt64(test.testWindowHours) * 3_600_000
                guard tx.replica.wallClock.nowMilliseconds() >= end else {
                    throw ReplicaError(.conflict, "the test window ends at \(Timestamp.string(milliseconds: end))")
                }
                let column = ["OpenRate": "openedAt", "ClickRate": "clickedAt", "ConversionRate": "convertedAt"][test.winnerRule] ?? "openedAt"
                var best: (variant: String, rate: Double)?
                for variant in test.variants {
                    let row = try tx.values("""
                        SELECT count(sentAt), count(\(column)) FROM campaignMessage WHERE campaignId = ? AND variant = ? AND _created IS NOT NULL AND _deleted IS NULL
                        """, arguments: [.text(id.string), .text(variant)]).first ?? []
                    let sent = row.first?.integerValue ?? 0, hits = row.count > 1 ? row[1].integerValue ?? 0 : 0
                    guard sent > 0 else { continue }
                    let rate = Double(hits) / Double(sent)
                    if best == nil || rate > best!.rate { best = (variant, rate) }
                }
                guard let best else { throw ReplicaError(.conflict, "no test message has been sent yet: nothing to compare") }
                winner = best.variant
            }
            try tx.write([LocalWrite(.update, CRMSchema.campaign, id: id, values: ["winner": .text(winner)])])
            return try Self.document(try tx.visibleRow(CRMSchema.campaign, id: id), tx)
        }
    }
}
