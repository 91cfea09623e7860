// RapidJSON record writers for the streaming `bkctl parse` output (see json_stream.hpp). The
// summary and row objects have keys that vary per record: a summary's are walked in an
// order sorted once, a row's come sorted from row_members, so the output order matches the
// whole-report document's.
#include "dsmc/json_stream.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <vector>

#include "core/byte_words.hpp"
#include "dsmc/labels.hpp"
#include "dsmc/row_members.hpp"
#include "dsmc/yaml_writer.hpp"
#include "summary_fields.hpp"

namespace opskit::dsmc::detail {
namespace {

// The YAML writer gets text as it is: its own rules quote it and decide what becomes of
// invalid UTF-8 (the escape \uFFFD, where JSON has the character).
template <typename W>
constexpr bool kYaml = std::is_same_v<W, YamlWriter>;

/// Appends `s` to `out` with every invalid UTF-8 sequence replaced by U+FFFD.
void clean_utf8(std::string_view s, std::string& out) {
    out.clear();
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        std::size_t n = 0;
        if (c < 0x80) n = 1;
        else if (c >= 0xC2 && c <= 0xDF) n = 2;
        else if (c >= 0xE0 && c <= 0xEF) n = 3;
        else if (c >= 0xF0 && c <= 0xF4) n = 4;
        bool ok = n > 0 && i + n <= s.size();
        for (std::size_t k = 1; ok && k < n; ++k) ok = (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
        if (ok && n == 3) {
            const auto c1 = static_cast<unsigned char>(s[i + 1]);
            ok = !(c == 0xE0 && c1 < 0xA0) && !(c == 0xED && c1 >= 0xA0);  // overlong, surrogate
        }
        if (ok && n == 4) {
            const auto c1 = static_cast<unsigned char>(s[i + 1]);
            ok = !(c == 0xF0 && c1 < 0x90) && !(c == 0xF4 && c1 >= 0x90);
        }
        if (ok) {
            out.append(s.data() + i, n);
            i += n;
        } else {
            out.append("\xEF\xBF\xBD");
            ++i;
        }
    }
}

// Eight bytes at a time (every string written is checked): a byte >= 0x80 has its top bit set.
bool is_ascii(std::string_view s) noexcept {
    std::size_t i = 0;
    std::uint64_t seen = 0;
    for (; i + 8 <= s.size(); i += 8) seen |= opskit::detail::words::load(s.data() + i);
    // The last bytes as one word (reading some bytes twice changes nothing).
    if (i < s.size()) {
        if (s.size() >= 8) seen |= opskit::detail::words::load(s.data() + s.size() - 8);
        else if (s.size() >= 4) seen |= opskit::detail::words::load_4_to_8(s.data(), s.size());
        else for (; i < s.size(); ++i) seen |= static_cast<unsigned char>(s[i]);
    }
    return opskit::detail::words::any_high(seen) == 0;
}

template <typename W>
void str_or_null(W& w, const std::string& s) {
    if (s.empty()) w.Null();
    else write_string(w, s);
}

// Only for the schema's own key names (static text of lower-case letters, digits and '_',
// never anything that JSON escapes or YAML quotes): the JSON writer copies them without a
// scan, the YAML writer remembers by address which keys its rules found plain. Keys taken
// from the input (unknown summary labels, row fields) go through write_string.
template <typename W>
void key(W& w, std::string_view k) {
    w.SchemaKey(k);
}

template <typename W>
void begin(W& w, const char* kind) {
    w.StartObject();
    if (kind != nullptr) {
        key(w, "kind");
        w.String(kind);
    }
}

// A summary's possible keys, sorted once; each names how its value is found.
enum class SummaryPart { count, real, elapsed, encryption, other, raw, line, timestamp };
struct SummaryKey {
    std::string_view key;
    SummaryPart part;
    std::optional<std::uint64_t> Summary::*count = nullptr;
    std::optional<double> Summary::*real = nullptr;
};

const std::vector<SummaryKey>& summary_keys() {
    static const std::vector<SummaryKey> keys = [] {
        std::vector<SummaryKey> k;
        for (const auto& f : object_count_fields) k.push_back({f.key, SummaryPart::count, f.member});
        for (const auto& f : byte_count_fields) k.push_back({f.key, SummaryPart::count, f.member});
        const std::pair<const char*, std::optional<double> Summary::*> reals[] = {
            {"data_transfer_time_s", &Summary::data_transfer_time_s},
            {"network_rate_bytes_per_s", &Summary::network_rate_bytes_per_s},
            {"aggregate_rate_bytes_per_s", &Summary::aggregate_rate_bytes_per_s},
            {"compressed_percent", &Summary::compressed_percent},
            {"deduplication_reduction_percent", &Summary::deduplication_reduction_percent},
            {"data_reduction_percent", &Summary::data_reduction_percent},
            {"subfile_reduced_percent", &Summary::subfile_reduced_percent},
        };
        for (const auto& [name, member] : reals) k.push_back({name, SummaryPart::real, nullptr, member});
        k.push_back({"elapsed_s", SummaryPart::elapsed});
        k.push_back({"encryption_type", SummaryPart::encryption});
        k.push_back({"other", SummaryPart::other});
        k.push_back({"raw", SummaryPart::raw});
        k.push_back({"line", SummaryPart::line});
        k.push_back({"timestamp", SummaryPart::timestamp});
        std::sort(k.begin(), k.end(), [](const SummaryKey& a, const SummaryKey& b) { return a.key < b.key; });
        return k;
    }();
    return keys;
}

/// The place of each catalogue label's JSON key among the distinct keys in sorted order,
/// by label id: labels that share a key share a rank.
const std::array<std::uint8_t, kLabelCount>& key_ranks() {
    static const auto ranks = [] {
        std::vector<std::string_view> keys;
        for (int id = 0; id < kLabelCount; ++id) keys.push_back(label_at(id).key);
        std::sort(keys.begin(), keys.end());
        keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
        std::array<std::uint8_t, kLabelCount> r{};
        for (int id = 0; id < kLabelCount; ++id)
            r[static_cast<std::size_t>(id)] = static_cast<std::uint8_t>(
                std::lower_bound(keys.begin(), keys.end(), label_at(id).key) - keys.begin());
        return r;
    }();
    static_assert(kLabelCount <= 64, "a summary's keys are a 64-bit set by rank");
    return ranks;
}

}  // namespace

template <typename W>
void write_string(W& w, std::string_view s) {
    if constexpr (kYaml<W>) {
        w.String(s);
    } else if (is_ascii(s)) {
        w.String(s);
    } else {
        thread_local std::string clean;
        clean_utf8(s, clean);
        w.String(clean);
    }
}

template <typename W>
void write_severity(W& w, const std::optional<Severity>& s) {
    if (!s) w.Null();
    else write_string(w, to_string(*s));
}

template <typename W>
void write_return_code(W& w, const std::optional<int>& rc) {
    if (!rc) w.Null();
    else w.Int(*rc);
}

template <typename W>
void write_session(W& w, const Session& s, const char* kind) {
    begin(w, kind);
    key(w, "accessing_as_node"), str_or_null(w, s.accessing_as_node);
    key(w, "client_datetime"), str_or_null(w, s.client_datetime);
    key(w, "client_version"), str_or_null(w, s.client_version);
    key(w, "last_access"), str_or_null(w, s.last_access);
    key(w, "line"), w.Int(s.line);
    key(w, "node_name"), str_or_null(w, s.node_name);
    key(w, "server_datetime"), str_or_null(w, s.server_datetime);
    key(w, "server_name"), str_or_null(w, s.server_name);
    key(w, "server_platform"), str_or_null(w, s.server_platform);
    key(w, "server_version"), str_or_null(w, s.server_version);
    w.EndObject();
}

template <typename W>
void write_message(W& w, const Message& m, const char* kind) {
    begin(w, kind);
    key(w, "code"), write_string(w, m.code);
    key(w, "line"), w.Int(m.line);
    key(w, "number"), w.Int(m.number);
    key(w, "prefix"), write_string(w, m.prefix);
    if (!m.raw_code.empty()) key(w, "raw_code"), write_string(w, m.raw_code);
    key(w, "severity"), write_string(w, to_string(m.severity));
    key(w, "text"), write_string(w, m.text);
    if (!m.timestamp.empty()) key(w, "timestamp"), write_string(w, m.timestamp);
    w.EndObject();
}

template <typename W>
void write_summary(W& w, const Summary& s, const char* kind) {
    begin(w, kind);
    for (const SummaryKey& k : summary_keys()) {
        switch (k.part) {
        case SummaryPart::count:
            if (s.*k.count) key(w, k.key), w.Uint64(*(s.*k.count));
            break;
        case SummaryPart::real:
            if (s.*k.real) key(w, k.key), w.Double(*(s.*k.real));
            break;
        case SummaryPart::elapsed:
            if (s.elapsed_s) {
                key(w, k.key);
                double whole = 0;
                const double v = *s.elapsed_s;
                if (std::modf(v, &whole) == 0.0 && whole >= 0 && whole < 9e15) w.Uint64(static_cast<std::uint64_t>(whole));
                else w.Double(v);
            }
            break;
        case SummaryPart::encryption:
            if (s.encryption_type) key(w, k.key), write_string(w, *s.encryption_type);
            break;
        case SummaryPart::other:
            key(w, k.key);
            w.StartObject();
            for (const auto& [label, value] : s.other) write_string(w, label), write_string(w, value);
            w.EndObject();
            break;
        case SummaryPart::raw: {
            key(w, k.key);
            // In key order: a set bit per key's rank, not a sort (a sort of (key, value)
            // string pairs per summary was 4% of json). A key is printed once per summary
            // (the parser opens a new one when a label comes again, and no two labels share
            // a key); were one repeated, the first would stand, as in to_json's map.
            const auto& rank = key_ranks();
            std::uint64_t present = 0;
            std::array<std::uint8_t, 64> span{};  // by rank
            for (std::size_t i = 0; i < s.raw_count && i < s.raw_spans.size(); ++i) {
                const std::uint8_t r = rank[s.raw_spans[i].field];
                const std::uint64_t bit = std::uint64_t{1} << r;
                if ((present & bit) == 0) span[r] = static_cast<std::uint8_t>(i);
                present |= bit;
            }
            w.StartObject();
            for (; present != 0; present &= present - 1) {
                const Summary::RawSpan& at = s.raw_spans[span[static_cast<std::size_t>(std::countr_zero(present))]];
                key(w, label_at(at.field).key), write_string(w, std::string_view(s.raw_text).substr(at.offset, at.length));
            }
            w.EndObject();
            break;
        }
        case SummaryPart::line: key(w, k.key), w.Int(s.line); break;
        case SummaryPart::timestamp:
            if (!s.timestamp.empty()) key(w, k.key), write_string(w, s.timestamp);
            break;
        }
    }
    w.EndObject();
}

template <typename W>
void write_row(W& w, const Table& t, const TableRow& r, const char* kind) {
    thread_local std::vector<RowMember> members;
    row_members(t, r, members);
    begin(w, kind);
    if (kind != nullptr) {
        key(w, "table"), write_string(w, t.kind);
        key(w, "table_line"), w.Int(t.line);
    }
    for (const RowMember& m : members) {
        if (m.schema) {
            key(w, m.key);
        } else {
            if (kind != nullptr && (m.key == "kind" || m.key == "table" || m.key == "table_line")) continue;
            write_string(w, m.key);
        }
        switch (m.type) {
        case RowMember::null: w.Null(); break;
        case RowMember::string: write_string(w, m.s); break;
        case RowMember::u64: w.Uint64(m.u); break;
        case RowMember::i64: w.Int64(m.i); break;
        case RowMember::boolean: w.Bool(m.b); break;
        }
    }
    w.EndObject();
}

template <typename W>
void write_table_head(W& w, const Table& t, const char* kind) {
    begin(w, kind);
    if (kind != nullptr) {
        key(w, "table"), write_string(w, t.kind);
        key(w, "line"), w.Int(t.line);
        w.EndObject();
        return;
    }
    key(w, "kind"), write_string(w, t.kind);
    key(w, "line"), w.Int(t.line);
    key(w, "rows");
    w.StartArray();
}

#define OPSKIT_DSMC_INSTANTIATE(W)                                                    \
    template void write_session(W&, const Session&, const char*);                    \
    template void write_message(W&, const Message&, const char*);                    \
    template void write_summary(W&, const Summary&, const char*);                    \
    template void write_row(W&, const Table&, const TableRow&, const char*);         \
    template void write_table_head(W&, const Table&, const char*);                   \
    template void write_severity(W&, const std::optional<Severity>&);                \
    template void write_return_code(W&, const std::optional<int>&);                  \
    template void write_string(W&, std::string_view);
OPSKIT_DSMC_INSTANTIATE(CompactWriter)
OPSKIT_DSMC_INSTANTIATE(PrettyWriter)
OPSKIT_DSMC_INSTANTIATE(YamlWriter)
#undef OPSKIT_DSMC_INSTANTIATE

}  // namespace opskit::dsmc::detail
