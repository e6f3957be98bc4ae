import GRDB
import RooftopModel
import RooftopReplication

/// The full-text rows (the search box's names and places, the interactions' words, the VINs'
/// trigrams) of the rows a transaction inserts, written once at its end, not row by row.
///
/// SQLite ends every statement that fires a trigger with a savepoint release, at which FTS5 writes
/// what it holds as a new segment (one or two tiny segments per customer, merged again and again:
/// more than half of a 200,000-row import, half of a changeset's apply); and a statement whose
/// triggers write an FTS5 table keeps a statement journal, a copy of every page it changes written
/// to a temporary file. Since migration `v23-search-rows-at-commit` the insert triggers only note
/// the customer (`customerSearchPending`), interaction or vehicle, and ``writeNoted(_:_:)`` writes
/// every noted row in a few statements, in the order they were noted, so docids follow creation
/// order as row-by-row triggers made them. The search reads the same rows either way.
/// - Every write transaction of a replica writes what it noted before it commits
///   (``Replica/writeTransaction(_:)``), so no other connection ever sees a noted row.
/// - A search inside a write transaction (a duplicate check of rows written earlier in it) writes
///   the kinds it reads first (``beforeReading(_:_:)``): a name lookup the customers', the search
///   box the customers' and VINs'. Interactions wait for the commit: an import of leads writes
///   their text in one statement per transaction, not one per lead.
/// - A bulk load (``Replica/bulkLoad(deferring:rebuilding:_:)``) marks the file with a
///   `customerSearchDeferred` row from its start (``begin(_:)``) to its end (``end(_:)``, also
///   at the next open after a load killed midway); each of its transactions writes what it noted.
/// Updates and deletes keep their row-by-row triggers.
enum CustomerSearchDeferral {
    /// The names a bulk load's `deferring` list uses for the search rows (places only, or names and
    /// places: the names of migration v20's triggers); either marks the file for the load.
    static let places = "customerSearch_addressInsert", names = "customerSearch_insert"

    /// True while a bulk load has the file marked.
    static func isDeferring(_ db: Database) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM customerSearchDeferred)") ?? false
    }

    /// Marks the file for a bulk load (the table's `names` column dates from migration v20, when the
    /// mark changed what the triggers did; nothing reads it since v23).
    static func begin(_ db: Database) throws {
        try db.execute(sql: "INSERT INTO customerSearchDeferred (names) VALUES (1)")
    }

    /// Writes what was noted (``writeNoted(_:_:)``) and ends the bulk load's mark.
    static func end(_ db: Database) throws {
        try writeNoted(db)
        try db.execute(sql: "DELETE FROM customerSearchDeferred")
    }

    /// The kinds of noted rows, in the order ``writeNoted(_:_:)`` writes them.
    enum Kind: Int, CaseIterable {
        case customers, interactions, vehicles
    }

    /// Before a full-text query of `kinds`: on the writer inside a transaction, the rows of those
    /// kinds it noted are written first, so it finds what it wrote itself. A reader never sees a
    /// noted row.
    static func beforeReading(_ db: Database, _ kinds: Set<Kind>) throws {
        guard !db.configuration.readonly, db.isInsideTransaction else { return }
        try writeNoted(db, kinds)
    }

    /// Writes the FTS row of every noted customer, as row-by-row triggers would have, and forgets
    /// them: a document for each created customer without one, then its row (folded name words,
    /// and the cities of its visible addresses) written anew; the same for noted interactions and
    /// vehicles. Each kind's statements run only when one of its rows is noted, and are prepared once
    /// per connection. The noted rows drive every join (`CROSS JOIN`: SQLite keeps the left table
    /// outer): an import with the duplicate check writes them before each row's name lookup, and a
    /// plan that scanned the documents in docid order instead read every document each time (an ADF
    /// document of 3,000 leads: 1.4 s → 2.7 s, half of it in that scan).
    static func writeNoted(_ db: Database, _ kinds: Set<Kind> = Set(Kind.allCases)) throws {
        for kind in Kind.allCases where kinds.contains(kind) {
            let (probe, statements) = notedStatements[kind.rawValue]
            guard try Bool.fetchOne(db.cachedStatement(sql: probe)) ?? false else { continue }
            for sql in statements { try db.cachedStatement(sql: sql).execute() }
        }
    }

    /// For each kind of noted row (``Kind``, in its order): whether one is noted, then the statements
    /// that write and forget them.
    static let notedStatements: [(probe: String, statements: [String])] = [
        ("SELECT EXISTS (SELECT 1 FROM customerSearchPending)", [
            """
            INSERT INTO customerSearchDoc (customerId)
              SELECT p.customerId FROM customerSearchPending p CROSS JOIN customer c ON c.id = p.customerId
              WHERE c._created IS NOT NULL AND NOT EXISTS (SELECT 1 FROM customerSearchDoc d WHERE d.customerId = p.customerId)
              ORDER BY p.seq
            """,
            "DELETE FROM customerSearchText WHERE rowid IN (SELECT d.docid FROM customerSearchPending p CROSS JOIN customerSearchDoc d ON d.customerId = p.customerId)",
            """
            INSERT INTO customerSearchText (rowid, name, place)
              SELECT d.docid, rooftop_fold(coalesce(c.firstName, '') || ' ' || coalesce(c.lastName, '') || ' ' || coalesce(c.businessName, '')),
                     (SELECT rooftop_fold(group_concat(a.city, ' ')) FROM customerAddress a WHERE a.customerId = c.id AND a._created IS NOT NULL AND a._deleted IS NULL)
              FROM customerSearchPending p CROSS JOIN customerSearchDoc d ON d.customerId = p.customerId CROSS JOIN customer c ON c.id = p.customerId
              WHERE c._created IS NOT NULL
              ORDER BY d.docid
            """,
            "DELETE FROM customerSearchPending",
        ]),
        // Interactions and VINs (migration v22): each a document if it has none, then its row written
        // anew (an update of the row in the same transaction may have written one).
        ("SELECT EXISTS (SELECT 1 FROM customerInteractionTextPending)", [
            """
            INSERT INTO customerInteractionDoc (interactionId)
              SELECT p.interactionId FROM customerInteractionTextPending p CROSS JOIN customerInteraction i ON i.id = p.interactionId
              WHERE i._created IS NOT NULL AND i._deleted IS NULL AND NOT EXISTS (SELECT 1 FROM customerInteractionDoc d WHERE d.interactionId = p.interactionId)
              ORDER BY p.seq
            """,
            """
            DELETE FROM customerInteractionText WHERE rowid IN
              (SELECT d.docid FROM customerInteractionTextPending p CROSS JOIN customerInteractionDoc d ON d.interactionId = p.interactionId)
            """,
            """
            INSERT INTO customerInteractionText (rowid, subject, content)
              SELECT d.docid, i.subject, i.content FROM customerInteractionTextPending p
              CROSS JOIN customerInteractionDoc d ON d.interactionId = p.interactionId CROSS JOIN customerInteraction i ON i.id = p.interactionId
              WHERE i._created IS NOT NULL AND i._deleted IS NULL
              ORDER BY d.docid
            """,
            "DELETE FROM customerInteractionTextPending",
        ]),
        ("SELECT EXISTS (SELECT 1 FROM vinSearchPending)", [
            """
            INSERT INTO vinSearchDoc (vehicleId)
              SELECT p.vehicleId FROM vinSearchPending p CROSS JOIN vehicle v ON v.id = p.vehicleId
              WHERE v.vin IS NOT NULL AND NOT EXISTS (SELECT 1 FROM vinSearchDoc d WHERE d.vehicleId = p.vehicleId)
              ORDER BY p.seq
            """,
            "DELETE FROM vinSearchText WHERE rowid IN (SELECT d.docid FROM vinSearchPending p CROSS JOIN vinSearchDoc d ON d.vehicleId = p.vehicleId)",
            """
            INSERT INTO vinSearchText (rowid, vin)
              SELECT d.docid, v.vin FROM vinSearchPending p CROSS JOIN vinSearchDoc d ON d.vehicleId = p.vehicleId CROSS JOIN vehicle v ON v.id = p.vehicleId
              WHERE v.vin IS NOT NULL
              ORDER BY d.docid
            """,
            "DELETE FROM vinSearchPending",
        ]),
    ]
}
