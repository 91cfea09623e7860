// The `bkctl parse` JSON schema (bkctl(1), spec dsmc.md): one function per report part so
// the dsmc runner can embed the same objects in its own results. Keys are stable: extend,
// never rename. Absent values are null, never invented.
#include <cmath>

#include "opskit/dsmc/report.hpp"
#include "summary_fields.hpp"

namespace opskit::dsmc {
namespace {

Json str_or_null(const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); }

template <typename T>
Json opt(const std::optional<T>& v) {
    return v ? Json(*v) : Json(nullptr);
}

/// Whole seconds print as integers (`"elapsed_s": 19`), fractions as doubles.
Json seconds(const std::optional<double>& v) {
    if (!v) return nullptr;
    double whole = 0;
    if (std::modf(*v, &whole) == 0.0 && whole >= 0 && whole < 9e15) return Json(static_cast<std::uint64_t>(whole));
    return Json(*v);
}

/// An object built by emplacing into its map. The `Json{{"key", value}, …}` form first
/// makes a two-element array per pair and then takes key and value out of it: three times
/// the allocations, for documents with hundreds of thousands of objects. The map sorts the
/// keys, so the output is the same whatever the order of add().
class Object {
public:
    Object& add(const char* key, Json value) {
        m_map.emplace(key, std::move(value));
        return *this;
    }
    Json done() { return Json(std::move(m_map)); }

private:
    Json::object_t m_map;
};

/// An array with room for `n` elements.
Json array_of(std::size_t n) {
    Json a = Json::array();
    a.get_ref<Json::array_t&>().reserve(n);
    return a;
}

}  // namespace

Json to_json(const Session& s) {
    return Object()
        .add("node_name", str_or_null(s.node_name))
        .add("server_name", str_or_null(s.server_name))
        .add("server_platform", str_or_null(s.server_platform))
        .add("server_version", str_or_null(s.server_version))
        .add("client_version", str_or_null(s.client_version))
        .add("client_datetime", str_or_null(s.client_datetime))
        .add("server_datetime", str_or_null(s.server_datetime))
        .add("last_access", str_or_null(s.last_access))
        .add("accessing_as_node", str_or_null(s.accessing_as_node))
        .add("line", s.line)
        .done();
}

Json to_json(const Message& m) {
    Object j;
    j.add("code", m.code)
        .add("prefix", m.prefix)
        .add("number", m.number)
        .add("severity", std::string(to_string(m.severity)))
        .add("text", m.text)
        .add("line", m.line);
    if (!m.raw_code.empty()) j.add("raw_code", m.raw_code);
    if (!m.timestamp.empty()) j.add("timestamp", m.timestamp);
    return j.done();
}

Json to_json(const Summary& s) {
    Object j;
    for (const auto& f : object_count_fields)
        if (s.*f.member) j.add(f.key, *(s.*f.member));
    for (const auto& f : byte_count_fields)
        if (s.*f.member) j.add(f.key, *(s.*f.member));
    auto real = [&](const char* key, const std::optional<double>& v) {
        if (v) j.add(key, *v);
    };
    real("data_transfer_time_s", s.data_transfer_time_s);
    real("network_rate_bytes_per_s", s.network_rate_bytes_per_s);
    real("aggregate_rate_bytes_per_s", s.aggregate_rate_bytes_per_s);
    real("compressed_percent", s.compressed_percent);
    real("deduplication_reduction_percent", s.deduplication_reduction_percent);
    real("data_reduction_percent", s.data_reduction_percent);
    real("subfile_reduced_percent", s.subfile_reduced_percent);
    if (s.elapsed_s) j.add("elapsed_s", seconds(s.elapsed_s));
    if (s.encryption_type) j.add("encryption_type", *s.encryption_type);
    j.add("other", Json(s.other));
    // Each typed field appears at most once in a summary, so its key is new to `raw`.
    Json::object_t raw;
    for (const auto& [key, value] : s.raw()) raw.emplace(key, value);
    j.add("raw", Json(std::move(raw)));
    j.add("line", s.line);
    if (!s.timestamp.empty()) j.add("timestamp", s.timestamp);
    return j.done();
}

namespace {

Json row_json(const std::string& kind, const TableRow& r) {
    Json j = Json::object();
    const bool session = kind == "query_session";
    if (!session) {
        if (kind == "query_filespace") {
            j["index"] = opt(r.index);
            j["last_incr_date"] = str_or_null(r.date);
            j["last_incr_date_raw"] = r.date_raw;
            j["fs_type"] = str_or_null(r.fs_type);
        } else {
            j["size_bytes"] = opt(r.size_bytes);
            j["size_raw"] = r.size_raw;
            if (kind == "query_image") {
                j["index"] = opt(r.index);
                j["stored_size_bytes"] = opt(r.stored_size_bytes);
                j["stored_size_raw"] = r.stored_size_raw;
                j["fs_type"] = str_or_null(r.fs_type);
            }
            const char* date_key = kind == "query_archive" ? "archive_date" : "backup_date";
            j[date_key] = str_or_null(r.date);
            j[std::string(date_key) + "_raw"] = r.date_raw;
            if (kind == "query_archive") {
                j["expires"] = str_or_null(r.expires);
                j["description"] = r.description;
            } else {
                j["mgmt_class"] = str_or_null(r.mgmt_class);
                j["active"] = opt(r.active);
            }
        }
        j["name"] = r.name;
    }
    for (const auto& [key, value] : r.fields) j[key] = value;
    j["line"] = r.line;
    return j;
}

}  // namespace

Json to_json(const Table& t, const TableRow& row) { return row_json(t.kind, row); }

Json to_json(const Table& t) {
    Json rows = array_of(t.rows.size());
    for (const auto& r : t.rows) rows.push_back(row_json(t.kind, r));
    return Object().add("kind", t.kind).add("line", t.line).add("rows", std::move(rows)).done();
}

Json to_json(const Report& r) {
    Json sessions = array_of(r.sessions.size()), messages = array_of(r.messages.size()),
         summaries = array_of(r.summaries.size()), tables = array_of(r.tables.size());
    for (const auto& s : r.sessions) sessions.push_back(to_json(s));
    for (const auto& m : r.messages) messages.push_back(to_json(m));
    for (const auto& s : r.summaries) summaries.push_back(to_json(s));
    for (const auto& t : r.tables) tables.push_back(to_json(t));
    return Object()
        .add("sessions", std::move(sessions))
        .add("messages", std::move(messages))
        .add("summaries", std::move(summaries))
        .add("tables", std::move(tables))
        .add("return_code", opt(r.return_code))
        .add("highest_severity", r.highest_severity ? Json(std::string(to_string(*r.highest_severity))) : Json(nullptr))
        .add("verdict", r.verdict)
        .add("lines", r.lines)
        .done();
}

}  // namespace opskit::dsmc
