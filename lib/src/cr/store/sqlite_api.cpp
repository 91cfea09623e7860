// sqlite() (see sqlite_api.hpp).
#include "cr/store/sqlite_api.hpp"

#include "opskit/core/plugin.hpp"

namespace opskit::cr::detail {
namespace {

/// SQLite 3's soname; the .deb's libsqlite3-0 provides it.
constexpr const char* soname = "libsqlite3.so.0";
constexpr const char* what = "load SQLite";

}  // namespace

const Sqlite& sqlite() {
    return library_functions<Sqlite>(soname, what, [](auto bind, Sqlite& t) {
        bind(t.bind_double, "sqlite3_bind_double");
        bind(t.bind_int64, "sqlite3_bind_int64");
        bind(t.bind_null, "sqlite3_bind_null");
        bind(t.bind_text64, "sqlite3_bind_text64");
        bind(t.busy_timeout, "sqlite3_busy_timeout");
        bind(t.changes, "sqlite3_changes");
        bind(t.clear_bindings, "sqlite3_clear_bindings");
        bind(t.close_v2, "sqlite3_close_v2");
        bind(t.column_bytes, "sqlite3_column_bytes");
        bind(t.column_double, "sqlite3_column_double");
        bind(t.column_int64, "sqlite3_column_int64");
        bind(t.column_text, "sqlite3_column_text");
        bind(t.column_type, "sqlite3_column_type");
        bind(t.config, "sqlite3_config");
        bind(t.db_config, "sqlite3_db_config");
        bind(t.db_filename, "sqlite3_db_filename");
        bind(t.errmsg, "sqlite3_errmsg");
        bind(t.errstr, "sqlite3_errstr");
        bind(t.exec, "sqlite3_exec");
        bind(t.extended_result_codes, "sqlite3_extended_result_codes");
        bind(t.file_control, "sqlite3_file_control");
        bind(t.finalize, "sqlite3_finalize");
        bind(t.free, "sqlite3_free");
        bind(t.get_autocommit, "sqlite3_get_autocommit");
        bind(t.open_v2, "sqlite3_open_v2");
        bind(t.prepare_v3, "sqlite3_prepare_v3");
        bind(t.reset, "sqlite3_reset");
        bind(t.step, "sqlite3_step");
    });
}

}  // namespace opskit::cr::detail
