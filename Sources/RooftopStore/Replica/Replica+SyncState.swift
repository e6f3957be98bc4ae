import GRDB

extension Replica {
    /// Reads a value the sync client keeps between runs (`hubAcked`, `lastSyncAt`, `lastError`, ...).
    public func syncState(_ key: String) throws -> String? {
        try pool.read { db in try String.fetchOne(db, sql: "SELECT CAST(value AS TEXT) FROM syncState WHERE key = ?", arguments: [key]) }
    }

    /// Writes a consistent copy of the replica to `path` (SQLite `VACUUM INTO`): a backup, or a
    /// fixture file that later releases must open.
    /// - Throws: GRDB's `DatabaseError` when `path` exists or cannot be written.
    public func backup(to path: String) throws {
        try pool.writeWithoutTransaction { db in try db.execute(sql: "VACUUM INTO ?", arguments: [path]) }
    }

    /// Writes (or, with nil, removes) sync client values in one transaction.
    public func setSyncState(_ values: [String: String?]) throws {
        try writeTransaction { db in
            for (key, value) in values {
                if let value {
                    try db.execute(sql: "INSERT INTO syncState (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                                   arguments: [key, value])
                } else {
                    try db.execute(sql: "DELETE FROM syncState WHERE key = ?", arguments: [key])
                }
            }
        }
    }
}
