// Client verbs on container requests (see requests.hpp): attribute intake with type checks,
// the state machine and permitted-update matrix of §1.1/§3, validation, commit, cancel,
// delete, and the read side (show, list, wait).
#include "opskit/cr/lifecycle/requests.hpp"

#include <chrono>
#include <cstdlib>
#include <map>
#include <set>
#include <thread>
#include <unordered_map>

#include "cr/lifecycle/lifecycle.hpp"
#include "opskit/core/process.hpp"
#include "cr/store/rows.hpp"
#include "opskit/core/utf8.hpp"
#include "cr/lifecycle/validate.hpp"

namespace opskit::cr {
namespace {

const std::set<std::string, std::less<>>& show_only_fields() {
    static const std::set<std::string, std::less<>> fields{
        "uuid",      "container_uuid", "container_count", "log_uuid", "output_uuid", "created_at",
        "modified_at", "requesting_container_uuid"};
    return fields;
}

const std::set<std::string, std::less<>>& before_commit_fields() {
    static const std::set<std::string, std::less<>> fields{
        "command", "container_count_max", "container_image", "cwd", "environment", "mounts", "output_path", "priority",
        "runtime_constraints", "scheduling_parameters", "use_existing", "output_name", "output_ttl", "state"};
    return fields;
}

bool is_int(const Json& v) { return v.is_number_integer() || v.is_number_unsigned(); }

enum class Field {
    requesting_container_uuid, show_only, state, name, description, output_name, container_image, cwd, output_path,
    command, environment, mounts, runtime_constraints, scheduling_parameters, priority, container_count_max,
    output_ttl, use_existing
};

/// One hash lookup per attribute: the chain of string compares it replaces was ~70 compares
/// for an ordinary new request.
std::optional<Field> field_named(std::string_view key) {
    static const std::unordered_map<std::string_view, Field> fields = [] {
        std::unordered_map<std::string_view, Field> out{
            {"state", Field::state},
            {"name", Field::name},
            {"description", Field::description},
            {"output_name", Field::output_name},
            {"container_image", Field::container_image},
            {"cwd", Field::cwd},
            {"output_path", Field::output_path},
            {"command", Field::command},
            {"environment", Field::environment},
            {"mounts", Field::mounts},
            {"runtime_constraints", Field::runtime_constraints},
            {"scheduling_parameters", Field::scheduling_parameters},
            {"priority", Field::priority},
            {"container_count_max", Field::container_count_max},
            {"output_ttl", Field::output_ttl},
            {"use_existing", Field::use_existing}};
        for (const auto& shown : show_only_fields()) out.emplace(shown, Field::show_only);
        // Show-only too, but with a rule of its own; it wins over the loop above.
        out.insert_or_assign("requesting_container_uuid", Field::requesting_container_uuid);
        return out;
    }();
    const auto it = fields.find(key);
    if (it == fields.end()) return std::nullopt;
    return it->second;
}

/// Takes the client fields of `attrs` into `r`, recording type problems. Show-only fields
/// are ignored at create and must be unchanged at update (`current` = the stored JSON).
void apply_attributes(ContainerRequest& r, const Json& attrs, const Json* current, std::vector<Problem>& problems,
                      std::vector<std::string>& conflicts) {
    for (const auto& item : attrs.items()) {
        // Named references, not a structured binding: clang 14 cannot capture bindings in lambdas.
        const std::string& key = item.key();
        const Json& value = item.value();
        auto text = [&](std::optional<std::string>& slot) {
            if (value.is_null()) slot.reset();
            else if (value.is_string()) slot = value.get<std::string>();
            else problems.push_back({key, "must be a string or null"});
        };
        auto required_text = [&](std::string& slot) {
            if (value.is_string()) slot = value.get<std::string>();
            else problems.push_back({key, "must be a string"});
        };
        auto integer = [&](std::int64_t& slot) {
            if (is_int(value)) slot = value.get<std::int64_t>();
            else problems.push_back({key, "must be an integer"});
        };
        auto object = [&](Json& slot) { slot = value.is_null() ? Json::object() : value; };
        // The store keeps JSON, which is UTF-8 only: refuse other bytes here, naming the field.
        if (utf8_error_at(key) || !json_is_valid_utf8(value)) {
            problems.push_back({key, "is not valid UTF-8 text"});
            continue;
        }
        const auto field = field_named(key);
        if (!field) {
            problems.push_back({key, "unknown field"});
            continue;
        }
        switch (*field) {
            case Field::requesting_container_uuid:
                if (!current && !value.is_null())
                    problems.push_back({key, "cannot be set by a client (it comes from CRCTL_CONTAINER_UUID)"});
                else if (current && value != (*current)[key])
                    conflicts.push_back(key + " cannot be changed by a client");
                break;
            case Field::show_only:
                if (current && value != (*current)[key]) conflicts.push_back(key + " cannot be changed by a client");
                break;
            case Field::state: {
                const auto state = value.is_string() ? parse_request_state(value.get<std::string>()) : std::nullopt;
                if (!state) problems.push_back({key, "must be Uncommitted, Committed or Final (got " + value.dump() + ")"});
                else r.state = *state;
                break;
            }
            case Field::name: text(r.name); break;
            case Field::description: text(r.description); break;
            case Field::output_name: text(r.output_name); break;
            case Field::container_image: required_text(r.container_image); break;
            case Field::cwd: required_text(r.cwd); break;
            case Field::output_path: required_text(r.output_path); break;
            case Field::command: r.command = value; break;
            case Field::environment: object(r.environment); break;
            case Field::mounts: object(r.mounts); break;
            case Field::runtime_constraints: object(r.runtime_constraints); break;
            case Field::scheduling_parameters: object(r.scheduling_parameters); break;
            case Field::priority: integer(r.priority); break;
            case Field::container_count_max: integer(r.container_count_max); break;
            case Field::output_ttl: integer(r.output_ttl); break;
            case Field::use_existing:
                if (value.is_boolean()) r.use_existing = value.get<bool>();
                else problems.push_back({key, "must be true or false"});
                break;
        }
    }
}

bool is_empty_json(const Json& v) { return v.is_null() || (v.is_array() && v.empty()) || (v.is_object() && v.empty()); }

/// Drops keys whose value is the default Arvados fills in (§2.1), so a resent hash with or
/// without explicit defaults compares equal.
Json without_defaults(const Json& value, const Json& defaults) {
    if (!value.is_object()) return value;
    Json out = Json::object();
    for (const auto& [key, v] : value.items()) {
        const auto d = defaults.find(key);
        if (d != defaults.end() && (v == *d || (is_empty_json(v) && is_empty_json(*d)))) continue;
        if (key == "gpu" && v.is_object()) {
            bool all_zero = true;
            for (const auto& [gk, gv] : v.items()) {
                (void)gk;
                all_zero = all_zero && (gv == 0 || gv == "" || is_empty_json(gv));
            }
            if (all_zero) continue;
        }
        out[key] = v;
    }
    return out;
}

bool really_changed(const std::string& field, const Json& before, const Json& after) {
    if (is_empty_json(before) && is_empty_json(after)) return false;
    static const Json rc_defaults{{"API", false}, {"keep_cache_disk", 0}, {"keep_cache_ram", 0}, {"ram", 0}, {"vcpus", 0}, {"gpu", Json::object()}};
    static const Json sp_defaults{{"max_run_time", 0}, {"partitions", Json::array()}, {"preemptible", false}, {"supervisor", false}};
    if (field == "runtime_constraints") return without_defaults(before, rc_defaults) != without_defaults(after, rc_defaults);
    if (field == "scheduling_parameters") return without_defaults(before, sp_defaults) != without_defaults(after, sp_defaults);
    return before != after;
}

/// §3.2 mounts special case: past Uncommitted, the same targets with only empty-valued
/// additions is no change.
bool mounts_changed(const Json& before, const Json& after) {
    if (!before.is_object() || !after.is_object() || before.size() != after.size()) return before != after;
    for (const auto& [target, old_mount] : before.items()) {
        const auto it = after.find(target);
        if (it == after.end()) return true;
        if (!old_mount.is_object() || !it->is_object()) {
            if (old_mount != *it) return true;
            continue;
        }
        for (const auto& [key, v] : it->items()) {
            const auto o = old_mount.find(key);
            if (o == old_mount.end()) {
                if (!(v.is_null() || v == false || v == 0 || v == "")) return true;
            } else if (*o != v) {
                return true;
            }
        }
        for (const auto& [key, v] : old_mount.items())
            if (!it->contains(key)) return true;
    }
    return false;
}

std::string state_name(RequestState s) { return std::string(to_string(s)); }

void check_transition(RequestState from, RequestState to, std::string_view uuid) {
    if (from == to) return;
    if ((from == RequestState::uncommitted && to == RequestState::committed) ||
        (from == RequestState::committed && to == RequestState::final_))
        return;
    throw Error(ErrorKind::conflict, "cannot update request", uuid,
                "state cannot change from " + state_name(from) + " to " + state_name(to));
}

}  // namespace

Caller Caller::from_environment() {
    Caller caller;
    if (const char* uuid = std::getenv("CRCTL_CONTAINER_UUID"); uuid && *uuid) caller.container_uuid = uuid;
    return caller;
}

static std::string join_problems(const std::vector<Problem>& problems) {
    std::string out;
    for (const auto& p : problems) {
        if (!out.empty()) out += "; ";
        out += p.field + ": " + p.message;
    }
    return out;
}

ValidationError::ValidationError(std::string_view input, std::vector<Problem> problems)
    : Error(ErrorKind::usage, "invalid request", input, join_problems(problems)), m_problems(std::move(problems)) {}

const std::vector<std::string>& request_client_fields() {
    static const std::vector<std::string> fields{
        "name", "description", "command", "container_image", "cwd", "environment", "mounts", "output_path",
        "runtime_constraints", "scheduling_parameters", "priority", "state", "container_count_max", "use_existing",
        "output_name", "output_ttl"};
    return fields;
}

ContainerRequest create_request(Tx& tx, const Json& attributes, const Caller& caller) {
    if (!attributes.is_object())
        throw ValidationError("new request", {{"request", "must be an object of request fields"}});
    ContainerRequest r;
    r.uuid = tx.new_uuid(request_infix);
    r.cwd = ".";
    r.container_count_max = tx.options().default_container_count_max;
    std::vector<Problem> problems;
    std::vector<std::string> conflicts;
    apply_attributes(r, attributes, nullptr, problems, conflicts);
    if (r.state == RequestState::final_)
        problems.push_back({"state", "a new request is Uncommitted or Committed, not Final"});
    if (caller.container_uuid) {
        if (!detail::load_container(tx, *caller.container_uuid)) {
            problems.push_back({"requesting_container_uuid",
                                "CRCTL_CONTAINER_UUID (" + *caller.container_uuid + ") names no container in this store"});
        } else {
            r.requesting_container_uuid = caller.container_uuid;
            // §2.4: a child request's priority is its parent's requests' maximum.
            auto st = tx.cached("SELECT coalesce(max(priority), 0) FROM container_requests WHERE container_uuid = ?");
            st->bind(1, *caller.container_uuid);
            st->step();
            r.priority = st->get_int(0);
        }
    }
    detail::validate_request(r, true, problems);
    if (!problems.empty()) throw ValidationError("new request", std::move(problems));
    r.created_at = r.modified_at = tx.now_ms();
    detail::WorkTexts texts;
    const bool new_container = r.state == RequestState::committed && detail::set_container(tx, r, &texts);
    detail::save_request(tx, r, detail::Row::fresh, &texts);
    detail::after_request_saved(tx, ContainerRequest{}, r, new_container);
    return r;
}

ContainerRequest update_request(Tx& tx, std::string_view uuid, const Json& changes) {
    const ContainerRequest before = get_request(tx, uuid);
    if (!changes.is_object()) throw ValidationError(uuid, {{"request", "must be an object of request fields"}});
    ContainerRequest r = before;
    std::vector<Problem> problems;
    std::vector<std::string> conflicts;
    const Json current = to_json(before);
    apply_attributes(r, changes, &current, problems, conflicts);
    if (!problems.empty()) throw ValidationError(uuid, std::move(problems));
    check_transition(before.state, r.state, uuid);

    // §3.1: which fields this update may change.
    std::set<std::string, std::less<>> permitted{"state", "name", "description"};
    if (before.state == RequestState::uncommitted) permitted.insert(before_commit_fields().begin(), before_commit_fields().end());
    if (r.state == RequestState::committed) permitted.insert({"priority", "container_count_max"});
    if (r.state == RequestState::final_ && before.state == RequestState::committed) permitted.insert("priority");
    const Json after = to_json(r);
    for (const auto& [key, value] : changes.items()) {
        (void)value;
        if (show_only_fields().count(key) || permitted.count(key)) continue;
        bool changed = really_changed(key, current[key], after[key]);
        if (key == "mounts" && changed && before.state != RequestState::uncommitted) {
            changed = mounts_changed(before.mounts, r.mounts);
            if (!changed) r.mounts = before.mounts;  // the empty additions are dropped, not stored
        }
        if (changed) conflicts.push_back(key + " cannot be modified in state " + state_name(before.state));
    }
    if (!conflicts.empty()) {
        std::string why;
        for (const auto& c : conflicts) why += (why.empty() ? "" : "; ") + c;
        throw Error(ErrorKind::conflict, "cannot update request", uuid, why);
    }
    // Runtime constraints and scheduling parameters keep their stored form when the change
    // was only explicit defaults.
    if (!really_changed("runtime_constraints", before.runtime_constraints, r.runtime_constraints))
        r.runtime_constraints = before.runtime_constraints;
    if (!really_changed("scheduling_parameters", before.scheduling_parameters, r.scheduling_parameters))
        r.scheduling_parameters = before.scheduling_parameters;

    detail::validate_request(r, r.state == RequestState::committed, problems);
    if (!problems.empty()) throw ValidationError(uuid, std::move(problems));
    r.modified_at = tx.now_ms();
    detail::WorkTexts texts;
    const bool new_container = before.state == RequestState::uncommitted && r.state == RequestState::committed &&
                               !r.container_uuid && detail::set_container(tx, r, &texts);
    detail::save_request(tx, r, detail::Row::any, &texts);
    detail::after_request_saved(tx, before, r, new_container);
    return r;
}

ContainerRequest commit_request(Tx& tx, std::string_view uuid) {
    const ContainerRequest r = get_request(tx, uuid);
    if (r.state != RequestState::uncommitted) {
        if (r.state == RequestState::committed) return r;  // already committed: no-op
        throw Error(ErrorKind::conflict, "cannot commit request", uuid, "it is Final");
    }
    return update_request(tx, uuid, Json{{"state", "Committed"}});
}

ContainerRequest cancel_request(Tx& tx, std::string_view uuid) {
    const ContainerRequest r = get_request(tx, uuid);
    if (r.state == RequestState::final_ || r.priority == 0) return r;
    return update_request(tx, uuid, Json{{"priority", 0}});
}

void delete_request(Tx& tx, std::string_view uuid) {
    ContainerRequest r = get_request(tx, uuid);
    if (r.priority > 0 && r.state != RequestState::final_) {
        r.priority = 0;
        r.modified_at = tx.now_ms();
        detail::save_request(tx, r);
        if (r.container_uuid) update_priorities(tx, *r.container_uuid);
    }
    auto st = tx.cached("DELETE FROM container_requests WHERE uuid = ?");
    st->bind(1, uuid);
    st->run();
}

std::optional<ContainerRequest> find_request(Tx& tx, std::string_view uuid) { return detail::load_request(tx, uuid); }

ContainerRequest get_request(Tx& tx, std::string_view uuid) {
    auto r = detail::load_request(tx, uuid);
    if (!r) throw Error(ErrorKind::not_found, "no such request", uuid, "not in this store");
    return std::move(*r);
}

std::vector<ContainerRequest> list_requests(Tx& tx, const RequestFilter& f) {
    const std::string sql = detail::select_where(detail::request_columns, "container_requests",
                                                 {{f.state.has_value(), "state = ?1"},
                                                  {f.container_uuid.has_value(), "container_uuid = ?2"},
                                                  {f.requesting_container_uuid.has_value(), "requesting_container_uuid = ?3"}},
                                                 "ORDER BY created_at DESC, uuid DESC LIMIT ?4");
    auto st = tx.cached(sql);
    if (f.state) st->bind(1, to_string(*f.state));
    st->bind(2, f.container_uuid).bind(3, f.requesting_container_uuid).bind(4, f.limit > 0 ? f.limit : std::int64_t{-1});
    std::vector<ContainerRequest> out;
    while (st->step()) out.push_back(detail::read_request(*st));
    return out;
}

std::vector<std::string> request_uuids(Tx& tx, std::string_view prefix, std::int64_t limit) {
    auto st = tx.prepare("SELECT uuid FROM container_requests WHERE substr(uuid, 1, length(?1)) = ?1 ORDER BY uuid LIMIT ?2");
    st.bind(1, prefix).bind(2, limit);
    std::vector<std::string> out;
    while (st.step()) out.push_back(st.get_text(0));
    return out;
}

ContainerRequest wait_request(Store& store, std::string_view uuid, std::optional<Duration> timeout) {
    const auto start = std::chrono::steady_clock::now();
    auto delay = std::chrono::milliseconds(20);
    for (;;) {
        ContainerRequest r = store.read([&](Tx& tx) { return get_request(tx, uuid); });
        if (r.state == RequestState::final_) return r;
        if (interrupted_by() != 0) throw Error(ErrorKind::failed, "stopped waiting for request", uuid, "interrupted");
        const auto waited = std::chrono::steady_clock::now() - start;
        if (timeout && waited >= *timeout)
            throw Error(ErrorKind::timeout, "request did not become Final", uuid,
                        "still " + std::string(to_string(r.state)) + " after " + format_duration(*timeout));
        auto sleep = delay;
        if (timeout) sleep = std::min<std::chrono::milliseconds>(sleep, std::chrono::duration_cast<std::chrono::milliseconds>(*timeout - waited) + std::chrono::milliseconds(1));
        std::this_thread::sleep_for(sleep);
        delay = std::min(delay * 2, std::chrono::milliseconds(500));
    }
}

}  // namespace opskit::cr
