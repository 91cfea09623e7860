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

}  // namespace

Json to_json(const Session& s) {
    return Json{{"node_name", str_or_null(s.node_name)},
                {"server_name", str_or_null(s.server_name)},
                {"server_platform", str_or_null(s.server_platform)},
                {"server_version", str_or_null(s.server_version)},
                {"client_version", str_or_null(s.client_version)},
                {"client_datetime", str_or_null(s.client_datetime)},
                {"server_datetime", str_or_null(s.server_datetime)},
                {"last_access", str_or_null(s.last_access)},
                {"accessing_as_node", str_or_null(s.accessing_as_node)},
                {"line", s.line}};
}

Json to_json(const Message& m) {
    Json j{{"code", m.code},
           {"prefix", m.prefix},
           {"number", m.number},
           {"severity", std::string(to_string(m.severity))},
           {"text", m.text},
           {"line", m.line}};
    if (!m.raw_code.empty()) j["raw_code"] = m.raw_code;
    if (!m.timestamp.empty()) j["timestamp"] = m.timestamp;
    return j;
}

Json to_json(const Summary& s) {
    Json j = Json::object();
    for (const auto& f : object_count_fields)
        if (s.*f.member) j[f.key] = *(s.*f.member);
    for (const auto& f : byte_count_fields)
        if (s.*f.member) j[f.key] = *(s.*f.member);
    auto real = [&](const char* key, const std::optional<double>& v) {
        if (v) j[key] = *v;
    };
    real("data_transfer_time_s", s.data_transfer_time_s);
    real("network_rate_bytes_per_s", s.network_rate_bytes_per_s);
    real("aggregate_rate_bytes_per_s", s.aggregate_rate_bytes_per_s);
    real("compressed_percent", s.compressed_percent);
    real("deduplication_reduction_percent", s.deduplication_reduction_percent);
    real("data_reduction_percent", s.data_reduction_percent);
    real("subfile_reduced_percent", s.subfile_reduced_percent);
    if (s.elapsed_s) j["elapsed_s"] = seconds(s.elapsed_s);
    if (s.encryption_type) j["encryption_type"] = *s.encryption_type;
    j["other"] = Json(s.other);
    Json raw = Json::object();
    for (const auto& [key, value] : s.raw()) raw[std::string(key)] = std::string(value);
    j["raw"] = std::move(raw);
    j["line"] = s.line;
    if (!s.timestamp.empty()) j["timestamp"] = s.timestamp;
    return j;
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

Json to_json(const Table& t) {
    Json rows = Json::array();
    for (const auto& r : t.rows) rows.push_back(row_json(t.kind, r));
    return Json{{"kind", t.kind}, {"line", t.line}, {"rows", std::move(rows)}};
}

Json to_json(const Report& r) {
    Json sessions = Json::array(), messages = Json::array(), summaries = Json::array(), tables = Json::array();
    for (const auto& s : r.sessions) sessions.push_back(to_json(s));
    for (const auto& m : r.messages) messages.push_back(to_json(m));
    for (const auto& s : r.summaries) summaries.push_back(to_json(s));
    for (const auto& t : r.tables) tables.push_back(to_json(t));
    Json j{{"sessions", std::move(sessions)},
           {"messages", std::move(messages)},
           {"summaries", std::move(summaries)},
           {"tables", std::move(tables)},
           {"return_code", opt(r.return_code)},
           {"highest_severity", r.highest_severity ? Json(std::string(to_string(*r.highest_severity))) : Json(nullptr)},
           {"verdict", r.verdict},
           {"lines", r.lines}};
    return j;
}

}  // namespace opskit::dsmc
