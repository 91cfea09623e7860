// Records ↔ rows of the crctl store (see rows.hpp).
#include "cr/store/rows.hpp"

#include "opskit/cr/lifecycle/canonical.hpp"

namespace opskit::cr::detail {

const std::string request_columns =
    "uuid, state, name, description, command, container_image, cwd, environment, mounts, output_path, "
    "runtime_constraints, scheduling_parameters, priority, container_uuid, container_count, container_count_max, "
    "use_existing, output_name, output_ttl, log_uuid, output_uuid, requesting_container_uuid, created_at, modified_at";

const std::string container_columns =
    "uuid, state, command, container_image, cwd, environment, mounts, output_path, runtime_constraints, "
    "scheduling_parameters, priority, lock_count, locked_by, started_at, finished_at, exit_code, output, log, "
    "progress, runtime_status, reuse_hash, created_at, modified_at";

const std::string collection_columns =
    "uuid, portable_data_hash, name, manifest, properties, trash_at, delete_at, created_at, modified_at";

namespace {

std::string placeholders(int n) {
    std::string out;
    for (int i = 1; i <= n; ++i) out += (i > 1 ? ", ?" : "?");
    return out;
}

int count_columns(const std::string& columns) {
    int n = 1;
    for (char ch : columns) n += ch == ',';
    return n;
}

/// `a=excluded.a, b=excluded.b, ...` for every column of `columns` but the key and created_at.
std::string set_all_from_excluded(const std::string& columns) {
    std::string out;
    std::size_t at = 0;
    while (at < columns.size()) {
        std::size_t end = columns.find(',', at);
        if (end == std::string::npos) end = columns.size();
        const std::string name = columns.substr(at, end - at);
        at = columns.find_first_not_of(' ', end + 1);
        if (name == "uuid" || name == "created_at") continue;
        out.append(out.empty() ? "" : ", ").append(name).append("=excluded.").append(name);
    }
    return out;
}

/// The work columns of a row to save, as text bound in place: the caller's texts where given,
/// else dumped here. It must outlive the lease that binds them (declare it first).
struct WorkColumns {
    std::string_view command, environment, mounts, runtime_constraints;
    WorkTexts dumped;

    WorkColumns(const WorkTexts* given, const Json& command_value, const Json& environment_value,
                const Json& mounts_value, const Json& constraints_value) {
        auto text = [&](std::string WorkTexts::*field, const Json& value) -> std::string_view {
            if (given && !(given->*field).empty()) return given->*field;
            return dumped.*field = canonical_json(value);
        };
        command = text(&WorkTexts::command, command_value);
        environment = text(&WorkTexts::environment, environment_value);
        mounts = text(&WorkTexts::mounts, mounts_value);
        runtime_constraints = text(&WorkTexts::runtime_constraints, constraints_value);
    }
    WorkColumns(const WorkColumns&) = delete;
    WorkColumns& operator=(const WorkColumns&) = delete;
};

}  // namespace

std::string select_where(const std::string& columns, std::string_view table,
                         std::initializer_list<std::pair<bool, std::string_view>> conditions, std::string_view tail) {
    std::string sql = "SELECT " + columns + " FROM ";
    sql.append(table).append(" WHERE 1");
    for (const auto& [used, condition] : conditions)
        if (used) sql.append(" AND ").append(condition);
    return sql.append(" ").append(tail);
}

ContainerRequest read_request(const Stmt& row) {
    ContainerRequest r;
    r.uuid = row.get_text(0);
    r.state = parse_request_state(row.get_text(1)).value_or(RequestState::uncommitted);
    r.name = row.get_opt_text(2);
    r.description = row.get_opt_text(3);
    r.command = row.get_json(4);
    r.container_image = row.get_text(5);
    r.cwd = row.get_text(6);
    r.environment = row.get_json(7);
    r.mounts = row.get_json(8);
    r.output_path = row.get_text(9);
    r.runtime_constraints = row.get_json(10);
    r.scheduling_parameters = row.get_json(11);
    r.priority = row.get_int(12);
    r.container_uuid = row.get_opt_text(13);
    r.container_count = row.get_int(14);
    r.container_count_max = row.get_int(15);
    r.use_existing = row.get_int(16) != 0;
    r.output_name = row.get_opt_text(17);
    r.output_ttl = row.get_int(18);
    r.log_uuid = row.get_opt_text(19);
    r.output_uuid = row.get_opt_text(20);
    r.requesting_container_uuid = row.get_opt_text(21);
    r.created_at = row.get_int(22);
    r.modified_at = row.get_int(23);
    return r;
}

Container read_container(const Stmt& row, bool with_work) {
    Container c;
    c.uuid = row.get_text(0);
    c.state = parse_container_state(row.get_text(1)).value_or(ContainerState::queued);
    c.container_image = row.get_text(3);
    c.cwd = row.get_text(4);
    c.output_path = row.get_text(7);
    if (with_work) {
        c.command = row.get_json(2);
        c.environment = row.get_json(5);
        c.mounts = row.get_json(6);
        c.runtime_constraints = row.get_json(8);
    }
    c.scheduling_parameters = row.get_json(9);
    c.priority = row.get_int(10);
    c.lock_count = row.get_int(11);
    c.locked_by = row.get_opt_text(12);
    c.started_at = row.get_opt_int(13);
    c.finished_at = row.get_opt_int(14);
    c.exit_code = row.get_opt_int(15);
    c.output = row.get_opt_text(16);
    c.log = row.get_opt_text(17);
    c.progress = row.get_double(18);
    c.runtime_status = row.get_json(19);
    c.reuse_hash = row.get_text(20);
    c.created_at = row.get_int(21);
    c.modified_at = row.get_int(22);
    return c;
}

Collection read_collection(const Stmt& row) {
    Collection c;
    c.uuid = row.get_text(0);
    c.portable_data_hash = row.get_text(1);
    c.name = row.get_opt_text(2);
    c.manifest = row.get_opt_text(3);
    c.properties = row.get_json(4);
    c.trash_at = row.get_opt_int(5);
    c.delete_at = row.get_opt_int(6);
    c.created_at = row.get_int(7);
    c.modified_at = row.get_int(8);
    return c;
}

void save_request(Tx& tx, const ContainerRequest& r, Row row, const WorkTexts* given) {
    // An upsert, not INSERT OR REPLACE: REPLACE deletes the old row and inserts a new one,
    // which costs every index entry twice even for a new request.
    static const Sql insert("INSERT INTO container_requests (" + request_columns + ") VALUES (" +
                            placeholders(count_columns(request_columns)) + ")");
    static const Sql upsert(insert.text() + " ON CONFLICT (uuid) DO UPDATE SET " + set_all_from_excluded(request_columns));
    // Every text is bound in place (SQLite copies each bound by value first: ~20 allocations
    // and copies a row), so the JSON texts live here, declared before the lease that uses them.
    const WorkColumns work(given, r.command, r.environment, r.mounts, r.runtime_constraints);
    const std::string scheduling = canonical_json(r.scheduling_parameters);
    auto st = tx.cached(row == Row::fresh ? insert : upsert);
    st->bind_view(1, r.uuid)
        .bind_view(2, to_string(r.state))
        .bind_view(3, r.name)
        .bind_view(4, r.description)
        .bind_view(5, work.command)
        .bind_view(6, r.container_image)
        .bind_view(7, r.cwd)
        .bind_view(8, work.environment)
        .bind_view(9, work.mounts)
        .bind_view(10, r.output_path)
        .bind_view(11, work.runtime_constraints)
        .bind_view(12, scheduling)
        .bind(13, r.priority)
        .bind_view(14, r.container_uuid)
        .bind(15, r.container_count)
        .bind(16, r.container_count_max)
        .bind(17, std::int64_t{r.use_existing ? 1 : 0})
        .bind_view(18, r.output_name)
        .bind(19, r.output_ttl)
        .bind_view(20, r.log_uuid)
        .bind_view(21, r.output_uuid)
        .bind_view(22, r.requesting_container_uuid)
        .bind(23, r.created_at)
        .bind(24, r.modified_at);
    st->run();
}

void save_container(Tx& tx, const Container& c, Row row, const WorkTexts* given) {
    // Not INSERT OR REPLACE: replacing deletes the row first, which would null the
    // container_uuid of every request pointing at it (ON DELETE SET NULL).
    static const Sql insert("INSERT INTO containers (" + container_columns + ") VALUES (" +
                            placeholders(count_columns(container_columns)) + ")");
    static const Sql upsert(
        insert.text() +
        " ON CONFLICT (uuid) DO UPDATE SET state=excluded.state, priority=excluded.priority, "
        "lock_count=excluded.lock_count, locked_by=excluded.locked_by, started_at=excluded.started_at, "
        "finished_at=excluded.finished_at, exit_code=excluded.exit_code, output=excluded.output, log=excluded.log, "
        "progress=excluded.progress, runtime_status=excluded.runtime_status, modified_at=excluded.modified_at");
    // Bound in place, as in save_request.
    const WorkColumns work(given, c.command, c.environment, c.mounts, c.runtime_constraints);
    const std::string scheduling = canonical_json(c.scheduling_parameters);
    const std::string status = canonical_json(c.runtime_status);
    auto st = tx.cached(row == Row::fresh ? insert : upsert);
    st->bind_view(1, c.uuid)
        .bind_view(2, to_string(c.state))
        .bind_view(3, work.command)
        .bind_view(4, c.container_image)
        .bind_view(5, c.cwd)
        .bind_view(6, work.environment)
        .bind_view(7, work.mounts)
        .bind_view(8, c.output_path)
        .bind_view(9, work.runtime_constraints)
        .bind_view(10, scheduling)
        .bind(11, c.priority)
        .bind(12, c.lock_count)
        .bind_view(13, c.locked_by)
        .bind(14, c.started_at)
        .bind(15, c.finished_at)
        .bind(16, c.exit_code)
        .bind_view(17, c.output)
        .bind_view(18, c.log)
        .bind(19, c.progress)
        .bind_view(20, status)
        .bind_view(21, c.reuse_hash)
        .bind(22, c.created_at)
        .bind(23, c.modified_at);
    st->run();
}

void save_collection(Tx& tx, const Collection& c) {
    static const Sql sql(
        "INSERT INTO collections (" + collection_columns + ") VALUES (" + placeholders(count_columns(collection_columns)) +
        ") ON CONFLICT (uuid) DO UPDATE SET portable_data_hash=excluded.portable_data_hash, name=excluded.name, "
        "manifest=excluded.manifest, properties=excluded.properties, trash_at=excluded.trash_at, "
        "delete_at=excluded.delete_at, modified_at=excluded.modified_at");
    auto st = tx.cached(sql);
    st->bind(1, c.uuid)
        .bind(2, c.portable_data_hash)
        .bind(3, c.name)
        .bind(4, c.manifest)
        .bind_json(5, c.properties)
        .bind(6, c.trash_at)
        .bind(7, c.delete_at)
        .bind(8, c.created_at)
        .bind(9, c.modified_at);
    st->run();
}

std::optional<ContainerRequest> load_request(Tx& tx, std::string_view uuid) {
    static const Sql sql("SELECT " + request_columns + " FROM container_requests WHERE uuid = ?");
    auto st = tx.cached(sql);
    st->bind(1, uuid);
    if (!st->step()) return std::nullopt;
    return read_request(*st);
}

std::optional<Container> load_container(Tx& tx, std::string_view uuid) {
    static const Sql sql("SELECT " + container_columns + " FROM containers WHERE uuid = ?");
    auto st = tx.cached(sql);
    st->bind(1, uuid);
    if (!st->step()) return std::nullopt;
    return read_container(*st);
}

}  // namespace opskit::cr::detail
