import GRDB
import RooftopStore
import RooftopTesting
import Testing

/// With this process's SQLite settings (``SQLiteProcessSettings``), a statement failing inside a
/// transaction is still undone alone, whatever the size of its statement journal. A statement-journal
/// spill threshold of 128 KiB or more (tried for speed) made SQLite 3.40 fail such a statement with
/// "database or disk is full" as its journal spilled, instead of the statement's own error.
@Suite struct StatementJournalTests {
    @Test func aStatementFailingInsideATransactionIsUndoneAloneAndTheTransactionCommits() throws {
        SQLiteProcessSettings.apply()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // WAL, as a replica: no rollback journal to undo a statement from, so every page it changes is in its journal.
        let queue = try DatabasePool(path: directory.path("journal.sqlite"))
        try queue.write { db in
            try db.execute(sql: """
                CREATE TABLE item (id INTEGER PRIMARY KEY, label TEXT NOT NULL, revision INTEGER NOT NULL);
                CREATE TABLE audit (itemId INTEGER, revision INTEGER);
                CREATE TRIGGER item_audit AFTER UPDATE ON item BEGIN
                  SELECT RAISE(ABORT, 'revision 2 of the last item refused') WHERE NEW.id = 3000 AND NEW.revision = 2;
                  INSERT INTO audit VALUES (NEW.id, NEW.revision);
                END;
                """)
            // About 3 MB of rows: the failing update below changes every page of them before it fails.
            for id in 1...3000 { try db.execute(sql: "INSERT INTO item VALUES (?, ?, 1)", arguments: [id, String(repeating: "x", count: 1000)]) }
        }
        try queue.write { db in
            try db.execute(sql: "UPDATE item SET label = 'first' WHERE id = 1")
            let failure = #expect(throws: DatabaseError.self) {
                try db.execute(sql: "UPDATE item SET revision = 2, label = upper(label)")
            }
            #expect(failure?.resultCode == .SQLITE_CONSTRAINT, "the statement's own error, not \(String(describing: failure?.resultCode))")
            #expect(failure?.message == "revision 2 of the last item refused")
            try db.execute(sql: "UPDATE item SET label = 'last' WHERE id = 3000")
        }
        let (revised, audited, first, last, uppercased) = try queue.read { db throws -> (Int?, Int?, String?, String?, Int?) in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM item WHERE revision = 2"),
             try Int.fetchOne(db, sql: "SELECT count(*) FROM audit"),
             try String.fetchOne(db, sql: "SELECT label FROM item WHERE id = 1"),
             try String.fetchOne(db, sql: "SELECT label FROM item WHERE id = 3000"),
             try Int.fetchOne(db, sql: "SELECT count(*) FROM item WHERE label = upper(label)"))
        }
        #expect(revised == 0, "the failed statement's changes stayed")
        #expect(audited == 2, "the audit rows of the first and last statements only")
        #expect(first == "first" && last == "last", "the statements before and after it were kept")
        #expect(uppercased == 0)
    }
}
