import CSQLiteTuning

/// SQLite settings that hold for the whole process (`sqlite3_config`): statement journals in memory and
/// no memory statistics. Made once, before the first
/// connection opens: ``Replica`` applies them as it opens its file, and `rooftop` and the bench at start.
public enum SQLiteProcessSettings {
    /// Statement journals are held in memory, never written to a temporary file: -1, SQLite's
    /// "always in memory" (`SQLITE_CONFIG_STMTJRNL_SPILL`, https://sqlite.org/c3ref/c_config_covering_index_scan.html;
    /// the default spills past 64 KiB).
    ///
    /// SQLite keeps a statement journal — the original content of each existing page a statement
    /// changes, each page at most once — for a statement inside a transaction that fires triggers or
    /// writes a virtual table, so that a failing statement can be undone alone
    /// (https://sqlite.org/tempfiles.html#stmtjrnl). A customer insert fires the search-index and tier
    /// triggers and changes more than four 16 KiB pages, so with the default its journal went to a
    /// temporary file at every row: about 20 `pwrite` calls per replica row (`strace`, README "Write
    /// overhead"). Measured (`scripts/bench 20000 writes apply`, back to back): write overhead 4.3× →
    /// 3.7×, changeset apply 252,000 → 290,000 field changes/s. Unlike `PRAGMA temp_store = MEMORY`, it
    /// leaves temporary tables and transient indices where they were.
    ///
    /// Memory: one statement's journal is at most the existing pages it changes (about 250 KiB for a
    /// customer insert), freed when the statement ends; a statement changing most of a large table
    /// inside a transaction holds that table's changed pages until it ends.
    ///
    /// Why not a finite threshold above 64 KiB: SQLite's in-memory journal keeps its content in
    /// chunks of the threshold's size and, on spilling, writes each chunk in one call, while the Unix
    /// VFS writes at most 128 KiB - 1 bytes a call (`seekAndWriteFd` masks the length with `0x1ffff`):
    /// with a threshold of 128 KiB or more the first spill fails with `SQLITE_FULL` ("database or disk
    /// is full", seen here with 256 KiB and 4 MiB on SQLite 3.40.1). Thresholds below 128 KiB still
    /// spill a customer insert's journal and measured no faster than the default.
    public static let statementJournalSpillBytes: Int32 = -1

    /// SQLite's memory statistics are off (`SQLITE_CONFIG_MEMSTATUS` 0; SQLite's own advice for speed,
    /// https://sqlite.org/compile.html#default_memstatus): with them on, every allocation and free inside
    /// SQLite takes a process-wide mutex to count bytes, and `pthread_mutex_lock`/`unlock` were a tenth of
    /// the changeset apply's CPU (`perf`). Nothing here reads `sqlite3_memory_used`, and no soft heap limit
    /// is set (it needs them). Measured (`scripts/bench 20000 writes apply`, back to back, a build running
    /// beside): write overhead 3.47× / 3.61× → 2.96× / 3.19×, apply 267,485 / 260,276 → 276,033 / 292,956
    /// field changes/s.
    public static let memoryStatistics = false

    /// Whether SQLite took the settings: `false` when a connection had already initialised SQLite in
    /// this process (then SQLite's defaults hold: slower, not wrong).
    public static let applied: Bool = rooftop_sqlite_set_statement_journal_spill(statementJournalSpillBytes) == 0
        && rooftop_sqlite_set_memory_statistics(memoryStatistics ? 1 : 0) == 0

    /// Applies the settings if no connection has yet; returns whether they hold. Safe from any thread.
    @discardableResult
    public static func apply() -> Bool { applied }
}
