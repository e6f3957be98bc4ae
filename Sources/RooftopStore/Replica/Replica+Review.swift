import Foundation
import GRDB
import RooftopModel
import RooftopReplication
import RooftopWire

extension Replica {
    /// The review queue, oldest first (`sync-protocol/merge-rules.md#review-queue`).
    /// - Parameter limit: at most this many.
    public func reviewItems(limit: Int = 1_000) throws -> [ReviewItem] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM reviewItem ORDER BY createdAt, id LIMIT ?", arguments: [limit]).compactMap(Self.reviewItem)
        }
    }

    /// The number of items in the review queue.
    public func reviewCount() throws -> Int {
        try pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM reviewItem") ?? 0 }
    }

    /// One item of the review queue.
    /// - Throws: ``ReplicaError`` `NOT_FOUND`.
    public func reviewItem(id: RowID) throws -> ReviewItem {
        try pool.read { db in try Self.reviewItem(db, id: id) }
    }

    /// Removes an item from the review queue (its values are gone for good).
    /// - Throws: ``ReplicaError`` `NOT_FOUND`.
    public func discardReviewItem(id: RowID) throws {
        try writeTransaction { db in
            _ = try Self.reviewItem(db, id: id)
            try db.execute(sql: "DELETE FROM reviewItem WHERE id = ?", arguments: [id.string])
        }
    }

    /// Applies a queued change again as a new local edit, stamped now, and removes the item, in one
    /// transaction. An update (or insert) of a row that is still there writes its values to that row;
    /// an insert of a child whose customer is there creates it anew (a new id); a delete or restore is
    /// done again if it still applies.
    /// - Returns: the changes written.
    /// - Throws: ``ReplicaError`` `NOT_FOUND` (no such item); `GONE` when what it changed no longer
    ///   exists (its values stay readable with ``reviewItem(id:)`` to enter again by hand), or when its
    ///   customer was erased; the errors of ``write(_:)``.
    @discardableResult
    public func applyReviewItem(id: RowID) throws -> [RowChange] {
        try writeTransaction { db in
            let item = try Self.reviewItem(db, id: id)
            guard item.reason != ReviewQueue.Reason.customerErased.rawValue, let entity = CRMSchema.entity(item.table) else {
                throw ReplicaError(.gone, "review item \(id): its customer was erased; nothing can be applied (discard it)")
            }
            try db.execute(sql: "DELETE FROM reviewItem WHERE id = ?", arguments: [id.string])
            let stored = try RowIO.load(db, entity, id: item.rowId)
            var values: [String: FieldValue] = [:]
            for (name, json) in item.fields {
                guard let spec = entity.field(name), !spec.isSystem || name == entity.parentField else { continue }
                values[name] = try spec.type.storedValue(for: json, at: "/\(name)")
            }
            switch item.kind {
            case "insert", "update":
                if let stored, stored.isVisible {
                    values[entity.parentField ?? ""] = nil
                    return try write(db, [LocalWrite(.update, entity, id: item.rowId, values: values)])
                }
                if item.kind == "insert", let parentField = entity.parentField, case .text(let parent)? = values[parentField],
                    let parentID = RowID(parent), let parentTable = entity.parentTable, let parentEntity = CRMSchema.entity(parentTable),
                    try RowIO.load(db, parentEntity, id: parentID)?.isVisible == true {
                    return try write(db, [LocalWrite(.insert, entity, id: RowID.v7(milliseconds: wallClock.nowMilliseconds()), values: values)])
                }
                throw ReplicaError(.gone, "review item \(id): the \(item.table) it changed no longer exists; enter what is needed again and discard it")
            case "delete" where stored?.isVisible == true:
                return [try lifecycle(db, entity, id: item.rowId, kind: .delete)]
            case "restore" where stored?.created != nil && stored?.isVisible == false:
                return [try lifecycle(db, entity, id: item.rowId, kind: .restore)]
            default:
                throw ReplicaError(.gone, "review item \(id): its \(item.kind) no longer applies to \(item.table) \(item.rowId)")
            }
        }
    }

    /// Offers this rooftop's own kept changes again, in HLC order, in one transaction (after a
    /// re-bootstrap): each is logged and merged as its own change, unless its row (or its parent) was
    /// purged or its customer erased meanwhile, in which case it goes to the review queue. Changes are
    /// checked like any changeset, but not against the drift limit (they are this rooftop's own; one
    /// stamped in the future is re-stamped once the clock is right, `sync-protocol/hlc.md#a-clock-far-ahead`).
    /// - Parameters:
    ///   - changes: this rooftop's own unsent changes, from the old replica file.
    ///   - parents: the parent of each child row they touch, keyed `table/rowId`, from the old file
    ///     (``parentIDs(of:)``): a change to a child the hub no longer holds is queued by it.
    /// - Returns: how many were re-offered (now in the outbox) and how many went to the review queue.
    /// - Throws: ``ReplicaError`` as ``apply(_:acceptingOwnChangesUpTo:)`` (nothing is written then).
    public func reoffer(_ changes: [RowChange], parents: [String: RowID] = [:]) throws -> (reoffered: Int, queued: Int) {
        let changeset = Changeset(schemaVersion: CRMSchema.version, origin: rooftop, changes: changes.sorted { $0.hlc < $1.hlc })
        try validate(changeset)
        return try writeTransaction { db in
            let now = wallClock.nowMilliseconds()
            let seen = try ChangeLog.versionVector(db)[rooftop]
            var merger = try ChangeMerger(db, owner: rooftop, now: now)
            var reoffered = 0, queued = 0
            for change in changeset.changes where change.hlc > seen {
                // A change to a row this rooftop knew but the hub no longer holds (no insert comes
                // first): the row was removed there, by a purge or by an erasure of its customer whose
                // erase change names only the customer. The old file knows the parent.
                if change.kind != .insert, let entity = CRMSchema.entity(change.table), entity.parentTable != nil,
                    let parent = parents["\(change.table)/\(change.rowID)"], try RowIO.load(db, entity, id: change.rowID) == nil {
                    let erased = try entity.parentTable == CRMSchema.customer.table && Erasure.isErased(db, customer: parent.string)
                    try ReviewQueue.record(db, change, origin: rooftop, reason: erased ? .customerErased : .rowPurged, now: now, customer: parent.string)
                    queued += 1
                    continue
                }
                switch try merger.merge(change, origin: rooftop, schemaVersion: changeset.schemaVersion) {
                case .merged: reoffered += 1
                case .purged:
                    try ReviewQueue.record(db, change, origin: rooftop, reason: .rowPurged, now: now)
                    queued += 1
                case .erased:
                    try ReviewQueue.record(db, change, origin: rooftop, reason: .customerErased, now: now)
                    queued += 1
                }
            }
            if let last = changeset.changes.last, last.hlc > seen {
                try ChangeLog.advance(db, origin: rooftop, to: last.hlc)
                var clock = try loadClock(db)
                clock.observe(last.hlc)
                try storeClock(db, clock)
            }
            return (reoffered, queued)
        }
    }

    /// The stored parent of every child row these changes touch, keyed `table/rowId`: what
    /// ``reoffer(_:parents:)`` needs from a re-bootstrap's old file.
    /// - Throws: GRDB's `DatabaseError`.
    public func parentIDs(of changes: [RowChange]) throws -> [String: RowID] {
        try pool.read { db in
            var parents: [String: RowID] = [:]
            for change in changes {
                guard let entity = CRMSchema.entity(change.table), entity.parentTable != nil,
                    let parent = try ChildRecords.storedParentID(db, entity, id: change.rowID) else { continue }
                parents["\(change.table)/\(change.rowID)"] = parent
            }
            return parents
        }
    }

    /// Takes over another replica file's local records of this rooftop (a re-bootstrap's old file):
    /// its review queue and its re-stamp audit, in one transaction. Queued values of a customer
    /// erased meanwhile are not taken (only the fact that a change was dropped).
    /// - Throws: ``ReplicaError`` `INVALID` when `old` belongs to another rooftop; GRDB's `DatabaseError`.
    public func adoptLocalRecords(from old: Replica) throws {
        guard old.rooftop == rooftop else { throw ReplicaError(.invalid, "\(old.path) is the replica of \(old.rooftop), not \(rooftop)") }
        let (items, restamps) = try old.pool.read { db in
            (try Row.fetchAll(db, sql: "SELECT * FROM reviewItem"), try Row.fetchAll(db, sql: "SELECT oldHlc, newHlc, at FROM restampedChange"))
        }
        try writeTransaction { db in
            for item in items {
                let erased = try (item["customerId"] as String?).map { try Erasure.isErased(db, customer: $0) } ?? false
                try db.execute(sql: """
                    INSERT OR IGNORE INTO reviewItem (id, createdAt, reason, detail, origin, hlc, tableName, rowId, kind, fields, customerId)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [item["id"], item["createdAt"], erased ? ReviewQueue.Reason.customerErased.rawValue : item["reason"],
                                     item["detail"], item["origin"], item["hlc"], item["tableName"], item["rowId"], item["kind"],
                                     erased ? Data(FieldListCodec.encode([])) : item["fields"], item["customerId"]] as StatementArguments)
            }
            for row in restamps {
                try db.execute(sql: "INSERT OR IGNORE INTO restampedChange (oldHlc, newHlc, at) VALUES (?, ?, ?)", arguments: [row[0], row[1], row[2]] as StatementArguments)
            }
        }
    }

    static func reviewItem(_ db: Database, id: RowID) throws -> ReviewItem {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM reviewItem WHERE id = ?", arguments: [id.string]), let item = reviewItem(row) else {
            throw ReplicaError(.notFound, "no review item with id \(id)")
        }
        return item
    }

    static func reviewItem(_ row: Row) -> ReviewItem? {
        guard let id = RowID(row["id"] as String), let rowID = RowID(row["rowId"] as String), let origin = RooftopID(rawValue: row["origin"]),
            let kind = RowChange.Kind(rawValue: UInt8(truncatingIfNeeded: row["kind"] as Int64))
        else { return nil }
        let table: String = row["tableName"]
        let entity = CRMSchema.entity(table)
        let fields = (try? FieldListCodec.decode(Array(row["fields"] as Data))) ?? []
        let hlc = HLC(rawValue: UInt64(bitPattern: row["hlc"] as Int64))
        return ReviewItem(
            id: id, reason: row["reason"], detail: row["detail"], queuedAt: Timestamp.string(milliseconds: UInt64(row["createdAt"] as Int64)),
            table: table, rowId: rowID, customerId: (row["customerId"] as String?).flatMap(RowID.init), kind: kind.name, origin: origin,
            hlc: hlc.rawValue, at: Timestamp.string(milliseconds: hlc.milliseconds),
            fields: Dictionary(fields.map { ($0.name, entity?.field($0.name)?.type.jsonValue(for: $0.value) ?? .string($0.value.description)) },
                               uniquingKeysWith: { a, _ in a }))
    }
}
