#ifndef ROOFTOP_CSQLITE_TUNING_H
#define ROOFTOP_CSQLITE_TUNING_H

/// Turns SQLite's memory statistics on (1) or off (0) for this process
/// (`sqlite3_config(SQLITE_CONFIG_MEMSTATUS, enabled)`, https://sqlite.org/c3ref/c_config_covering_index_scan.html):
/// with them on, every SQLite allocation and free takes a process-wide mutex to count bytes
/// (`sqlite3_memory_used`). `sqlite3_config` is variadic, which Swift cannot call; hence this C function.
/// Must run before SQLite is initialised (before the process's first connection opens).
/// Returns SQLite's result code: 0 (`SQLITE_OK`), or 21 (`SQLITE_MISUSE`) when SQLite was already initialised.
int rooftop_sqlite_set_memory_statistics(int enabled);

#endif
