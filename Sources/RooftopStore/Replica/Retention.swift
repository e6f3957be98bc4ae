import Foundation
import GRDB
import GRDBSQLite
import RooftopModel
import RooftopReplication
import RooftopWire

/// Compaction and retention inside the replica's transactions (`sync-protocol/merge-rules.md#retention`).
enum Retention {
    /// True once any row was purged here (most replicas never purge: their writes and applies
    /// then skip the per-row ``isPurged(_:table:id:)`` lookup).
    static func anyPurged(_ db: Database) throws -> Bool {
        try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM purgedRow LIMIT 1")) ?? false
    }

    static func isPurged(_ db: Database, table: String, id: RowID) throws -> Bool {
        try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM purgedRow WHERE tableName = ? AND rowId = ?"), arguments: [table, id.string]) ?? false
    }

    /// Removes a row and its history for good, keeping only the purge change (for relaying) and a
    /// marker so no later change brings it back. A parent's purge also removes its children
    /// (phones, addresses, tag elements, loyalty events, interactions, vehicle links) and their
    /// history: a delete covers the children (`sync-protocol/merge-rules.md#retention`).
    ///
    /// `owner`'s own changes to those rows that the hub has not acknowledged go to the review queue
    /// first (`sync-protocol/merge-rules.md#review-queue`): a purge never silently drops an edit.
    ///
    /// A purged customer takes with it every customer a merge absorbed into it, or that absorbed it
    /// (its live merge component, `sync-protocol/customer-merge.md#merge-and-retention`), without a
    /// change of their own: every replica does the same when the purge, or a later merge, reaches it.
    static func purge(_ db: Database, _ entity: EntitySchema, id: RowID, by origin: RooftopID, change: RowChange, owner: RooftopID, now: UInt64) throws {
        try purgeRow(db, entity, id: id, by: origin, hlc: change.hlc, owner: owner, now: now)
        try ChangeLog.append(db, origin: origin, change: change)
        if entity.table == CRMSchema.customer.table { try CustomerMerges.spreadPurge(db, from: [id.string]) }
    }

    /// ``purge(_:_:id:by:change:owner:now:)`` of one row and its children, logging no change.
    static func purgeRow(_ db: Database, _ entity: EntitySchema, id: RowID, by origin: RooftopID, hlc: HLC, owner: RooftopID?, now: UInt64) throws {
        for child in CRMSchema.children(of: entity.table) {
            guard let parentField = child.parentField else { continue }
            for text in try String.fetchAll(db, sql: "SELECT id FROM \(child.table.quotedDatabaseIdentifier) WHERE \(parentField.quotedDatabaseIdentifier) = ?",
                                            arguments: [id.string]) {
                guard let childID = RowID(text) else { continue }
                if let owner { try ReviewQueue.keepUnsent(db, child, id: childID, owner: owner, reason: .rowPurged, now: now) }
                try remove(db, child, id: childID, by: origin, hlc: hlc)
            }
        }
        if let owner { try ReviewQueue.keepUnsent(db, entity, id: id, owner: owner, reason: .rowPurged, now: now) }
        try remove(db, entity, id: id, by: origin, hlc: hlc)
    }

    /// True when a change inserts a child whose parent was purged (it is ignored, like a change
    /// to a purged row).
    static func isChildOfAPurgedParent(_ db: Database, _ entity: EntitySchema, _ change: RowChange) throws -> Bool {
        guard let parentField = entity.parentField, let parentTable = entity.parentTable,
            case .text(let parent)? = change.fields.first(where: { $0.name == parentField })?.value, let parentID = RowID(parent)
        else { return false }
        return try isPurged(db, table: parentTable, id: parentID)
    }

    /// Removes one row, its change-log entries (purges and erases stay) and records the marker and the retention floor.
    private static func remove(_ db: Database, _ entity: EntitySchema, id: RowID, by origin: RooftopID, hlc: HLC) throws {
        for row in try Row.fetchAll(db, sql: """
            SELECT origin, max(hlc) FROM changeLog WHERE tableName = ? AND rowId = ? AND kind NOT IN (5, 6) GROUP BY origin
            """, arguments: [entity.table, id.string]) {
            try raiseFloor(db, origin: row[0], to: row[1])
        }
        // An erase stays too: one not yet sent must still reach the hub (who erased, and when, is the DSAR's record).
        try db.execute(sql: "DELETE FROM changeLog WHERE tableName = ? AND rowId = ? AND kind NOT IN (5, 6)", arguments: [entity.table, id.string])
        try db.execute(sql: "DELETE FROM \(entity.table.quotedDatabaseIdentifier) WHERE id = ?", arguments: [id.string])
        try db.execute(sql: "INSERT OR IGNORE INTO purgedRow (tableName, rowId, purgedBy, hlc) VALUES (?, ?, ?, ?)",
                       arguments: [entity.table, id.string, origin.rawValue, Int64(bitPattern: hlc.rawValue)])
    }

    static func raiseFloor(_ db: Database, origin: String, to hlc: Int64) throws {
        try db.execute(sql: """
            INSERT INTO retentionFloor (origin, hlc) VALUES (?, ?) ON CONFLICT(origin) DO UPDATE SET hlc = max(hlc, excluded.hlc)
            """, arguments: [origin, hlc])
    }

    /// The `syncState` key of the hub's retention floor as the last `hello` announced it.
    static let hubFloorKey = "hubRetentionFloor"

    /// The hub's retention floor as this rooftop last recorded it (empty when never).
    static func recordedHubFloor(_ db: Database) throws -> VersionVector {
        guard let text = try String.fetchOne(db, sql: "SELECT CAST(value AS TEXT) FROM syncState WHERE key = ?", arguments: [hubFloorKey]),
            let vector = try? JSONDecoder().decode(VersionVector.self, from: Data(text.utf8))
        else { return VersionVector() }
        return vector
    }

    static func floor(_ db: Database) throws -> VersionVector {
        var vector = VersionVector()
        for row in try Row.fetchAll(db, sql: "SELECT origin, hlc FROM retentionFloor") {
            if let origin = RooftopID(rawValue: row[0]) { vector.advance(origin, to: HLC(rawValue: UInt64(bitPattern: row[1]))) }
        }
        return vector
    }
}

/// What a compaction did.
public struct CompactionReport: Sendable, Equatable, Codable {
    /// Rows whose tombstone outlived the horizon, and their children, purged (hub only: it writes a
    /// purge change for each).
    public var rowsPurged = 0
    /// Change-log entries older than the horizon dropped because nothing in them still decides a field.
    public var entriesDropped = 0
    /// Field values dropped from older entries because a later write won their field.
    public var fieldsDropped = 0
    /// Bytes the replica file shrank by (freed pages returned to the file system by incremental vacuum).
    public var bytesReturned: Int64 = 0

    public init(rowsPurged: Int = 0, entriesDropped: Int = 0, fieldsDropped: Int = 0, bytesReturned: Int64 = 0) {
        self.rowsPurged = rowsPurged
        self.entriesDropped = entriesDropped
        self.fieldsDropped = fieldsDropped
        self.bytesReturned = bytesReturned
    }

    /// True when the compaction changed nothing (the file may still have shrunk).
    public var changedNothing: Bool { rowsPurged == 0 && entriesDropped == 0 && fieldsDropped == 0 }
}

extension Replica {
    /// Compacts tombstones and merge metadata older than the retention horizon.
    ///
    /// - On the hub (`purgeExpiredTombstones`), every row deleted longer ago than the horizon is
    ///   purged by a replicated `purge` change, so every replica removes it the same way.
    /// - On every replica, change-log entries older than the horizon keep only the field values that
    ///   still win their field; entries left with nothing (updates) are dropped. Inserts, deletes,
    ///   restores and purges stay. A rooftop's own changes the hub has not acknowledged are never
    ///   touched. Row content is unchanged (digests stay equal).
    /// - Parameters:
    ///   - retentionMilliseconds: the horizon (default 90 days).
    ///   - purgeExpiredTombstones: write purge changes (the hub does; rooftops receive them).
    ///   - ownAcknowledgedThrough: for a rooftop, the hub's acknowledgement of its own changes.
    /// - Throws: ``ReplicaError`` `BUSY` when another compaction of this replica file is running (in
    ///   this or another process): one at a time, so the purge set is written once.
    public func compact(retentionMilliseconds: UInt64 = 90 * 86_400_000, purgeExpiredTombstones: Bool,
                        ownAcknowledgedThrough: HLC = HLC(rawValue: UInt64.max)) throws -> CompactionReport {
        let lock = try CompactionLock(path: path)
        defer { withExtendedLifetime(lock) {} }
        let now = wallClock.nowMilliseconds()
        guard now > retentionMilliseconds else { return CompactionReport() }
        let cutoff = HLC(milliseconds: now - retentionMilliseconds, counter: 0)
        var report = CompactionReport()
        if purgeExpiredTombstones {
            for entity in CRMSchema.entities {
                // Each batch is chosen inside its write transaction: a row purged is gone, so no row is purged twice.
                while true {
                    let purged = try writeTransaction { db in
                        var clock = try localClock(db)  // first: bringing a clock back re-folds rows
                        let expired = try String.fetchAll(db, sql: """
                            SELECT id FROM \(entity.table.quotedDatabaseIdentifier) WHERE _deleted IS NOT NULL AND _deleted < ? ORDER BY id LIMIT 1000
                            """, arguments: [Int64(bitPattern: cutoff.rawValue)]).compactMap(RowID.init)
                        guard !expired.isEmpty else { return 0 }
                        var rows = 0
                        for id in expired {
                            // Each child gets its own purge change first, so a replica that never saw a child's
                            // insert (a re-bootstrapped rooftop) still knows the child is gone: a late
                            // update of it is then ignored everywhere, not kept as an orphan.
                            var targets: [(EntitySchema, RowID)] = []
                            for child in CRMSchema.children(of: entity.table) {
                                guard let parentField = child.parentField else { continue }
                                for text in try String.fetchAll(db, sql: """
                                    SELECT id FROM \(child.table.quotedDatabaseIdentifier) WHERE \(parentField.quotedDatabaseIdentifier) = ? ORDER BY id
                                    """, arguments: [id.string]) {
                                    if let childID = RowID(text) { targets.append((child, childID)) }
                                }
                            }
                            targets.append((entity, id))
                            for (target, targetID) in targets {
                                let hlc = clock.tick(wallMilliseconds: now)
                                try Retention.purge(db, target, id: targetID, by: rooftop,
                                                    change: RowChange(table: target.table, rowID: targetID, hlc: hlc, kind: .purge, fields: []),
                                                    owner: rooftop, now: now)
                                try ChangeLog.advance(db, origin: rooftop, to: hlc)
                            }
                            rows += targets.count
                        }
                        try storeClock(db, clock)
                        return rows
                    }
                    if purged == 0 { break }
                    report.rowsPurged += purged
                }
            }
            if report.rowsPurged > 0 { scrubWriteAheadLog() }  // the purged rows' pages must not linger in the WAL
        }
        try writeTransaction { db in
            // A value is dropped only when a later write won its field (never a losing write's: a late
            // restore could make it win). The hub then raises its retention floor to that winner, so
            // no delete unaware of it can arrive any more (a rooftop that has not seen it re-bootstraps;
            // an unsent delete that predates it is refreshed first). A rooftop drops only what the hub's
            // floor covers (`sync-protocol/merge-rules.md#retention`).
            let safe: VersionVector? = purgeExpiredTombstones ? nil : try Retention.recordedHubFloor(db)
            var raised = VersionVector()
            let old = try Row.fetchAll(db, sql: """
                SELECT origin, hlc, tableName, rowId, kind, fields FROM changeLog WHERE hlc < ? AND kind IN (1, 2)
                """, arguments: [Int64(bitPattern: cutoff.rawValue)])
            var winners: [String: [String: FieldStamp]] = [:]
            for row in old {
                let origin: String = row[0], hlc = HLC(rawValue: UInt64(bitPattern: row[1])), table: String = row[2], rowID: String = row[3]
                guard let originID = RooftopID(rawValue: origin), let entity = CRMSchema.entity(table), let id = RowID(rowID) else { continue }
                if originID == rooftop && hlc > ownAcknowledgedThrough { continue }  // the outbox stays whole
                let key = "\(table)/\(rowID)"
                if winners[key] == nil { winners[key] = try RowIO.load(db, entity, id: id)?.stamps ?? [:] }
                let stamp = FieldStamp(hlc: hlc, origin: originID)
                let fields = try FieldListCodec.decode(Array(row[5] as Data))
                var kept: [FieldChange] = []
                for field in fields {
                    guard entity.field(field.name) != nil, let winner = winners[key]?[field.name], stamp < winner,
                        winner.hlc < cutoff, safe.map({ winner.hlc <= $0[winner.origin] }) ?? true
                    else { kept.append(field); continue }
                    raised.advance(winner.origin, to: winner.hlc)
                }
                guard kept.count < fields.count else { continue }
                report.fieldsDropped += fields.count - kept.count
                if kept.isEmpty && (row[4] as Int64) == Int64(RowChange.Kind.update.rawValue) {
                    try db.execute(sql: "DELETE FROM changeLog WHERE origin = ? AND hlc = ?", arguments: [origin, row[1] as Int64])
                    report.entriesDropped += 1
                } else {
                    try db.execute(sql: "UPDATE changeLog SET fields = ? WHERE origin = ? AND hlc = ?",
                                   arguments: [Data(FieldListCodec.encode(kept)), origin, row[1] as Int64])
                }
            }
            if safe == nil {
                for (origin, hlc) in raised.entries { try Retention.raiseFloor(db, origin: origin.rawValue, to: Int64(bitPattern: hlc.rawValue)) }
            }
        }
        report.bytesReturned = try returnFreePages()
        return report
    }

    /// Returns the file's free pages to the file system (SQLite incremental vacuum, `auto_vacuum =
    /// INCREMENTAL`). A file made before this setting is converted once with `VACUUM`. The WAL is
    /// checkpointed and truncated first and after, so the file really shrinks.
    /// - Returns: how many bytes the file shrank by.
    /// - Throws: `DatabaseError` when SQLite fails (a full disk).
    func returnFreePages() throws -> Int64 {
        func size() -> Int64 { ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? NSNumber)?.int64Value ?? 0 }
        scrubWriteAheadLog()
        let before = size()
        try pool.writeWithoutTransaction { db in
            if try Int.fetchOne(db, sql: "PRAGMA auto_vacuum") != 2 {
                try db.execute(sql: "PRAGMA auto_vacuum = INCREMENTAL")
                try db.execute(sql: "VACUUM")
            } else {
                try db.execute(sql: "PRAGMA incremental_vacuum")
            }
        }
        scrubWriteAheadLog()
        return max(0, before - size())
    }

    /// Per origin, the newest change log entry dropped with a purged row: a rooftop whose version
    /// vector is below it for any origin missed something that no longer exists and must re-bootstrap.
    public func retentionFloor() throws -> VersionVector {
        try pool.read { db in try Retention.floor(db) }
    }

    /// True when the row exists here or was purged for good (for importers: a purged record is
    /// not created again).
    public func isKnown(_ entity: EntitySchema, id: RowID) throws -> Bool {
        try snapshot { try $0.isKnown(entity, id: id) }
    }
}

extension StoreTransaction {
    /// True when this replica has seen the insert of the row (visible, deleted or purged since).
    public func isKnown(_ entity: EntitySchema, id: RowID) throws -> Bool {
        // One statement stepped through the handle: an import asks this of every row it reads.
        let statement = try db.cachedStatement(sql: """
            SELECT EXISTS (SELECT 1 FROM \(entity.table.quotedDatabaseIdentifier) WHERE id = ?1 AND _created IS NOT NULL)
                OR EXISTS (SELECT 1 FROM purgedRow WHERE tableName = ?2 AND rowId = ?1)
            """)
        return try DirectBinding.firstRow(statement, in: db, bind: {
            $0.bind(id.string)
            $0.bind(entity.table)
        }) { sqlite3_column_int64($0, 0) != 0 } ?? false
    }
}
