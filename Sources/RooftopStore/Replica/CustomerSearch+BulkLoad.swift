import GRDB
import RooftopModel
import RooftopReplication

/// The search box's full-text index during a bulk load (``Replica/bulkLoad(deferring:rebuilding:_:)``).
///
/// The triggers of migration `v13-customer-search-index` write a customer's FTS5 row as each
/// customer and each address is written, and SQLite ends every such statement with a savepoint
/// release, at which FTS5 writes what it holds as a new segment: one or two tiny segments per
/// customer, each merged again and again. A release build spent more than half of a 200,000-row
/// import there (74.0 s with the triggers, 32.6 s without).
///
/// While a bulk load runs, the triggers it defers (``triggers``) are replaced by ones that only
/// note the customer's id in `customerSearchPending`; as each of the load's transactions ends
/// (``StoreTransaction/writeDeferredSearchRows()``), when the load ends, or at the next open after
/// a load killed midway (``catchUp(_:)``), every noted customer's row is written in three
/// statements, in the order the customers were noted, so docids follow creation order as the
/// triggers would have made them. The search reads the same rows after either path.
enum CustomerSearchDeferral {
    /// The triggers a bulk load may defer: a customer's insert (creates its document and FTS row)
    /// and an address's insert (refreshes its customer's places).
    static let triggers: Set<String> = ["customerSearch_insert", "customerSearch_addressInsert"]

    /// The noting triggers standing in for `deferred` (a subset of ``triggers``), and the table they write.
    static func begin(_ db: Database, deferred: Set<String>) throws {
        try db.execute(sql: "CREATE TABLE IF NOT EXISTS customerSearchPending (seq INTEGER PRIMARY KEY, customerId TEXT NOT NULL UNIQUE)")
        if deferred.contains("customerSearch_insert") {
            try db.execute(sql: """
                CREATE TRIGGER IF NOT EXISTS customerSearchPending_insert AFTER INSERT ON customer WHEN NEW._created IS NOT NULL BEGIN
                  INSERT INTO customerSearchPending (customerId) SELECT NEW.id WHERE NOT EXISTS (SELECT 1 FROM customerSearchPending WHERE customerId = NEW.id);
                END
                """)
        }
        if deferred.contains("customerSearch_addressInsert") {
            try db.execute(sql: """
                CREATE TRIGGER IF NOT EXISTS customerSearchPending_addressInsert AFTER INSERT ON customerAddress BEGIN
                  INSERT INTO customerSearchPending (customerId) SELECT NEW.customerId WHERE NOT EXISTS (SELECT 1 FROM customerSearchPending WHERE customerId = NEW.customerId);
                END
                """)
        }
    }

    /// Drops the bulk load's noting triggers and writes the rows still noted (``writeNoted(_:)``).
    /// Runs inside the caller's transaction, after the deferred triggers are created again.
    static func catchUp(_ db: Database) throws {
        try db.execute(sql: "DROP TRIGGER IF EXISTS customerSearchPending_insert; DROP TRIGGER IF EXISTS customerSearchPending_addressInsert")
        try writeNoted(db)
    }

    /// Runs `body` (inside the caller's write transaction) with the search box's rows of the
    /// customers it writes deferred to its end, when `deferring` (migration
    /// `v20-deferred-search-rows`): the flag row is written and removed within the transaction, so
    /// no other connection ever sees it. A changeset's apply and a local write of many customers
    /// run this way (``minimumInserts``).
    /// The new customers and addresses from which a write or an apply defers their search rows.
    static let minimumInserts = 16

    /// True when `changes` insert at least ``minimumInserts`` customers or addresses.
    static func worthDeferring(_ inserts: some Sequence<(kind: RowChange.Kind, table: String)>) -> Bool {
        inserts.lazy.filter { $0.kind == .insert && ($0.table == CRMSchema.customer.table || $0.table == CRMSchema.customerAddress.table) }
            .prefix(minimumInserts).count == minimumInserts
    }

    static func deferring<T>(_ db: Database, _ deferring: Bool, _ body: () throws -> T) throws -> T {
        // Inside another deferral (a write within an apply), that one writes the rows.
        guard deferring, !(try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM customerSearchDeferred)") ?? false) else { return try body() }
        try db.execute(sql: "INSERT INTO customerSearchDeferred (deferred) VALUES (1)")
        let result = try body()
        try writeNoted(db)
        try db.execute(sql: "DELETE FROM customerSearchDeferred")
        return result
    }

    /// Writes the FTS row of every noted customer, as the deferred triggers would have, and forgets
    /// them: a document for each created customer without one, then its row (folded name words,
    /// and the cities of its visible addresses) written anew. A load calls it as each of its
    /// transactions ends, while the rows it wrote are still in the page cache (at the end, the
    /// lookups of a 200,000-customer load read pages from the file: 6 s of 45 s); nothing to do
    /// outside a load.
    static func writeNoted(_ db: Database) throws {
        guard try db.tableExists("customerSearchPending") else { return }
        try db.execute(sql: """
            INSERT INTO customerSearchDoc (customerId)
              SELECT p.customerId FROM customerSearchPending p JOIN customer c ON c.id = p.customerId
              WHERE c._created IS NOT NULL AND NOT EXISTS (SELECT 1 FROM customerSearchDoc d WHERE d.customerId = p.customerId)
              ORDER BY p.seq;
            DELETE FROM customerSearchText WHERE rowid IN (SELECT d.docid FROM customerSearchPending p JOIN customerSearchDoc d ON d.customerId = p.customerId);
            INSERT INTO customerSearchText (rowid, name, place)
              SELECT d.docid, rooftop_fold(coalesce(c.firstName, '') || ' ' || coalesce(c.lastName, '') || ' ' || coalesce(c.businessName, '')),
                     (SELECT rooftop_fold(group_concat(a.city, ' ')) FROM customerAddress a WHERE a.customerId = c.id AND a._created IS NOT NULL AND a._deleted IS NULL)
              FROM customerSearchPending p JOIN customerSearchDoc d ON d.customerId = p.customerId JOIN customer c ON c.id = p.customerId
              WHERE c._created IS NOT NULL
              ORDER BY d.docid;
            DELETE FROM customerSearchPending;
            """)
    }
}
