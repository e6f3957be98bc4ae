import Foundation
import RooftopModel
import RooftopReplication
import RooftopStore

/// `CustomerSegment`: criteria validated on write; `memberCount` and `lastRefreshed` derived.
struct SegmentRules: EntityRules {
    var entity: EntitySchema { CRMSchema.customerSegment }
    var derivedKeys: Set<String> { ["memberCount", "lastRefreshed"] }

    func prepareCreate(_ fields: inout [String: FieldValue], id: RowID, _ tx: StoreTransaction) throws -> [LocalWrite] {
        try validate(fields, current: nil, tx)
        return []
    }

    func prepareUpdate(_ changes: inout [String: FieldValue], current: StoredRow, _ tx: StoreTransaction) throws -> [LocalWrite] {
        try validate(changes, current: current, tx)
        if changes["criteria"] != nil || changes["type"] != nil {
            // The last refresh counted other rules: it no longer describes this segment.
            try tx.executeLocal("DELETE FROM segmentRefresh WHERE segmentId = ?", arguments: [.text(current.id.string)])
        }
        return []
    }

    func validate(_ fields: [String: FieldValue], current: StoredRow?, _ tx: StoreTransaction) throws {
        let type = Rules.value("type", fields, current).textValue
        let criteria = Rules.value("criteria", fields, current)
        if type == "Dynamic" && criteria.isNull {
            throw FieldInputError(pointer: "/criteria", reason: "a Dynamic segment needs criteria")
        }
        if let given = fields["criteria"], !given.isNull {
            _ = try SegmentCriteria(stored: given, at: "/criteria", nowMilliseconds: tx.replica.wallClock.nowMilliseconds())
        }
    }

    func decorate(_ json: inout [String: JSONValue], row: StoredRow, _ tx: StoreTransaction) throws {
        if row["type"].textValue == "Static" {
            json["memberCount"] = .number(Double(try SegmentMembers.staticCount(segment: row.id, tx)))
        } else {
            json["memberCount"] = .null
        }
        json["lastRefreshed"] = .null
        if let refresh = try tx.values("SELECT memberCount, refreshedAt FROM segmentRefresh WHERE segmentId = ?", arguments: [.text(row.id.string)]).first,
            case .integer(let count) = refresh[0], case .integer(let at) = refresh[1] {
            if row["type"].textValue != "Static" { json["memberCount"] = .number(Double(count)) }
            json["lastRefreshed"] = .string(Timestamp.string(milliseconds: UInt64(max(0, at))))
        }
    }
}

/// Who is in a segment, on this rooftop's replica.
enum SegmentMembers {
    /// The condition on `customer` that selects the segment's members.
    /// - Throws: ``ReplicaError`` `INVALID` when a dynamic segment's stored criteria no longer compile.
    static func condition(_ segment: StoredRow, _ tx: StoreTransaction) throws -> ListQuery.Condition {
        if segment["type"].textValue == "Static" {
            return ListQuery.Condition("""
                customer.id IN (SELECT m.customerId FROM segmentMember m WHERE m.segmentId = ? AND m._created IS NOT NULL
                  AND m._deleted IS NULL AND coalesce(m.removed, 0) = 0)
                """, [.text(segment.id.string)])
        }
        do {
            let criteria = try SegmentCriteria(stored: segment["criteria"], at: "/criteria", nowMilliseconds: tx.replica.wallClock.nowMilliseconds())
            return ListQuery.Condition(criteria.sql, criteria.arguments)
        } catch let error as FieldInputError {
            throw ReplicaError(.invalid, "segment \(segment.id) has criteria this release cannot evaluate: \(error.pointer): \(error.reason)")
        }
    }

    static func staticCount(segment: RowID, _ tx: StoreTransaction) throws -> Int64 {
        try tx.integer("""
            SELECT count(DISTINCT m.customerId) FROM segmentMember m JOIN customer c ON c.id = m.customerId
            WHERE m.segmentId = ? AND m._created IS NOT NULL AND m._deleted IS NULL AND coalesce(m.removed, 0) = 0
              AND c._created IS NOT NULL AND c._deleted IS NULL AND c._mergedInto IS NULL
            """, arguments: [.text(segment.string)])
    }

    static func count(_ segment: StoredRow, _ tx: StoreTransaction) throws -> Int64 {
        let condition = try condition(segment, tx)
        return try tx.integer("SELECT count(*) FROM customer WHERE _created IS NOT NULL AND _deleted IS NULL AND _mergedInto IS NULL AND (\(condition.sql))",
                              arguments: condition.arguments)
    }

    /// Every member id, in id order.
    static func ids(_ segment: StoredRow, _ tx: StoreTransaction) throws -> [RowID] {
        let condition = try condition(segment, tx)
        return try tx.strings("SELECT id FROM customer WHERE _created IS NOT NULL AND _deleted IS NULL AND _mergedInto IS NULL AND (\(condition.sql)) ORDER BY id",
                              arguments: condition.arguments).compactMap(RowID.init)
    }
}
