import GRDB
import RooftopModel
import RooftopReplication

/// The search box's full-text rows written once for many customers, not row by row (and, since
/// migration `v22-deferred-text-rows`, the interactions' words and the VINs' trigrams with them).
///
/// The triggers of migration `v13-customer-search-index` write a customer's FTS5 row as each
/// customer and each address is written, and SQLite ends every such statement with a savepoint
/// release, at which FTS5 writes what it holds as a new segment: one or two tiny segments per
/// customer, each merged again and again. A release build spent more than half of a 200,000-row
/// import there (74.0 s with the triggers, 32.6 s without), and half of a changeset's apply.
///
/// While `customerSearchDeferred` holds a row (migration `v20-deferred-search-rows`), the address
/// trigger, and with `names` the customer trigger too, only note the customer's id in
/// `customerSearchPending`; ``writeNoted(_:)`` then writes every noted customer's row in three
/// statements, in the order the customers were noted, so docids follow creation order as the
/// triggers would have made them. The search reads the same rows after either path.
/// - A changeset's apply and a local write of at least ``minimumInserts`` new customers or
///   addresses hold the flag for their own transaction (``deferring(_:_:_:)``): no other
///   connection ever sees it.
/// - A bulk load (``Replica/bulkLoad(deferring:rebuilding:_:)``), which has the file to itself,
///   holds it from its start (``begin(_:names:)``) to its end (``end(_:)``, also at the next open
///   after a load killed midway); each of its transactions writes what it noted
///   (``StoreTransaction/writeDeferredSearchRows()``), while those pages are in the cache.
enum CustomerSearchDeferral {
    /// The names a bulk load's `deferring` list uses for the search rows: places only (the
    /// duplicate check reads names as it imports), or names and places.
    static let places = "customerSearch_addressInsert", names = "customerSearch_insert"

    /// The new rows with full-text rows (customers, addresses, interactions, vehicles) from which a
    /// write or an apply defers those rows.
    static let minimumInserts = 16

    /// The tables whose inserts write full-text rows: the search box's (customers and their
    /// addresses' cities), the interactions' words (migration v11) and the VINs' trigrams (v13).
    static let indexedTables: Set<String> = [CRMSchema.customer.table, CRMSchema.customerAddress.table,
                                             CRMSchema.customerInteraction.table, CRMSchema.vehicle.table]

    /// True when `inserts` hold at least ``minimumInserts`` inserts into ``indexedTables``.
    static func worthDeferring(_ inserts: some Sequence<(kind: RowChange.Kind, table: String)>) -> Bool {
        inserts.lazy.filter { $0.kind == .insert && indexedTables.contains($0.table) }.prefix(minimumInserts).count == minimumInserts
    }

    /// True while some write defers the search rows (a bulk load, or the caller's own transaction).
    static func isDeferring(_ db: Database) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM customerSearchDeferred)") ?? false
    }

    /// Defers the places of the customers written from now on, and their names too when `names`.
    static func begin(_ db: Database, names: Bool) throws {
        try db.execute(sql: "INSERT INTO customerSearchDeferred (names) VALUES (?)", arguments: [names])
    }

    /// Writes what was noted (``writeNoted(_:)``) and ends the deferral.
    static func end(_ db: Database) throws {
        try writeNoted(db)
        try db.execute(sql: "DELETE FROM customerSearchDeferred")
    }

    /// Runs `body` (inside the caller's write transaction) with the search rows of the customers it
    /// writes deferred to its end, when `deferring` and nothing defers them already (then that
    /// deferral writes them).
    static func deferring<T>(_ db: Database, _ deferring: Bool, _ body: () throws -> T) throws -> T {
        guard deferring, !(try isDeferring(db)) else { return try body() }
        try begin(db, names: true)
        let result = try body()
        try end(db)
        return result
    }

    /// Writes the FTS row of every noted customer, as the deferred triggers would have, and forgets
    /// them: a document for each created customer without one, then its row (folded name words,
    /// and the cities of its visible addresses) written anew. Nothing to do when none is noted.
    static func writeNoted(_ db: Database) throws {
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
        // Interactions and VINs noted with `names` (migration v22): each a document if it has none,
        // then its row written anew (an update of the row in the same transaction may have written one).
        try db.execute(sql: """
            INSERT INTO customerInteractionDoc (interactionId)
              SELECT p.interactionId FROM customerInteractionTextPending p JOIN customerInteraction i ON i.id = p.interactionId
              WHERE i._created IS NOT NULL AND i._deleted IS NULL AND NOT EXISTS (SELECT 1 FROM customerInteractionDoc d WHERE d.interactionId = p.interactionId)
              ORDER BY p.seq;
            DELETE FROM customerInteractionText WHERE rowid IN
              (SELECT d.docid FROM customerInteractionTextPending p JOIN customerInteractionDoc d ON d.interactionId = p.interactionId);
            INSERT INTO customerInteractionText (rowid, subject, content)
              SELECT d.docid, i.subject, i.content FROM customerInteractionTextPending p
              JOIN customerInteractionDoc d ON d.interactionId = p.interactionId JOIN customerInteraction i ON i.id = p.interactionId
              WHERE i._created IS NOT NULL AND i._deleted IS NULL
              ORDER BY d.docid;
            DELETE FROM customerInteractionTextPending;
            INSERT INTO vinSearchDoc (vehicleId)
              SELECT p.vehicleId FROM vinSearchPending p JOIN vehicle v ON v.id = p.vehicleId
              WHERE v.vin IS NOT NULL AND NOT EXISTS (SELECT 1 FROM vinSearchDoc d WHERE d.vehicleId = p.vehicleId)
              ORDER BY p.seq;
            DELETE FROM vinSearchText WHERE rowid IN (SELECT d.docid FROM vinSearchPending p JOIN vinSearchDoc d ON d.vehicleId = p.vehicleId);
            INSERT INTO vinSearchText (rowid, vin)
              SELECT d.docid, v.vin FROM vinSearchPending p JOIN vinSearchDoc d ON d.vehicleId = p.vehicleId JOIN vehicle v ON v.id = p.vehicleId
              WHERE v.vin IS NOT NULL
              ORDER BY d.docid;
            DELETE FROM vinSearchPending;
            """)
    }
}
