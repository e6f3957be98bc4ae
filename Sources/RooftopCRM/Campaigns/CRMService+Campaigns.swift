import Foundation
import RooftopModel
import RooftopReplication
import RooftopStore

/// What `execute` did.
public struct CampaignExecution: Sendable, Codable, Equatable {
    public var campaignId: String
    /// The campaign's status afterwards (Running).
    public var status: String
    /// Customers the audience holds on this rooftop now.
    public var audience: Int
    /// New messages queued for the owning rooftop to send.
    public var queued: Int
    /// New messages recorded as suppressed, by reason (`doNotContact`, `noOptIn`, `noAddress`).
    public var suppressed: [String: Int]
    /// Customers who already had this campaign's message (an earlier execute here or elsewhere): untouched.
    public var alreadyInOutbox: Int
    /// A/B test: new messages per variant (`holdout`: waiting for the winner).
    public var variants: [String: Int] = [:]
    /// A/B test: held-back messages given the winner now that it is decided.
    public var winnerAssigned: Int = 0
    /// The rooftop that will deliver.
    public var owningRooftop: String
}

extension CRMService {
    /// Executes a campaign: resolves its audience on this replica and writes one outbox message
    /// per customer, each with an id derived from `(campaign, customer)` so that executes at two
    /// partitioned rooftops produce one message per customer group-wide
    /// (`sync-protocol/merge-rules.md#campaign-outbox`). Customers with `doNotContact`, without
    /// opt-in for the channel, or without an address for it get a `Suppressed` message with the
    /// reason instead. Messages already present are left as they are, so executing again only
    /// adds customers who joined the audience since. The campaign becomes Running.
    ///
    /// Channels: Email → `optInEmail` and an e-mail; SMS → `optInSMS` and a Mobile phone;
    /// Direct Mail → `optInMail` and an address; Multi-Channel → the customer's `preferredMethod`
    /// when opted in, else the first of Email, SMS, Mail the customer is opted in to and reachable by.
    ///
    /// With an A/B test (``ABTest``), each queued message carries its variant: the test group's is a
    /// function of campaign and customer; the holdout's is the winner, or null until it is decided
    /// (an execute after the decision fills it in).
    /// - Throws: ``ReplicaError`` `NOT_FOUND`/`GONE`; `CONFLICT` for a Completed or Cancelled
    ///   campaign or a Social one (not delivered through the outbox); `INVALID` without an audience.
    public func executeCampaign(id: RowID) throws -> CampaignExecution {
        try replica.transaction { tx in
            let campaign = try tx.visibleRow(CRMSchema.campaign, id: id)
            let status = campaign["status"].textValue ?? "Draft"
            guard status != "Completed" && status != "Cancelled" else {
                throw ReplicaError(.conflict, "campaign \(id) is \(status): it cannot be executed")
            }
            let type = campaign["type"].textValue ?? "Email"
            guard type != "Social" else { throw ReplicaError(.conflict, "a Social campaign is posted, not sent to customers: it has no outbox") }
            let audience = try CampaignAudience.customers(campaign, tx)
            let now = Rules.now(tx)
            var report = CampaignExecution(campaignId: id.string, status: "Running", audience: audience.count, queued: 0, suppressed: [:],
                                           alreadyInOutbox: 0, owningRooftop: campaign["owningRooftop"].textValue ?? tx.replica.rooftop.rawValue)
            var writes: [LocalWrite] = []
            let test = ABTest(campaign)
            for chunk in stride(from: 0, to: audience.count, by: 500).map({ Array(audience[$0..<min($0 + 500, audience.count)]) }) {
                for customer in try tx.customers(ids: chunk) {
                    var messageID = DerivedID.campaignMessage(campaign: id, customer: customer.customer.id)
                    var exists = try tx.exists(CRMSchema.campaignMessage, id: messageID)
                    // A merged customer may hold a duplicate's message (moved to it): one message per person.
                    if !exists, !customer.mergedFrom.isEmpty, let moved = try tx.rows(CRMSchema.campaignMessage, where: "campaignId = ? AND customerId = ?",
                                                                                        arguments: [.text(id.string), .text(customer.customer.id.string)], limit: 1).first {
                        messageID = moved.id
                        exists = true
                    }
                    if exists {
                        report.alreadyInOutbox += 1
                        // The holdout receives the winner once it is decided (the test group keeps its variant).
                        if let test, let winner = test.winner, !test.inTest(campaign: id, customer: customer.customer.id),
                            let message = try tx.row(CRMSchema.campaignMessage, id: messageID), message["variant"].isNull,
                            message["status"] == .text("Queued") {
                            writes.append(LocalWrite(.update, CRMSchema.campaignMessage, id: messageID, values: ["variant": .text(winner)]))
                            report.winnerAssigned += 1
                        }
                        continue
                    }
                    var values: [String: FieldValue] = ["campaignId": .text(id.string), "customerId": .text(customer.customer.id.string),
                                                        "queuedAt": now]
                    switch MessageChannel.choose(campaignType: type, customer) {
                    case .send(let channel):
                        values["channel"] = .text(channel)
                        values["status"] = .text("Queued")
                        report.queued += 1
                        if let test {
                            let variant = test.variant(campaign: id, customer: customer.customer.id)
                            values["variant"] = variant.map(FieldValue.text) ?? .null
                            report.variants[variant ?? "holdout", default: 0] += 1
                        }
                    case .suppress(let channel, let reason):
                        values["channel"] = channel.map(FieldValue.text) ?? .null
                        values["status"] = .text("Suppressed")
                        values["statusReason"] = .text(reason)
                        report.suppressed[reason, default: 0] += 1
                    }
                    writes.append(LocalWrite(.insert, CRMSchema.campaignMessage, id: messageID, values: values))
                }
            }
            if status != "Running" { writes.append(LocalWrite(.update, CRMSchema.campaign, id: id, values: ["status": .text("Running")])) }
            try tx.write(writes)
            return report
        }
    }

    /// A campaign's metrics, counted from its outbox messages.
    /// - Throws: ``ReplicaError`` `NOT_FOUND`/`GONE`.
    public func campaignMetrics(id: RowID) throws -> [String: JSONValue] {
        try replica.snapshot { tx in try CampaignMetrics.json(campaign: try tx.visibleRow(CRMSchema.campaign, id: id), tx) }
    }
}

/// The channel a campaign reaches a customer on, or why it does not.
enum MessageChannel: Equatable {
    case send(String)
    case suppress(String?, reason: String)

    static func choose(campaignType: String, _ customer: CustomerRecord) -> MessageChannel {
        let row = customer.customer
        if row["doNotContact"] == .integer(1) { return .suppress(nil, reason: "doNotContact") }
        let optedIn: [String: Bool] = ["Email": row["optInEmail"] == .integer(1), "SMS": row["optInSMS"] == .integer(1), "Mail": row["optInMail"] == .integer(1)]
        let reachable: [String: Bool] = [
            "Email": !row["email"].isNull,
            "SMS": customer.phones.contains { $0["type"].textValue == "Mobile" && !$0["number"].isNull },
            "Mail": customer.addresses.contains { !$0["street"].isNull && !$0["postalCode"].isNull },
        ]
        func decide(_ channel: String) -> MessageChannel {
            guard optedIn[channel] == true else { return .suppress(channel, reason: "noOptIn") }
            guard reachable[channel] == true else { return .suppress(channel, reason: "noAddress") }
            return .send(channel)
        }
        switch campaignType {
        case "Email": return decide("Email")
        case "SMS": return decide("SMS")
        case "Direct Mail": return decide("Mail")
        default:
            let preferred = ["Email": "Email", "SMS": "SMS", "Phone": "SMS", "Mail": "Mail"][row["preferredMethod"].textValue ?? ""]
            if let preferred, case .send = decide(preferred) { return .send(preferred) }
            for channel in CRMSchema.messageChannels { if case .send = decide(channel) { return .send(channel) } }
            return .suppress(nil, reason: "noOptIn")
        }
    }
}
