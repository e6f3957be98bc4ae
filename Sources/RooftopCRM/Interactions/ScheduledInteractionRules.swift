import Foundation
import RooftopModel
import RooftopReplication
import RooftopStore

/// A scheduled interaction: Scheduled → Completed or Cancelled (both final). Completing one
/// records the interaction it became, unless `interactionId` names one already.
struct ScheduledInteractionRules: EntityRules {
    var entity: EntitySchema { CRMSchema.scheduledInteraction }

    func prepareCreate(_ fields: inout [String: FieldValue], id: RowID, _ tx: StoreTransaction) throws -> [LocalWrite] {
        if (fields["status"] ?? .null).isNull { fields["status"] = .text("Scheduled") }
        guard fields["status"]?.textValue == "Scheduled" else {
            throw FieldInputError(pointer: "/status", reason: "a scheduled interaction starts as Scheduled")
        }
        if case .text(let when) = fields["scheduledFor"] ?? .null, let ms = Timestamp.milliseconds(when),
            ms + 3_600_000 < tx.replica.wallClock.nowMilliseconds() {
            throw FieldInputError(pointer: "/scheduledFor", reason: "in the past (record what happened as an interaction instead)")
        }
        return []
    }

    func prepareUpdate(_ changes: inout [String: FieldValue], current: StoredRow, _ tx: StoreTransaction) throws -> [LocalWrite] {
        let from = current["status"].textValue ?? "Scheduled"
        if from != "Scheduled" {
            throw ReplicaError(.conflict, "this interaction is \(from): it no longer changes")
        }
        guard let next = changes["status"]?.textValue else { return [] }
        var writes: [LocalWrite] = []
        // A survey's follow-up call closes the survey's follow-up.
        if current["relatedToType"] == .text("CustomerSurvey"), case .text(let surveyText) = current["relatedToId"], let survey = RowID(surveyText),
            try tx.row(CRMSchema.customerSurvey, id: survey) != nil {
            writes.append(LocalWrite(.update, CRMSchema.customerSurvey, id: survey,
                                     values: ["followUpStatus": .text(next == "Completed" ? "Completed" : "No Action")]))
        }
        guard next == "Completed", (Rules.value("interactionId", changes, current)).isNull else { return writes }
        let interactionID = tx.replica.newRowID()
        changes["interactionId"] = .text(interactionID.string)
        var values: [String: FieldValue] = ["interactionDate": Rules.now(tx)]
        for name in ["customerId", "type", "direction", "subject", "content", "relatedToType", "relatedToId"] {
            let value = Rules.value(name, changes, current)
            if !value.isNull { values[name] = value }
        }
        values["userId"] = Rules.value("assignedToId", changes, current)
        return writes + [LocalWrite(.insert, CRMSchema.customerInteraction, id: interactionID, values: values)]
    }
}
