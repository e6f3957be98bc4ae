import Foundation
import GRDB

extension Replica {
    /// What a bulk load of customers with the duplicate check leaves to the end, as nothing it
    /// reads: the indexes of list order and tier filters, the phone-suffix search and a row's
    /// change-log lookup, and the search box's refresh of a customer's places as an address is
    /// written (``CustomerSearchDeferral``). The duplicate check's keys (e-mail, birth date, phone,
    /// postal code and street, the full-text name index) and the indexes the write path reads stay.
    public static let deferredByACheckedLoad = [
        "customer_lastName", "customer_firstName", "customer_businessName", "customer_tierRank",
        "customerPhone_reversed", "changeLog_row", "customerSearch_addressInsert",
    ]

    /// With `--no-duplicate-check`, the duplicate check's keys too, and the whole full-text index
    /// of names and places (written for the loaded customers at the end, ``CustomerSearchDeferral``).
    public static let deferredByAnUncheckedLoad = deferredByACheckedLoad + [
        "customer_email", "customer_birthDate", "customerPhone_number", "customerAddress_place", "customerSearch_insert",
    ]

    /// Runs `body` as a bulk load when this process can have the replica file to itself.
    ///
    /// When no other process (a node, another CLI command) has the replica open, its open lock is
    /// taken exclusively for the whole of `body` (a process opening the replica meanwhile waits,
    /// ``ReplicaOpenLock``), the indexes named in `deferring` are dropped, `body(true)` runs (it may
    /// write in large transactions: nobody waits for the writer), and the indexes are built again
    /// (`CREATE INDEX` sorts once: a million random inserts into each index cost far more). Their
    /// definitions are kept in `replicaMeta` (`deferredIndexes`) until then, so a load killed midway
    /// leaves a replica whose next open builds them (``restoreDeferredIndexes()``). The search box's
    /// trigger names in `deferring` (`customerSearch_addressInsert`: places; `customerSearch_insert`:
    /// names too) defer those rows meanwhile instead (``CustomerSearchDeferral``). When another
    /// process has the replica open, `body(false)` runs with every index and trigger in place.
    /// - Parameters:
    ///   - deferring: index names (those absent are skipped) and search trigger names.
    ///   - rebuilding: called before the indexes are built again (a CLI shows it).
    /// - Returns: what `body` returns.
    /// - Throws: what `body` throws (the indexes are built again first); database errors.
    public func bulkLoad<T>(deferring: [String], rebuilding: () -> Void = {}, _ body: (_ exclusive: Bool) throws -> T) throws -> T {
        guard openLock.tryExclusive() else { return try body(false) }
        defer { openLock.share() }
        try writeTransaction { db in
            var deferred = try Self.deferredIndexes(db)
            let marks = Array(repeating: "?", count: deferring.count).joined(separator: ",")
            let rows = try Row.fetchAll(db, sql: "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND name IN (\(marks)) ORDER BY name",
                                        arguments: StatementArguments(deferring))
            for row in rows {
                let name: String = row["name"], sql: String = row["sql"]
                deferred[name] = sql
                try db.execute(sql: "DROP INDEX \(name.quotedDatabaseIdentifier)")
            }
            try Self.storeDeferredIndexes(db, deferred)
            if deferring.contains(CustomerSearchDeferral.places) || deferring.contains(CustomerSearchDeferral.names), !(try CustomerSearchDeferral.isDeferring(db)) {
                try CustomerSearchDeferral.begin(db)
            }
        }
        let result: T
        do { result = try body(true) } catch {
            rebuilding()
            try? restoreDeferredIndexes()
            throw error
        }
        rebuilding()
        try restoreDeferredIndexes()
        return result
    }

    /// Builds the indexes a bulk load dropped (``bulkLoad(deferring:rebuilding:_:)``), writes the
    /// search box's rows of the customers it noted and ends that deferral (``CustomerSearchDeferral/end(_:)``),
    /// and forgets them; nothing to do when none is pending. Runs at every open: a load killed midway left them.
    /// - Throws: database errors (the indexes stay pending).
    func restoreDeferredIndexes() throws {
        guard try pool.read({ try !Self.deferredIndexes($0).isEmpty || CustomerSearchDeferral.isDeferring($0) }) else { return }
        try pool.writeWithoutTransaction { db in
            // The sort of each `CREATE INDEX` takes up to a page cache's worth of memory on top of
            // what the load's cache left allocated: it sorts in 16 MiB runs (spilled to temporary
            // files) instead, so a million-row load's peak RSS stays under 300 MB.
            let cache = try Int.fetchOne(db, sql: "PRAGMA cache_size") ?? Self.writerCacheSize
            try db.execute(sql: "PRAGMA shrink_memory; PRAGMA cache_size = -16384")
            defer { try? db.execute(sql: "PRAGMA cache_size = \(cache)") }
            try db.inTransaction {
                let deferred = try Self.deferredIndexes(db)
                for (name, sql) in deferred.sorted(by: { $0.key < $1.key })
                where try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master WHERE name = ?", arguments: [name]) == 0 {
                    try db.execute(sql: sql)
                }
                if try CustomerSearchDeferral.isDeferring(db) { try CustomerSearchDeferral.end(db) }
                try db.execute(sql: "DELETE FROM replicaMeta WHERE key = 'deferredIndexes'")
                return .commit
            }
        }
    }

    /// Index name → its `CREATE INDEX` statement, as `sqlite_master` held it.
    private static func deferredIndexes(_ db: Database) throws -> [String: String] {
        guard let text = try String.fetchOne(db, sql: "SELECT value FROM replicaMeta WHERE key = 'deferredIndexes'") else { return [:] }
        return (try? JSONDecoder().decode([String: String].self, from: Data(text.utf8))) ?? [:]
    }

    private static func storeDeferredIndexes(_ db: Database, _ deferred: [String: String]) throws {
        let text = String(decoding: try JSONEncoder().encode(deferred), as: UTF8.self)
        try db.execute(sql: "INSERT INTO replicaMeta (key, value) VALUES ('deferredIndexes', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                       arguments: [text])
    }
}
