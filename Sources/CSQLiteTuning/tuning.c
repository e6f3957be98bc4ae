#include <sqlite3.h>
#include "CSQLiteTuning.h"

int rooftop_sqlite_set_memory_statistics(int enabled) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, enabled);
}
