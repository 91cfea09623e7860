// The human digest of a parsed dsmc output (`bkctl parse` without --output json): what an
// operator reads first (verdict, return code, failures), then sessions, messages, the
// summary figures in readable units and one line per table row.
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "opskit/core/units.hpp"
#include "opskit/dsmc/report.hpp"
#include "dsmc/view.hpp"
#include "summary_fields.hpp"

namespace opskit::dsmc {
namespace {

using detail::ViewLines;

/// The first line of a message's text, with ` ...` if more follow.
std::string_view first_line(std::string_view s, std::string& scratch) {
    const auto nl = s.find('\n');
    if (nl == std::string_view::npos) return s;
    scratch.assign(s.substr(0, nl)).append(" ...");
    return scratch;
}

using Scratch = char[64];

/// What snprintf wrote into `buf` (cut at its size, as the text it left there).
std::string_view written(const Scratch& buf, int n) {
    return {buf, static_cast<std::size_t>(std::clamp(n, 0, static_cast<int>(sizeof buf) - 1))};
}

/// `hh:mm:ss`, written into `buf`.
std::string_view hms(double seconds, Scratch& buf) {
    const auto total = static_cast<unsigned long long>(seconds < 0 ? 0 : seconds);
    return written(buf, std::snprintf(buf, sizeof buf, "%02llu:%02llu:%02llu", total / 3600, (total / 60) % 60, total % 60));
}

/// Two decimals and a unit, written into `buf`.
std::string_view fixed(double v, const char* unit, Scratch& buf) {
    return written(buf, std::snprintf(buf, sizeof buf, "%.2f%s", v, unit));
}

// The lines of a summary the view knows, each with how it shows its figure, sorted by key
// once: unknown labels (`other`, already sorted) are merged in per summary.
enum class Shown { count, size, seconds, rate, percent, hms, text };

struct SummaryLine {
    std::string_view key;
    Shown shown;
    std::optional<std::uint64_t> Summary::*count = nullptr;
    std::optional<double> Summary::*real = nullptr;
};

const std::vector<SummaryLine>& summary_lines() {
    static const std::vector<SummaryLine> lines = [] {
        std::vector<SummaryLine> l;
        for (const auto& f : object_count_fields) l.push_back({f.key, Shown::count, f.member});
        for (const auto& f : byte_count_fields) l.push_back({f.key, Shown::size, f.member});
        l.push_back({"data_transfer_time", Shown::seconds, nullptr, &Summary::data_transfer_time_s});
        l.push_back({"network_rate", Shown::rate, nullptr, &Summary::network_rate_bytes_per_s});
        l.push_back({"aggregate_rate", Shown::rate, nullptr, &Summary::aggregate_rate_bytes_per_s});
        l.push_back({"compressed", Shown::percent, nullptr, &Summary::compressed_percent});
        l.push_back({"deduplication_reduction", Shown::percent, nullptr, &Summary::deduplication_reduction_percent});
        l.push_back({"data_reduction", Shown::percent, nullptr, &Summary::data_reduction_percent});
        l.push_back({"subfile_reduced", Shown::percent, nullptr, &Summary::subfile_reduced_percent});
        l.push_back({"elapsed", Shown::hms, nullptr, &Summary::elapsed_s});
        l.push_back({"encryption_type", Shown::text});
        std::sort(l.begin(), l.end(), [](const SummaryLine& a, const SummaryLine& b) { return a.key < b.key; });
        return l;
    }();
    return lines;
}

bool present(const Summary& s, const SummaryLine& l) {
    if (l.count != nullptr) return (s.*l.count).has_value();
    if (l.real != nullptr) return (s.*l.real).has_value();
    return s.encryption_type.has_value();
}

void show(const Summary& s, const SummaryLine& l, ViewLines& out) {
    Scratch buf;
    switch (l.shown) {
    case Shown::count: out.count(l.key, *(s.*l.count)); break;
    case Shown::size: out.text(l.key, format_size(*(s.*l.count))); break;
    case Shown::seconds: out.text(l.key, fixed(*(s.*l.real), " s", buf)); break;
    case Shown::rate: out.text(l.key, format_size(static_cast<std::uint64_t>(*(s.*l.real))) + "/s"); break;
    case Shown::percent: out.text(l.key, fixed(*(s.*l.real), "%", buf)); break;
    case Shown::hms: out.text(l.key, hms(*(s.*l.real), buf)); break;
    case Shown::text: out.text(l.key, *s.encryption_type); break;
    }
}

/// Builds the object of one record for the whole-report view.
class JsonLines : public ViewLines {
public:
    void text(std::string_view key, std::string_view value) override { m_j[std::string(key)] = std::string(value); }
    void integer(std::string_view key, std::int64_t value) override { m_j[std::string(key)] = value; }
    void count(std::string_view key, std::uint64_t value) override { m_j[std::string(key)] = value; }
    void none(std::string_view key) override { m_j[std::string(key)] = nullptr; }
    Json take() { return std::move(m_j); }

private:
    Json m_j = Json::object();
};

}  // namespace

namespace detail {

void summary_view(const Summary& s, ViewLines& out) {
    auto other = s.other.begin();
    for (const SummaryLine& l : summary_lines()) {
        if (!present(s, l)) continue;
        for (; other != s.other.end() && other->first < l.key; ++other) out.text(other->first, other->second);
        if (other != s.other.end() && other->first == l.key) continue;  // an unknown label of that name replaces it
        show(s, l, out);
    }
    for (; other != s.other.end(); ++other) out.text(other->first, other->second);
}

void row_view(const Table& t, const TableRow& r, std::string& out) {
    const std::size_t start = out.size();
    auto add = [&](std::string_view part) {
        if (part.empty()) return;
        if (out.size() > start) out += "  ";
        out += part;
    };
    if (t.kind == "query_session") {
        for (const auto& [k, v] : r.fields) {
            if (out.size() > start) out += "  ";
            out.append(k).append("=").append(v);
        }
        return;
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
}

void session_view(const Session& s, ViewLines& out) {
    if (!s.client_version.empty()) out.text("client_version", s.client_version);
    if (s.node_name.empty()) out.none("node");
    else out.text("node", s.node_name);
    if (s.server_name.empty()) out.none("server");
    else if (s.server_platform.empty()) out.text("server", s.server_name);
    else out.text("server", s.server_name + " (" + s.server_platform + ")");
    if (!s.server_version.empty()) out.text("server_version", s.server_version);
}

void message_view(const Message& m, ViewLines& out) {
    std::string scratch;
    out.text("code", m.code);
    out.integer("line", m.line);
    out.text("severity", to_string(m.severity));
    out.text("text", first_line(m.text, scratch));
}

}  // namespace detail

using namespace detail;

Json to_table_view(const Report& r) {
    Json j = Json::object();
    j["verdict"] = r.verdict;
    j["return_code"] = r.return_code ? Json(*r.return_code) : Json(nullptr);
    j["highest_severity"] = r.highest_severity ? Json(std::string(to_string(*r.highest_severity))) : Json(nullptr);
    auto records = [](const auto& items, auto view) {
        Json a = Json::array();
        for (const auto& item : items) {
            JsonLines lines;
            view(item, lines);
            a.push_back(lines.take());
        }
        return a;
    };
    j["sessions"] = records(r.sessions, [](const Session& s, ViewLines& out) { session_view(s, out); });
    j["messages"] = records(r.messages, [](const Message& m, ViewLines& out) { message_view(m, out); });
    j["summaries"] = records(r.summaries, [](const Summary& s, ViewLines& out) { summary_view(s, out); });
    Json tables = Json::array();
    for (const auto& t : r.tables) {
        Json rows = Json::array();
        for (const auto& row : t.rows) {
            std::string line;
            row_view(t, row, line);
            rows.push_back(std::move(line));
        }
        tables.push_back(Json{{"kind", t.kind}, {"rows", std::move(rows)}});
    }
    j["tables"] = std::move(tables);
    return j;
}

}  // namespace opskit::dsmc
