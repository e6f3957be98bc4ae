import Foundation
import RooftopModel
import RooftopReplication
import RooftopStore

/// Who a campaign reaches: the union of its segments' members and the customers its
/// `filterCriteria` select, on this rooftop's replica.
enum CampaignAudience {
    /// The ids of a stored UUID list (``FieldType/list(_:maxCount:)``).
    static func ids(_ list: String) -> [RowID] {
        guard let json = try? JSONDecoder().decode([String].self, from: Data(list.utf8)) else { return [] }
        return json.compactMap(RowID.init)
    }

    /// The audience in id order, without duplicates.
    /// - Throws: ``ReplicaError`` `INVALID` when the campaign names no audience.
    static func customers(_ campaign: StoredRow, _ tx: StoreTransaction) throws -> [RowID] {
        var conditions: [ListQuery.Condition] = []
        if case .text(let list) = campaign["segments"] {
            for segmentID in ids(list) {
                guard let segment = try tx.row(CRMSchema.customerSegment, id: segmentID) else { continue }  // a deleted segment reaches nobody
                conditions.append(try SegmentMembers.condition(segment, tx))
            }
        }
        if !campaign["filterCriteria"].isNull {
            do {
                let criteria = try SegmentCriteria(stored: campaign["filterCriteria"], at: "/targetAudience/filterCriteria",
                                                   nowMilliseconds: tx.replica.wallClock.nowMilliseconds())
                conditions.append(ListQuery.Condition(criteria.sql, criteria.arguments))
            } catch let error as FieldInputError {
                throw ReplicaError(.invalid, "the campaign's filterCriteria cannot be evaluated: \(error.pointer): \(error.reason)")
            }
        }
        guard !conditions.isEmpty else {
            throw ReplicaError(.invalid, campaign["segments"].isNull
                ? "campaign \(campaign.id) has no audience: set targetAudience.segments or targetAudience.filterCriteria"
                : "campaign \(campaign.id) has no audience: its segments were deleted and it has no filterCriteria")
        }
        let sql = conditions.map { "(\($0.sql))" }.joined(separator: " OR ")
        return try tx.strings("SELECT id FROM customer WHERE _created IS NOT NULL AND _deleted IS NULL AND _mergedInto IS NULL AND (\(sql)) ORDER BY id",
                              arguments: conditions.flatMap(\.arguments)).compactMap(RowID.init)
    }
}
