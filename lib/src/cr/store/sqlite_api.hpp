// SQLite, opened on the first store a process opens instead of linked. Debian's libsqlite3 is
// linked with BIND_NOW: mapping it makes the loader resolve its 1,500 internal calls at once,
// 1.1 million instructions (callgrind, December 2026), as much as libstdc++'s own start.
// Every crctl start paid that, `--version` and `-h` included.
#pragma once

#include <sqlite3.h>

namespace opskit::cr::detail {

/// The SQLite functions the store calls, typed as <sqlite3.h> declares them.
struct Sqlite {
    decltype(&sqlite3_bind_double) bind_double;
    decltype(&sqlite3_bind_int64) bind_int64;
    decltype(&sqlite3_bind_null) bind_null;
    decltype(&sqlite3_bind_text64) bind_text64;
    decltype(&sqlite3_busy_timeout) busy_timeout;
    decltype(&sqlite3_changes) changes;
    decltype(&sqlite3_clear_bindings) clear_bindings;
    decltype(&sqlite3_close_v2) close_v2;
    decltype(&sqlite3_column_bytes) column_bytes;
    decltype(&sqlite3_column_double) column_double;
    decltype(&sqlite3_column_int64) column_int64;
    decltype(&sqlite3_column_text) column_text;
    decltype(&sqlite3_column_type) column_type;
    decltype(&sqlite3_config) config;
    decltype(&sqlite3_db_config) db_config;
    decltype(&sqlite3_db_filename) db_filename;
    decltype(&sqlite3_errmsg) errmsg;
    decltype(&sqlite3_errstr) errstr;
    decltype(&sqlite3_exec) exec;
    decltype(&sqlite3_extended_result_codes) extended_result_codes;
    decltype(&sqlite3_file_control) file_control;
    decltype(&sqlite3_finalize) finalize;
    decltype(&sqlite3_free) free;
    decltype(&sqlite3_get_autocommit) get_autocommit;
    decltype(&sqlite3_open_v2) open_v2;
    decltype(&sqlite3_prepare_v3) prepare_v3;
    decltype(&sqlite3_reset) reset;
    decltype(&sqlite3_step) step;
};

/// The table, loaded on the first call (thread-safe); Error(unavailable) "load SQLite" when
/// the library or one of its functions is missing, tried again by the next call.
const Sqlite& sqlite();

}  // namespace opskit::cr::detail
