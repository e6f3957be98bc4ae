import RooftopWire
import Foundation
import GRDB
import RooftopModel
import RooftopReplication

/// A consistent copy of a replica's file, for bootstrapping a new rooftop without replaying the
/// change log row by row (`sync-protocol/sync-exchange.md#snapshot-bootstrap`).
public struct ReplicaSnapshotInfo: Sendable, Equatable {
    /// The copy's version vector: the rooftop pulls what came after it.
    public var versionVector: VersionVector
    /// The copy's size in bytes (uncompressed SQLite file).
    public var bytes: Int
    /// ``Replica/removalCount()`` in the copy.
    public var removals: Int
}

/// What ``Replica/adoptSnapshot(at:)`` did.
public struct SnapshotAdoption: Sendable, Equatable {
    /// The adopted version vector.
    public var versionVector: VersionVector
    /// The changes in the adopted change log.
    public var changes: Int
    /// True when the copy was renamed over the file; false when it was copied in with the backup
    /// API (another open replica held the file).
    public var renamed: Bool
}

extension Replica {
    /// The identifier of the replica file's layout: the last of its migrations. A snapshot is
    /// adopted only by a release with the same layout (otherwise the rooftop pulls changesets).
    public static var storageLayout: String { ReplicaMigrations.migrator.migrations.last ?? "" }

    /// Whether this replica holds no change at all (nothing made here, nothing applied): only
    /// such a replica may adopt a snapshot.
    public func isEmpty() throws -> Bool {
        try pool.read { db in try Self.isEmpty(db) }
    }

    /// Whether this replica holds at least `count` changes (cheap: stops counting at `count`).
    public func holdsChanges(atLeast count: Int) throws -> Bool {
        try pool.read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM (SELECT 1 FROM changeLog LIMIT ?)", arguments: [count]) ?? 0) >= count
        }
    }

    /// How many rows were erased or purged here: a snapshot taken at a lower count holds personal
    /// data or rows that are gone since, and must not be served.
    public func removalCount() throws -> Int {
        try pool.read { db in try Self.removalCount(db) }
    }

    /// How many customers were erased here (DSAR, GDPR art. 17), by any rooftop: grows with every
    /// erasure applied, never shrinks.
    /// - Throws: `DatabaseError` when the replica cannot be read.
    public func erasureCount() throws -> Int {
        try pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM erasedCustomer") ?? 0 }
    }

    static func removalCount(_ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT (SELECT count(*) FROM erasedCustomer) + (SELECT count(*) FROM purgedRow)") ?? 0
    }

    /// Writes a consistent copy of this replica to `path` with SQLite's online backup API, read
    /// inside one read transaction (writers go on meanwhile), then clears what belongs to this node
    /// only (`syncState`, `rooftopProgress`). Deleted content is never in the copy: the replica
    /// runs with `secure_delete`, so free pages are zeros.
    /// - Parameter path: a new file; an existing one is replaced.
    /// - Returns: the copy's version vector and size.
    /// - Throws: GRDB's `DatabaseError`.
    public func writeSnapshot(to path: String) throws -> ReplicaSnapshotInfo {
        try? FileManager.default.removeItem(atPath: path)
        var copyConfiguration = Configuration()
        copyConfiguration.prepareDatabase { db in
            // A scratch file: if the hub dies while writing it, it is made again.
            try db.execute(sql: "PRAGMA synchronous = OFF; PRAGMA journal_mode = OFF; PRAGMA secure_delete = ON")
        }
        try PrivateFiles.createIfAbsent(atPath: path)  // the whole CRM: private from the start
        let copy = try DatabaseQueue(path: path, configuration: copyConfiguration)
        let removals = try pool.read { source in
            try copy.writeWithoutTransaction { destination in try source.backup(to: destination) }
            return try Self.removalCount(source)
        }
        let vector = try copy.write { db in
            try db.execute(sql: "DELETE FROM syncState; DELETE FROM rooftopProgress")
            return try ChangeLog.versionVector(db)
        }
        try copy.writeWithoutTransaction { db in
            // The copied header says WAL (the replica's mode): make the copy one self-contained file.
            try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
            _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = DELETE")
        }
        try copy.close()
        let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
        return ReplicaSnapshotInfo(versionVector: vector, bytes: size, removals: removals)
    }

    /// Replaces this replica's content with the snapshot at `path` (a file from
    /// ``writeSnapshot(to:)``, which this call consumes), then makes it this rooftop's: its own
    /// identity and its own sync state. The HLC kept is the snapshot's (at or above every stamp in it).
    ///
    /// Checks first, changing nothing on failure: the file is a replica with this release's
    /// ``storageLayout`` and schema version (its bytes were checked against the hub's SHA-256 by
    /// the caller). When no other open replica holds the file (``ReplicaOpenLock`` on `<path>.lock`, taken
    /// exclusively for the adoption, so no other process can open it meanwhile), this replica's
    /// connections are closed (calls in flight finish first), the file is checked empty once more
    /// and the copy is renamed over it and reopened. Otherwise the copy goes in with SQLite's
    /// online backup API after an emptiness check under SQLite's write lock (slower: through the
    /// WAL). Either way a local write that came first makes the adoption fail, keeping the write.
    /// - Returns: the adopted version vector, the number of changes in its change log, and how.
    /// - Throws: ``ReplicaError`` `INVALID` (not a snapshot this release can adopt, or this
    ///   replica is not empty), GRDB's `DatabaseError` on I/O errors.
    @discardableResult
    public func adoptSnapshot(at path: String) throws -> SnapshotAdoption {
        let (vector, changes) = try prepareForAdoption(path)
        if try adoptByRenaming(path) { return SnapshotAdoption(versionVector: vector, changes: changes, renamed: true) }
        try pool.writeWithoutTransaction { db in
            // One transaction held in memory, written to the WAL once (the default cache would
            // spill pages to the WAL mid-copy), then checkpointed into the file.
            try db.execute(sql: "PRAGMA cache_size = -4000000")
            defer { try? db.execute(sql: "PRAGMA cache_size = \(Self.writerCacheSize)") }
            // The backup API cannot copy into a WAL file of another page size (a hub file made
            // by an earlier release has 4 KiB pages): the copy is rebuilt with this file's first.
            let pageSize = try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 0
            try Self.rebuild(snapshotAt: path, pageSize: pageSize)
            var configuration = Configuration()
            configuration.readonly = true
            let source = try DatabaseQueue(path: path, configuration: configuration)
            try source.read { source in
                // Every writer in this process waits for this connection (GRDB's serial writer).
                // SQLite cannot start a backup inside a transaction, so the emptiness check commits
                // just before it; a writer in another process blocked on this lock retries after
                // its busy handler's sleep, by which time the backup holds the lock.
                try db.execute(sql: "BEGIN IMMEDIATE")
                do {
                    guard try Self.isEmpty(db) else {
                        throw ReplicaError(.invalid, "this replica is not empty: a snapshot is adopted only by a new rooftop")
                    }
                    try db.execute(sql: "COMMIT")
                } catch {
                    try? db.execute(sql: "ROLLBACK")
                    throw error
                }
                try source.backup(to: db)
            }
            try source.close()
            try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
        }
        try? FileManager.default.removeItem(atPath: path)
        return SnapshotAdoption(versionVector: vector, changes: changes, renamed: false)
    }

    /// Rebuilds the snapshot file at `path` with `pageSize` (SQLite `VACUUM`, which needs free
    /// space for a second copy in SQLite's temporary directory) when its pages are another size;
    /// nothing otherwise.
    /// - Throws: ``ReplicaError`` `INVALID` when the size could not be changed (the rooftop then
    ///   pulls changesets instead); `DatabaseError` on I/O errors.
    static func rebuild(snapshotAt path: String, pageSize: Int) throws {
        let copy = try DatabaseQueue(path: path)
        defer { try? copy.close() }
        try copy.writeWithoutTransaction { db in
            guard let current = try Int.fetchOne(db, sql: "PRAGMA page_size"), current != pageSize else { return }
            try db.execute(sql: "PRAGMA page_size = \(pageSize)")
            try db.execute(sql: "VACUUM")
            guard try Int.fetchOne(db, sql: "PRAGMA page_size") == pageSize else {
                throw ReplicaError(.invalid, "the snapshot's pages (\(current) bytes) could not be rebuilt to this replica's \(pageSize)")
            }
        }
    }

    /// Renames the copy over this replica's file when nothing else has it open; false when
    /// another open replica holds the open lock or the connections could not be closed.
    func adoptByRenaming(_ copy: String) throws -> Bool {
        try poolBox.withLock { pool throws -> Bool in
            guard openLock.tryExclusive() else { return false }  // open elsewhere: still shared
            defer { openLock.share() }
            let notEmpty = ReplicaError(.invalid, "this replica is not empty: a snapshot is adopted only by a new rooftop")
            guard try pool.read({ db in try Self.isEmpty(db) }) else { throw notEmpty }
            do { try pool.close() } catch {
                pool = try Self.openPool(path: path)  // whatever the failed close left, start afresh
                return false
            }
            // From here on, whatever happens, the replica ends with open connections.
            var replaced = false
            defer { if !replaced, let reopened = try? Self.openPool(path: path) { pool = reopened } }
            // No connection in this process (closed) or another (the exclusive lock) can write now;
            // one may have written between the check above and the close.
            var configuration = Configuration()
            configuration.busyMode = .timeout(10)
            let checker = try DatabaseQueue(path: path, configuration: configuration)
            let emptyStill = try checker.read { db in try Self.isEmpty(db) }
            try checker.close()
            guard emptyStill else { throw notEmpty }
            // A WAL left by a connection outside any replica must never meet the new file.
            for suffix in ["-wal", "-shm"] where unlink(path + suffix) != 0 && errno != ENOENT { return false }
            guard rename(copy, path) == 0 else {
                throw ReplicaError(.invalid, "cannot move the snapshot into place: \(String(cString: strerror(errno)))")
            }
            replaced = true
            pool = try Self.openPool(path: path)
            return true
        }
    }

    static func isEmpty(_ db: Database) throws -> Bool {
        try !(Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM changeLog)") ?? false)
    }

    /// Checks the snapshot file and rewrites its node-local parts for this rooftop.
    func prepareForAdoption(_ path: String) throws -> (VersionVector, Int) {
        let syncState = try pool.read { db in try Row.fetchAll(db, sql: "SELECT key, value FROM syncState") }
        let snapshot: DatabaseQueue
        do { snapshot = try DatabaseQueue(path: path) } catch {
            throw ReplicaError(.invalid, "the snapshot is not an SQLite database: \(error)")
        }
        let result = try snapshot.write { db throws -> (VersionVector, Int) in
            do {
                let applied = try ReplicaMigrations.migrator.appliedMigrations(db)
                guard applied == ReplicaMigrations.migrator.migrations else {
                    throw ReplicaError(.invalid, "the snapshot's layout (\(applied.last ?? "none")) is not this release's (\(Self.storageLayout))")
                }
                let version = try Int.fetchOne(db, sql: "SELECT value FROM replicaMeta WHERE key = 'schemaVersion'")
                guard version == Int(CRMSchema.version) else {
                    throw ReplicaError(.invalid, "the snapshot's schema version \(version.map(String.init) ?? "none") is not \(CRMSchema.version)")
                }
                try db.execute(sql: "UPDATE replicaMeta SET value = ? WHERE key = 'rooftop'", arguments: [rooftop.rawValue])
                try db.execute(sql: "DELETE FROM syncState; DELETE FROM rooftopProgress")
                for row in syncState {
                    try db.execute(sql: "INSERT INTO syncState (key, value) VALUES (?, ?)", arguments: [row[0] as DatabaseValue, row[1] as DatabaseValue])
                }
                return (try ChangeLog.versionVector(db), try Int.fetchOne(db, sql: "SELECT count(*) FROM changeLog") ?? 0)
            } catch let error as ReplicaError {
                throw error
            } catch {
                throw ReplicaError(.invalid, "the snapshot is not a replica: \(error)")
            }
        }
        try snapshot.close()
        return result
    }
}

extension Replica {
    /// True when no other open replica (in this or another process) holds this replica's file.
    public func isOpenOnlyHere() -> Bool {
        guard openLock.tryExclusive() else { return false }
        openLock.share()
        return true
    }

    /// Closes this replica's connections, with everything in the database file (the write-ahead log
    /// checkpointed and truncated first: GRDB closes its read-only readers last, which cannot); it
    /// cannot be used afterwards.
    /// - Throws: ``ReplicaError`` `BUSY` when the log could not be emptied (a reader elsewhere);
    ///   GRDB's `DatabaseError` when a connection cannot be closed.
    public func close() throws {
        try poolBox.withLock { pool in
            do { try pool.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) } } catch {
                throw ReplicaError(.busy, "\(path): the write-ahead log could not be checkpointed (in use elsewhere): \(error)")
            }
            try pool.close()
        }
    }

    /// Replaces this replica's file with `other`'s, a complete replica of the same rooftop built
    /// beside it (a re-bootstrap), by renaming it into place, when no other open replica holds this
    /// file. With the exclusive open lock held (nothing else can open or write this replica),
    /// `lastChance` runs first, to move into `other` what this replica wrote since it was read; then
    /// `other` is closed, the old `-wal`/`-shm` removed, the file renamed over this one and reopened.
    /// Until the rename, this replica's file is untouched: any failure leaves it as it was.
    /// - Throws: ``ReplicaError`` `BUSY` when another process has this replica open; `INVALID` when
    ///   `other` belongs to another rooftop or the rename fails; what `lastChance` throws.
    public func replaceFile(with other: Replica, lastChance: (Replica) throws -> Void) throws {
        guard other.rooftop == rooftop else { throw ReplicaError(.invalid, "\(other.path) is the replica of \(other.rooftop), not \(rooftop)") }
        guard openLock.tryExclusive() else {
            throw ReplicaError(.busy, "another process has \(path) open (a running `rooftop node serve`?): stop it, then run this again; nothing was changed")
        }
        defer { openLock.share() }
        try lastChance(self)
        try other.close()
        try poolBox.withLock { pool in
            try pool.close()
            var replaced = false
            defer { if !replaced, let reopened = try? Self.openPool(path: path) { pool = reopened } }
            for suffix in ["-wal", "-shm"] where unlink(path + suffix) != 0 && errno != ENOENT {
                throw ReplicaError(.invalid, "cannot remove \(path)\(suffix): \(String(cString: strerror(errno)))")
            }
            guard rename(other.path, path) == 0 else {
                throw ReplicaError(.invalid, "cannot move \(other.path) into place: \(String(cString: strerror(errno)))")
            }
            replaced = true
            pool = try Self.openPool(path: path)
        }
        for suffix in ["-wal", "-shm", ".lock", ".compact.lock"] { unlink(other.path + suffix) }
    }
}
