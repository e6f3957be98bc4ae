import CSQLiteTuning

/// SQLite settings that hold for the whole process (`sqlite3_config`), made once, before the first
/// connection opens: ``Replica`` applies them as it opens its file, and `rooftop` and the bench at start.
public enum SQLiteProcessSettings {
    /// SQLite's memory statistics are off (`SQLITE_CONFIG_MEMSTATUS` 0; SQLite's own advice for speed,
    /// https://sqlite.org/compile.html#default_memstatus): with them on, every allocation and free inside
    /// SQLite takes a process-wide mutex to count bytes, and `pthread_mutex_lock`/`unlock` were a tenth of
    /// the changeset apply's CPU (`perf`). Nothing here reads `sqlite3_memory_used`, and no soft heap limit
    /// is set (it needs them). Measured in README "Write overhead".
    ///
    /// Statement journals keep SQLite's default (in memory up to 64 KiB, then a temporary file). Keeping them
    /// in memory always (`SQLITE_CONFIG_STMTJRNL_SPILL` -1) made writes faster, but holds every existing page
    /// a statement or savepoint changes in memory until it ends: a migration rewriting the customer table or
    /// the change log of a million customers would need hundreds of megabytes to gigabytes. A finite
    /// threshold of 128 KiB or more is not usable with SQLite 3.40's Unix VFS (its first spill fails with
    /// `SQLITE_FULL`; test `StatementJournalTests`).
    public static let memoryStatistics = false

    /// Whether SQLite took the settings: `false` when a connection had already initialised SQLite in
    /// this process (then SQLite's defaults hold: slower, not wrong).
    public static let applied: Bool = rooftop_sqlite_set_memory_statistics(memoryStatistics ? 1 : 0) == 0

    /// Applies the settings if no connection has yet; returns whether they hold. Safe from any thread.
    @discardableResult
    public static func apply() -> Bool { applied }
}
