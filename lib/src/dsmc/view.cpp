// The human digest of a parsed dsmc output (`bkctl parse` without --output json): what an
// operator reads first (verdict, return code, failures), then sessions, messages, the
// summary figures in readable units and one line per table row.
#include <cstdio>
#include <string>

#include "opskit/core/units.hpp"
#include "opskit/dsmc/report.hpp"
#include "dsmc/view.hpp"
#include "summary_fields.hpp"

namespace opskit::dsmc {
namespace {

std::string first_line(const std::string& s) {
    const auto nl = s.find('\n');
    return nl == std::string::npos ? s : s.substr(0, nl) + " ...";
}

std::string hms(double seconds) {
    const auto total = static_cast<unsigned long long>(seconds < 0 ? 0 : seconds);
    char buf[48];
    std::snprintf(buf, sizeof buf, "%02llu:%02llu:%02llu", total / 3600, (total / 60) % 60, total % 60);
    return buf;
}

std::string fixed(double v, const char* unit) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.2f%s", v, unit);
    return buf;
}

}  // namespace

namespace detail {

Json summary_view(const Summary& s) {
    Json j = Json::object();
    for (const auto& f : object_count_fields)
        if (s.*f.member) j[f.key] = *(s.*f.member);
    for (const auto& f : byte_count_fields)
        if (s.*f.member) j[f.key] = format_size(*(s.*f.member));
    if (s.data_transfer_time_s) j["data_transfer_time"] = fixed(*s.data_transfer_time_s, " s");
    if (s.network_rate_bytes_per_s) j["network_rate"] = format_size(static_cast<std::uint64_t>(*s.network_rate_bytes_per_s)) + "/s";
    if (s.aggregate_rate_bytes_per_s)
        j["aggregate_rate"] = format_size(static_cast<std::uint64_t>(*s.aggregate_rate_bytes_per_s)) + "/s";
    if (s.compressed_percent) j["compressed"] = fixed(*s.compressed_percent, "%");
    if (s.deduplication_reduction_percent) j["deduplication_reduction"] = fixed(*s.deduplication_reduction_percent, "%");
    if (s.data_reduction_percent) j["data_reduction"] = fixed(*s.data_reduction_percent, "%");
    if (s.subfile_reduced_percent) j["subfile_reduced"] = fixed(*s.subfile_reduced_percent, "%");
    if (s.elapsed_s) j["elapsed"] = hms(*s.elapsed_s);
    if (s.encryption_type) j["encryption_type"] = *s.encryption_type;
    for (const auto& [label, value] : s.other) j[label] = value;
    return j;
}

std::string row_view(const Table& t, const TableRow& r) {
    std::string out;
    auto add = [&](const std::string& part) {
        if (part.empty()) return;
        if (!out.empty()) out += "  ";
        out += part;
    };
    if (t.kind == "query_session") {
        for (const auto& [k, v] : r.fields) add(k + "=" + v);
        return out;
    }
    if (r.index) add("#" + std::to_string(*r.index));
    if (r.size_bytes) add(format_size(*r.size_bytes));
    add(r.date.empty() ? r.date_raw : r.date);
    add(r.fs_type);
    add(r.mgmt_class);
    if (r.active) add(*r.active ? "A" : "I");
    add(r.name);
    if (!r.expires.empty()) add("expires " + r.expires);
    add(r.description);
    return out;
}

Json session_view(const Session& s) {
    Json one = Json::object();
    one["node"] = s.node_name.empty() ? Json(nullptr) : Json(s.node_name);
    one["server"] = s.server_name.empty() ? Json(nullptr) : Json(s.server_name + (s.server_platform.empty() ? "" : " (" + s.server_platform + ")"));
    if (!s.server_version.empty()) one["server_version"] = s.server_version;
    if (!s.client_version.empty()) one["client_version"] = s.client_version;
    return one;
}

Json message_view(const Message& m) {
    return Json{{"line", m.line}, {"code", m.code}, {"severity", std::string(to_string(m.severity))}, {"text", first_line(m.text)}};
}

}  // namespace detail

using namespace detail;

Json to_table_view(const Report& r) {
    Json j = Json::object();
    j["verdict"] = r.verdict;
    j["return_code"] = r.return_code ? Json(*r.return_code) : Json(nullptr);
    j["highest_severity"] = r.highest_severity ? Json(std::string(to_string(*r.highest_severity))) : Json(nullptr);
    Json sessions = Json::array();
    for (const auto& s : r.sessions) sessions.push_back(session_view(s));
    j["sessions"] = std::move(sessions);
    Json messages = Json::array();
    for (const auto& m : r.messages) messages.push_back(message_view(m));
    j["messages"] = std::move(messages);
    Json summaries = Json::array();
    for (const auto& s : r.summaries) summaries.push_back(summary_view(s));
    j["summaries"] = std::move(summaries);
    Json tables = Json::array();
    for (const auto& t : r.tables) {
        Json rows = Json::array();
        for (const auto& row : t.rows) rows.push_back(row_view(t, row));
        tables.push_back(Json{{"kind", t.kind}, {"rows", std::move(rows)}});
    }
    j["tables"] = std::move(tables);
    return j;
}

}  // namespace opskit::dsmc
