import Foundation
import GRDB
import GRDBSQLite
import RooftopModel
import RooftopReplication
import RooftopWire

/// The per-origin change log and the version vector, inside the replica's transactions.
enum ChangeLog {
    static func append(_ db: Database, origin: RooftopID, change: RowChange, schemaVersion: UInt16 = CRMSchema.version) throws {
        let statement = try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO changeLog (origin, hlc, tableName, rowId, kind, fields, schemaVersion) VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        try DirectBinding.with(statement) { binding in
            binding.bind(origin.rawValue)
            binding.bind(Int64(bitPattern: change.hlc.rawValue))
            binding.bind(change.table)
            binding.bind(change.rowID.string)
            binding.bind(Int64(change.kind.rawValue))
            binding.bind(bytes: FieldListCodec.encode(change.fields))
            binding.bind(Int64(schemaVersion))
            try binding.execute(in: db)
        }
    }

    static func advance(_ db: Database, origin: RooftopID, to hlc: HLC) throws {
        try db.cachedStatement(sql: """
            INSERT INTO versionVector (origin, hlc) VALUES (?, ?)
            ON CONFLICT(origin) DO UPDATE SET hlc = max(hlc, excluded.hlc)
            """).execute(arguments: [origin.rawValue, Int64(bitPattern: hlc.rawValue)])
    }

    static func versionVector(_ db: Database) throws -> VersionVector {
        var vector = VersionVector()
        for row in try Row.fetchAll(db, sql: "SELECT origin, hlc FROM versionVector") {
            guard let origin = RooftopID(rawValue: row[0]) else { throw ReplicaError(.corrupt, "bad origin in versionVector") }
            vector.advance(origin, to: HLC(rawValue: UInt64(bitPattern: row[1])))
        }
        return vector
    }

    /// Every logged change to one row, with its origin (for ``RowHistory/fold(_:parent:parentField:)``).
    /// - Parameter lifecycleOnly: only its deletes and restores (a parent's, for its children).
    static func history(_ db: Database, table: String, rowID: RowID, lifecycleOnly: Bool = false) throws -> [RowHistory.Entry] {
        try Row.fetchAll(db, sql: """
            SELECT origin, hlc, kind, fields FROM changeLog WHERE tableName = ? AND rowId = ?\(lifecycleOnly ? " AND kind IN (3, 4)" : "")
            """, arguments: [table, rowID.string]).map { row in
            guard let origin = RooftopID(rawValue: row[0]), let kind = RowChange.Kind(rawValue: UInt8(truncatingIfNeeded: row[2] as Int64)) else {
                throw ReplicaError(.corrupt, "unreadable change log entry")
            }
            let fieldBytes: Data = row[3]
            let fields: [FieldChange]
            do { fields = try FieldListCodec.decode(Array(fieldBytes)) } catch {
                throw ReplicaError(.corrupt, "unreadable change log fields: \(error)")
            }
            return RowHistory.Entry(origin: origin, change: RowChange(table: table, rowID: rowID,
                                                                      hlc: HLC(rawValue: UInt64(bitPattern: row[1])), kind: kind, fields: fields))
        }
    }

    /// Up to `limit` changes of `origin` after `hlc`, and the newest schema version among them.
    ///
    /// Steps the statement through the SQLite handle (this serves every push and pull): GRDB's
    /// row decoding cost more than the query.
    /// - Parameter maxPayloadBytes: when set, stop before the change that would take the changes'
    ///   encoded payload past it (``FrameBudget``; the first change is always returned).
    static func changes(_ db: Database, origin: RooftopID, after hlc: HLC, limit: Int, maxPayloadBytes: Int? = nil) throws -> ([RowChange], UInt16) {
        let statement = try db.cachedStatement(sql: """
            SELECT hlc, tableName, rowId, kind, fields, schemaVersion FROM changeLog WHERE origin = ? AND hlc > ? ORDER BY hlc LIMIT ?
            """)
        let handle = statement.sqliteStatement
        return try DirectBinding.with(statement) { binding in
            binding.bind(origin.rawValue)
            binding.bind(Int64(bitPattern: hlc.rawValue))
            binding.bind(Int64(limit))
            var changes: [RowChange] = []
            var schemaVersion = CRMSchema.version
            var budget = maxPayloadBytes.map { FrameBudget(maxChanges: Int.max, maxPayloadBytes: $0) }
            while true {
                switch binding.step() {
                case SQLITE_DONE:
                    return (changes, schemaVersion)
                case SQLITE_ROW:
                    break
                case let code:
                    throw binding.error(code, in: db)
                }
                guard case .text(let table) = DirectBinding.column(handle, 1), case .text(let rowIDText) = DirectBinding.column(handle, 2),
                    let rowID = RowID(rowIDText), let kind = RowChange.Kind(rawValue: UInt8(truncatingIfNeeded: sqlite3_column_int64(handle, 3))),
                    case .blob(let fieldBytes) = DirectBinding.column(handle, 4)
                else { throw ReplicaError(.corrupt, "unreadable change log entry") }
                let fields: [FieldChange]
                do { fields = try FieldListCodec.decode(fieldBytes) } catch {
                    throw ReplicaError(.corrupt, "unreadable change log fields: \(error)")
                }
                let change = RowChange(table: table, rowID: rowID, hlc: HLC(rawValue: UInt64(bitPattern: sqlite3_column_int64(handle, 0))),
                                       kind: kind, fields: fields)
                if budget != nil, !budget!.admit(change) { return (changes, schemaVersion) }
                changes.append(change)
                schemaVersion = max(schemaVersion, UInt16(clamping: sqlite3_column_int64(handle, 5)))
            }
        }
    }
}

extension Replica {
    /// What this replica has seen: origin → greatest HLC applied.
    public func versionVector() throws -> VersionVector {
        try pool.read { db in try ChangeLog.versionVector(db) }
    }

    /// Up to `limit` changes made by `origin` after `hlc`, oldest first, as one changeset, with
    /// the newest schema version they were written with (a relayed change keeps its writer's).
    /// - Parameters:
    ///   - origin: whose changes.
    ///   - hlc: exclusive lower bound.
    ///   - limit: the most changes (a changeset's size bound).
    ///   - maxPayloadBytes: when set, the changes stop before the one that would take the encoded
    ///     (decompressed) payload past this many bytes; at least one change is returned when any
    ///     exists. Frames written for the wire pass ``ChangesetCodec/maxFramePayloadBytes``.
    /// - Throws: ``ReplicaError`` `corrupt` for an unreadable change log entry.
    public func changeset(origin: RooftopID, after hlc: HLC, limit: Int, maxPayloadBytes: Int? = nil) throws -> Changeset {
        let (changes, schemaVersion) = try pool.read { db in
            try ChangeLog.changes(db, origin: origin, after: hlc, limit: limit, maxPayloadBytes: maxPayloadBytes)
        }
        return Changeset(schemaVersion: schemaVersion, origin: origin, changes: changes)
    }

    /// Raises this replica's version vector to `vector` where it is lower: after a complete pull,
    /// the hub holds nothing more up to it (some of it compacted away). Never used by the hub.
    public func advanceVersionVector(to vector: VersionVector) throws {
        try writeTransaction { db in
            for (origin, hlc) in vector.entries { try ChangeLog.advance(db, origin: origin, to: hlc) }
        }
    }

    /// Records that the hub holds this rooftop's own history up to `hlc` (a rebuilt or re-bootstrapped
    /// rooftop that pulled it back): its own version-vector entry and its HLC move to at least `hlc`,
    /// even when the newest of those changes was purged at the hub and never came back, so every
    /// new local write is stamped after them and offered to the hub.
    /// - Throws: GRDB's `DatabaseError`.
    public func adoptOwnHistory(through hlc: HLC) throws {
        try writeTransaction { db in
            try ChangeLog.advance(db, origin: rooftop, to: hlc)
            var clock = try loadClock(db)
            clock.observe(hlc)
            try storeClock(db, clock)
        }
    }

    /// The number of changes made by `origin` after `hlc` (for a rooftop: its pending outbox).
    public func changeCount(origin: RooftopID, after hlc: HLC) throws -> Int {
        try pool.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM changeLog WHERE origin = ? AND hlc > ?",
                             arguments: [origin.rawValue, Int64(bitPattern: hlc.rawValue)]) ?? 0
        }
    }
}
