import Foundation
import GRDB
import RooftopModel
import RooftopReplication
import RooftopWire

/// The review queue inside the replica's transactions: this rooftop's own changes that the hub
/// never acknowledged and that can no longer be offered to it, kept for staff instead of being
/// dropped (`sync-protocol/merge-rules.md#review-queue`). Local: never replicated.
enum ReviewQueue {
    /// Why a change is in the queue.
    enum Reason: String {
        /// Its row (or its parent) was purged after the retention horizon (a rooftop that was
        /// offline longer, or a purge that arrived before the change was sent).
        case rowPurged = "ROW_PURGED"
        /// Its customer was erased on a data subject's request: only the fact is kept, not the values.
        case customerErased = "CUSTOMER_ERASED"
    }

    /// The hub's acknowledgement of this rooftop's changes, as the sync client last recorded it
    /// (`syncState.hubAcked`); own changes after it are unsent.
    static func hubAcknowledged(_ db: Database) throws -> HLC {
        HLC(rawValue: try String.fetchOne(db, sql: "SELECT CAST(value AS TEXT) FROM syncState WHERE key = 'hubAcked'").flatMap(UInt64.init) ?? 0)
    }

    /// Queues `owner`'s unsent logged changes to one row before they are removed from the change log
    /// (but those in `except`, queued already).
    /// - Returns: how many were queued.
    @discardableResult
    static func keepUnsent(_ db: Database, _ entity: EntitySchema, id: RowID, owner: RooftopID, reason: Reason, now: UInt64,
                           except: Set<HLC> = []) throws -> Int {
        guard owner != .hub else { return 0 }
        var queued = 0
        let rows = try Row.fetchAll(db, sql: """
            SELECT hlc, kind, fields FROM changeLog WHERE tableName = ? AND rowId = ? AND origin = ? AND hlc > ? AND kind IN (1, 2, 3, 4)
            """, arguments: [entity.table, id.string, owner.rawValue, Int64(bitPattern: try hubAcknowledged(db).rawValue)])
        for row in rows {
            guard let kind = RowChange.Kind(rawValue: UInt8(truncatingIfNeeded: row[1] as Int64)) else { continue }
            let fields = (try? FieldListCodec.decode(Array(row[2] as Data))) ?? []
            let change = RowChange(table: entity.table, rowID: id, hlc: HLC(rawValue: UInt64(bitPattern: row[0] as Int64)), kind: kind, fields: fields)
            if except.contains(change.hlc) { continue }
            try record(db, change, origin: owner, reason: reason, now: now)
            queued += 1
        }
        return queued
    }

    /// Adds one change to the queue (an erased customer's without its values).
    static func record(_ db: Database, _ change: RowChange, origin: RooftopID, reason: Reason, now: UInt64, customer known: String? = nil) throws {
        guard let entity = CRMSchema.entity(change.table) else { return }
        var customer: String? = known
        if customer == nil, entity.table == CRMSchema.customer.table {
            customer = change.rowID.string
        } else if customer == nil, let parentField = entity.parentField {
            if case .text(let text)? = change.fields.first(where: { $0.name == parentField })?.value { customer = text }
            else { customer = try ChildRecords.storedParentID(db, entity, id: change.rowID)?.string }
        }
        let keepsValues = reason != .customerErased
        let detail = switch reason {
        case .rowPurged: "its \(entity.table) was deleted elsewhere and purged after the retention horizon before this change reached the hub"
        case .customerErased: "its customer was erased (data subject request): the values are gone; nothing can be applied"
        }
        try db.execute(sql: """
            INSERT OR IGNORE INTO reviewItem (id, createdAt, reason, detail, origin, hlc, tableName, rowId, kind, fields, customerId)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [RowID.v7(milliseconds: now).string, Int64(now), reason.rawValue, detail, origin.rawValue,
                             Int64(bitPattern: change.hlc.rawValue), change.table, change.rowID.string, Int64(change.kind.rawValue),
                             Data(FieldListCodec.encode(keepsValues ? change.fields : [])), customer])
    }

    /// Removes every item about an erased customer (it or its children): the erasure reaches the queue too.
    static func forget(_ db: Database, customer: String, rows: [String]) throws {
        try db.execute(sql: "DELETE FROM reviewItem WHERE customerId = ?", arguments: [customer])
        for row in rows { try db.execute(sql: "DELETE FROM reviewItem WHERE rowId = ?", arguments: [row]) }
    }
}
