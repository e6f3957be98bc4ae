import RooftopWire
import Foundation
import GRDB
import Synchronization
import RooftopModel
import RooftopReplication

/// A full SQLite replica of the group's CRM, owned by one rooftop (or the hub).
///
/// Every replicated field carries its ``FieldStamp``; local writes go through
/// ``write(_:)`` and remote changes through ``apply(_:)``, both atomic. The file is in WAL
/// mode, so the node's server, the CLI and readers share it (`busy_timeout` 10 s).
///
/// See `sync-protocol/README.md` for the rules this type implements.
public final class Replica: Sendable {
    /// The rooftop this replica writes as (`hub` for the hub's replica).
    public let rooftop: RooftopID
    /// The SQLite file.
    public let path: String
    /// The connections to the file (replaced once, when a new rooftop adopts a snapshot by
    /// renaming it over the file).
    var pool: DatabasePool { poolBox.withLock { $0 } }
    let poolBox: Mutex<DatabasePool>
    /// Held (shared) while this replica is open: see ``ReplicaOpenLock``.
    let openLock: ReplicaOpenLock
    /// This replica's physical clock (the rooftop's wall clock; tests inject a manual one).
    public let wallClock: any WallClock
    /// Maximum accepted lead of a remote HLC over local wall time, in ms.
    public let maxDriftMilliseconds: UInt64

    /// Opens (creating if needed) the replica at `path` for `rooftop`.
    /// - Parameters:
    ///   - path: the SQLite file; its directory must exist.
    ///   - rooftop: the owner. A file created for another rooftop is refused.
    ///   - wallClock: physical time for the HLC (tests inject a manual clock).
    ///   - maxDriftMilliseconds: the `CLOCK_SKEW` limit (default 5 minutes).
    /// - Throws: ``ReplicaError`` `WRONG_ROOFTOP`, `NEWER_RELEASE` for a file a newer release migrated
    ///   (its unknown migrations named), `INVALID` when `<path>.lock` cannot be opened;
    ///   GRDB's `DatabaseError` if the file cannot be opened.
    public init(path: String, rooftop: RooftopID, wallClock: any WallClock = SystemWallClock(),
                maxDriftMilliseconds: UInt64 = HybridLogicalClock.defaultMaxDriftMilliseconds) throws {
        try PrivateFiles.createIfAbsent(atPath: path)  // 0600 from the start; its -wal and -shm follow
        self.openLock = try ReplicaOpenLock(path: path)
        self.poolBox = Mutex(try Self.openPool(path: path))
        self.path = path
        self.rooftop = rooftop
        self.wallClock = wallClock
        self.maxDriftMilliseconds = maxDriftMilliseconds
        // A file a newer release migrated (GRDB would run the migrations it knows and ignore the rest):
        // this release would write it wrong, e.g. customers without their tier rank since v23.
        let unknown = try pool.read { db in
            try ReplicaMigrations.migrator.appliedIdentifiers(db).subtracting(ReplicaMigrations.migrator.migrations)
        }
        guard unknown.isEmpty else {
            throw ReplicaError(.newerRelease, """
                \(path) was migrated by a newer Rooftop release (\(unknown.sorted().joined(separator: ", "))): \
                run that release or a later one
                """)
        }
        try ReplicaMigrations.migrator.migrate(pool)
        try restoreDeferredIndexes()  // a bulk load killed midway left them
        try upgradeSchema()
        try writeTransaction { db in
            if let owner = try String.fetchOne(db, sql: "SELECT value FROM replicaMeta WHERE key = 'rooftop'") {
                guard owner == rooftop.rawValue else {
                    throw ReplicaError(.wrongRooftop, "\(path) is the replica of \(owner), not \(rooftop)")
                }
            } else {
                try db.execute(sql: "INSERT INTO replicaMeta (key, value) VALUES ('rooftop', ?)", arguments: [rooftop.rawValue])
            }
        }
    }

    deinit {
        // Connections first, then the open lock (its release lets another replica replace the file).
        try? poolBox.withLock { try $0.close() }
    }

    /// The writer connection's page cache: 64 MiB (SQLite `cache_size`, negative: KiB).
    static let writerCacheSize = -65536

    /// Opens the file's connections: WAL mode (GRDB's pool), `busy_timeout` 10 s.
    static func openPool(path: String) throws -> DatabasePool {
        SQLiteProcessSettings.apply()
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            // Queries compare folded text (`Replica+Search.swift`); never used in the schema, so the
            // file stays readable by any SQLite.
            db.add(function: foldFunction)
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // Deleted content is overwritten, not left in free pages (erasure must not leave bytes behind).
            try db.execute(sql: "PRAGMA secure_delete = ON")
            // Storage tuned for applying changesets of thousands of rows (README "Performance"):
            // 16 KiB pages (new files; an existing file keeps its size), a 64 MiB page cache for
            // the writer (readers keep SQLite's 2 MiB), and a checkpoint every 4,096 pages of WAL
            // (64 MiB with 16 KiB pages) rather than every 1,000.
            try db.execute(sql: "PRAGMA page_size = 16384")
            // Free pages go back to the file system at compaction (`PRAGMA incremental_vacuum`);
            // takes effect on a new file (an older one is converted at its first compaction).
            if !db.configuration.readonly { try db.execute(sql: "PRAGMA auto_vacuum = INCREMENTAL") }
            if !db.configuration.readonly { try db.execute(sql: "PRAGMA cache_size = \(writerCacheSize)") }
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 4096")
            try db.execute(sql: "PRAGMA journal_size_limit = 67108864")
        }
        return try DatabasePool(path: path, configuration: configuration)
    }

    /// `rooftop_fold(text)`: ``TextFolding/fold(_:)`` for SQL (NULL for NULL).
    static let foldFunction = DatabaseFunction("rooftop_fold", argumentCount: 1, pure: true) { values in
        String.fromDatabaseValue(values[0]).map(TextFolding.fold)
    }

    /// Every write transaction of the replica: `body` inside GRDB's `write` (`BEGIN IMMEDIATE` …
    /// `COMMIT`, rolled back when it throws), then, before the commit, the full-text rows of the rows
    /// it inserted (``CustomerSearchDeferral``: its inserts only noted them), so no reader ever sees
    /// a row the search cannot find.
    /// - Throws: what `body` throws; database errors.
    func writeTransaction<T>(_ body: (Database) throws -> T) throws -> T {
        try pool.write { db in
            let result = try body(db)
            try CustomerSearchDeferral.writeNoted(db)
            return result
        }
    }

    /// Copies the write-ahead log's pages into the database file now (SQLite
    /// `wal_checkpoint(PASSIVE)`: as far as no reader's snapshot prevents), rather than at the
    /// next automatic checkpoint (every 4,096 pages of WAL).
    /// - Throws: `DatabaseError` when SQLite fails (for example a full disk).
    public func checkpoint() throws {
        try pool.writeWithoutTransaction { db in _ = try db.checkpoint(.passive) }
    }

    /// Sets this process's writer connection's page cache (SQLite `cache_size`) to `mebibytes` MiB
    /// (default ``writerCacheSize``, 64 MiB), for a bulk write such as a CLI import: a million
    /// customers' indexes far outgrow 64 MiB, and each page evicted is read again at the next row
    /// that lands on it. Memory grows by up to the difference.
    /// - Throws: `DatabaseError` when SQLite fails.
    public func setWriterCache(mebibytes: Int) throws {
        try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA cache_size = \(-max(1, mebibytes) * 1024)") }
    }

    /// After an upgrade to a newer schema, rebuilds the rows that changes written with that schema
    /// touched: their tables and fields were kept in the change log while this replica could not
    /// store them (`SCHEMA_BEHIND`), and now land in the rows.
    func upgradeSchema() throws {
        try writeTransaction { db in
            let current = Int(CRMSchema.version)
            let recorded = try Int.fetchOne(db, sql: "SELECT value FROM replicaMeta WHERE key = 'schemaVersion'")
            // (EXISTS, not count(*): at every open, a count read the whole log, 36 MB of pages at 200,000 customers.)
            let hasHistory = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM changeLog)") ?? false
            // A file from before the version was recorded is schema 1; a new file is current.
            let stored = recorded ?? (hasHistory ? 1 : current)
            if stored < current {
                let touched = try Row.fetchAll(db, sql: "SELECT DISTINCT tableName, rowId FROM changeLog WHERE schemaVersion > ?",
                                               arguments: [stored])
                for row in touched {
                    guard let entity = CRMSchema.entity(row[0]), let id = RowID(row[1] as String) else { continue }
                    try RowIO.save(db, entity, id: id, state: ChildRecords.fold(db, entity, id: id).state)
                }
                if let behind = try Int.fetchOne(db, sql: "SELECT CAST(value AS INTEGER) FROM syncState WHERE key = 'schemaBehind'"),
                    behind <= current {
                    try db.execute(sql: "DELETE FROM syncState WHERE key = 'schemaBehind'")
                }
            }
            if recorded != max(stored, current) {
                try db.execute(sql: "INSERT OR REPLACE INTO replicaMeta (key, value) VALUES ('schemaVersion', ?)", arguments: [max(stored, current)])
            }
        }
    }

    /// The rooftop recorded in an existing replica file, without opening it for writing.
    /// - Throws: GRDB's `DatabaseError` when the file is not a replica.
    public static func owner(ofReplicaAt path: String) throws -> RooftopID? {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        let raw = try queue.read { db in try String.fetchOne(db, sql: "SELECT value FROM replicaMeta WHERE key = 'rooftop'") }
        return raw.flatMap(RooftopID.init(rawValue:))
    }

    /// The HLC state persisted in the file, advanced by the caller and written back in the
    /// same transaction so processes sharing the file stay monotonic.
    func loadClock(_ db: Database) throws -> HybridLogicalClock {
        let raw = try Int64.fetchOne(db.cachedStatement(sql: "SELECT value FROM replicaMeta WHERE key = 'hlc'")) ?? 0
        return HybridLogicalClock(last: HLC(rawValue: UInt64(bitPattern: raw)), maxDriftMilliseconds: maxDriftMilliseconds)
    }

    func storeClock(_ db: Database, _ clock: HybridLogicalClock) throws {
        try db.cachedStatement(sql: "INSERT INTO replicaMeta (key, value) VALUES ('hlc', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value")
            .execute(arguments: [Int64(bitPattern: clock.last.rawValue)])
    }

    /// The last HLC issued or received by this replica.
    public func currentHLC() throws -> HLC {
        try pool.read { db in try loadClock(db).last }
    }
}
