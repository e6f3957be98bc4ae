import Foundation
import RooftopModel
import RooftopReplication
import RooftopStore

/// `Campaign`: status lifecycle, audience validation, owning rooftop, derived `metrics`.
struct CampaignRules: EntityRules {
    var entity: EntitySchema { CRMSchema.campaign }
    var derivedKeys: Set<String> { ["metrics"] }

    /// Status → the statuses a campaign may move to from it. Completed and Cancelled are final.
    static let transitions: [String: Set<String>] = [
        "Draft": ["Scheduled", "Running", "Cancelled"],
        "Scheduled": ["Draft", "Running", "Cancelled"],
        "Running": ["Completed", "Cancelled"],
        "Completed": [],
        "Cancelled": [],
    ]

    func prepareCreate(_ fields: inout [String: FieldValue], id: RowID, _ tx: StoreTransaction) throws -> [LocalWrite] {
        if (fields["status"] ?? .null).isNull { fields["status"] = .text("Draft") }
        guard ["Draft", "Scheduled"].contains(fields["status"]?.textValue ?? "") else {
            throw FieldInputError(pointer: "/status", reason: "a campaign starts as Draft or Scheduled")
        }
        if (fields["owningRooftop"] ?? .null).isNull { fields["owningRooftop"] = .text(tx.replica.rooftop.rawValue) }
        try validate(fields, current: nil, tx)
        return []
    }

    func prepareUpdate(_ changes: inout [String: FieldValue], current: StoredRow, _ tx: StoreTransaction) throws -> [LocalWrite] {
        if let next = changes["status"]?.textValue, let from = current["status"].textValue, next != from {
            guard Self.transitions[from]?.contains(next) == true else {
                let allowed = (Self.transitions[from] ?? []).sorted()
                throw ReplicaError(.conflict, "a \(from) campaign cannot become \(next)" + (allowed.isEmpty ? ": it is final" : " (allowed: \(allowed.joined(separator: ", ")))"))
            }
        }
        if current["status"].textValue == "Completed" || current["status"].textValue == "Cancelled",
            changes.keys.contains(where: { !["description", "owningRooftop"].contains($0) }) {
            throw ReplicaError(.conflict, "a \(current["status"].textValue ?? "") campaign is final: only its description and owning rooftop change")
        }
        try validate(changes, current: current, tx)
        return []
    }

    func validate(_ fields: [String: FieldValue], current: StoredRow?, _ tx: StoreTransaction) throws {
        if case .text(let list) = Rules.value("variants", fields, current) {
            let names = (try? JSONDecoder().decode([String].self, from: Data(list.utf8))) ?? []
            guard names.count >= 2 else { throw FieldInputError(pointer: "/abTest/variants", reason: "an A/B test has 2 to 5 distinct variants") }
            if case .text(let winner) = Rules.value("winner", fields, current), !names.contains(winner) {
                throw FieldInputError(pointer: "/abTest/winner", reason: "one of \(names.joined(separator: ", "))")
            }
            if let current, current["status"].textValue != "Draft" && current["status"].textValue != "Scheduled",
                fields["variants"] != nil || fields["testShare"] != nil {
                throw ReplicaError(.conflict, "the A/B test of a \(current["status"].textValue ?? "") campaign no longer changes")
            }
        } else if !Rules.value("winner", fields, current).isNull {
            throw FieldInputError(pointer: "/abTest/winner", reason: "the campaign has no variants")
        }
        if case .text(let rooftop) = fields["owningRooftop"] ?? .null, RooftopID(rawValue: rooftop) == nil {
            throw FieldInputError(pointer: "/owningRooftop", reason: "expected a rooftop id (lower-case letters, digits and hyphens)")
        }
        if let criteria = fields["filterCriteria"], !criteria.isNull {
            _ = try SegmentCriteria(stored: criteria, at: "/targetAudience/filterCriteria", nowMilliseconds: tx.replica.wallClock.nowMilliseconds())
        }
        if case .text(let list) = fields["segments"] ?? .null {
            for (i, id) in CampaignAudience.ids(list).enumerated() where try tx.row(CRMSchema.customerSegment, id: id) == nil {
                throw FieldInputError(pointer: "/targetAudience/segments/\(i)", reason: "no segment with id \(id)")
            }
        }
        let start = Rules.value("startDate", fields, current), end = Rules.value("endDate", fields, current)
        if case .text(let s) = start, case .text(let e) = end, e < s {
            throw FieldInputError(pointer: "/endDate", reason: "before startDate")
        }
    }

    func decorate(_ json: inout [String: JSONValue], row: StoredRow, _ tx: StoreTransaction) throws {
        json["metrics"] = .object(try CampaignMetrics.json(campaign: row, tx))
    }
}
