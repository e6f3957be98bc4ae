import RooftopModel
import RooftopReplication
import RooftopStore

extension CRMService {
    /// The delivery events of an outbox message, and the time field each sets.
    public static let messageEvents = ["Sent": "sentAt", "Delivered": "deliveredAt", "Failed": "failedAt",
                                       "Opened": "openedAt", "Clicked": "clickedAt", "Converted": "convertedAt"]

    /// Records what happened to an outbox message (what a delivery provider reports): its time
    /// field (the first report of each event is kept) and, for Sent, Delivered and Failed, its
    /// status. Metrics and A/B winner rules count these fields.
    ///
    /// Only the campaign's owning rooftop sends, so only it records Sent, Delivered and Failed;
    /// Opened, Clicked and Converted may be recorded anywhere (a customer opening an e-mail at
    /// another rooftop's kiosk). A suppressed message, and an A/B holdout message still waiting for
    /// the winner, take no send events.
    /// - Parameters:
    ///   - event: Sent, Delivered, Failed, Opened, Clicked or Converted.
    ///   - at: when (stored date-time); nil: now.
    ///   - reason: why it failed.
    /// - Throws: ``FieldInputError`` for an unknown event; ``ReplicaError`` `NOT_FOUND`/`GONE`, `CONFLICT`.
    public func recordMessageEvent(id: RowID, event: String, at: String?, reason: String?) throws -> EntityDocument {
        guard let field = Self.messageEvents[event] else {
            throw FieldInputError(pointer: "/event", reason: "one of \(Self.messageEvents.keys.sorted().joined(separator: ", "))")
        }
        return try replica.transaction { tx in
            let message = try tx.visibleRow(CRMSchema.campaignMessage, id: id)
            guard message["status"] != .text("Suppressed") else {
                throw ReplicaError(.conflict, "message \(id) was suppressed (\(message["statusReason"].textValue ?? "no reason")): it is never sent")
            }
            let sending = ["Sent", "Delivered", "Failed"].contains(event)
            if sending, case .text(let campaignText) = message["campaignId"], let campaignID = RowID(campaignText),
                let campaign = try tx.row(CRMSchema.campaign, id: campaignID) {
                let owner = campaign["owningRooftop"].textValue ?? campaign["homeRooftop"].textValue ?? ""
                guard owner == tx.replica.rooftop.rawValue else {
                    throw ReplicaError(.conflict, "only \(owner), the campaign's owning rooftop, sends its messages")
                }
                if ABTest(campaign) != nil, message["variant"].isNull {
                    throw ReplicaError(.conflict, "message \(id) waits for the A/B test's winner: decide it, then execute again")
                }
            }
            var values: [String: FieldValue] = [:]
            if message[field].isNull { values[field] = at.map(FieldValue.text) ?? Rules.now(tx) }
            switch event {
            case "Sent" where message["status"] == .text("Queued"): values["status"] = .text("Sent")
            case "Delivered": values["status"] = .text("Delivered")
            case "Failed":
                values["status"] = .text("Failed")
                if let reason { values["statusReason"] = .text(String(reason.prefix(256))) }
            default: break
            }
            if !values.isEmpty { try tx.write([LocalWrite(.update, CRMSchema.campaignMessage, id: id, values: values)]) }
            return try Self.document(try tx.visibleRow(CRMSchema.campaignMessage, id: id), tx)
        }
    }
}
