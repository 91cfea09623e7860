// A row's members in key order without sorting them per row: the fixed members of each
// table kind are listed here already sorted, and only the row's `fields` (none in most
// rows) are sorted and merged in. Sorting every row's members with std::stable_sort, which
// allocates its buffer on each call, was about a tenth of `bkctl -o json parse`.
#include "dsmc/row_members.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <span>
#include <type_traits>

namespace opskit::dsmc::detail {
namespace {

/// Where a fixed member's value is in a TableRow.
enum class Column {
    size_bytes, size_raw, stored_size_bytes, stored_size_raw, index, date, date_raw, fs_type, mgmt_class, active,
    expires, description, name, line
};

struct Fixed {
    std::string_view key;
    Column column;
};

// The members row_json (json.cpp) sets for each kind, sorted by key.
constexpr Fixed kBackup[] = {
    {"active", Column::active},         {"backup_date", Column::date}, {"backup_date_raw", Column::date_raw},
    {"line", Column::line},             {"mgmt_class", Column::mgmt_class}, {"name", Column::name},
    {"size_bytes", Column::size_bytes}, {"size_raw", Column::size_raw},
};
constexpr Fixed kImage[] = {
    {"active", Column::active},
    {"backup_date", Column::date},
    {"backup_date_raw", Column::date_raw},
    {"fs_type", Column::fs_type},
    {"index", Column::index},
    {"line", Column::line},
    {"mgmt_class", Column::mgmt_class},
    {"name", Column::name},
    {"size_bytes", Column::size_bytes},
    {"size_raw", Column::size_raw},
    {"stored_size_bytes", Column::stored_size_bytes},
    {"stored_size_raw", Column::stored_size_raw},
};
constexpr Fixed kArchive[] = {
    {"archive_date", Column::date}, {"archive_date_raw", Column::date_raw}, {"description", Column::description},
    {"expires", Column::expires},   {"line", Column::line},                 {"name", Column::name},
    {"size_bytes", Column::size_bytes}, {"size_raw", Column::size_raw},
};
constexpr Fixed kFilespace[] = {
    {"fs_type", Column::fs_type}, {"index", Column::index}, {"last_incr_date", Column::date},
    {"last_incr_date_raw", Column::date_raw}, {"line", Column::line}, {"name", Column::name},
};
constexpr Fixed kSession[] = {{"line", Column::line}};

constexpr bool sorted(std::span<const Fixed> f) {
    return std::is_sorted(f.begin(), f.end(), [](const Fixed& a, const Fixed& b) { return a.key < b.key; });
}
static_assert(sorted(kBackup) && sorted(kImage) && sorted(kArchive) && sorted(kFilespace) && sorted(kSession));

std::span<const Fixed> fixed_members(std::string_view kind) {
    if (kind == "query_session") return kSession;
    if (kind == "query_filespace") return kFilespace;
    if (kind == "query_image") return kImage;
    if (kind == "query_archive") return kArchive;
    return kBackup;
}

RowMember text(std::string_view s) {
    RowMember m;
    m.type = RowMember::string;
    m.s = s;
    return m;
}

/// Empty text is absent: null.
RowMember text_or_null(std::string_view s) { return s.empty() ? RowMember{} : text(s); }

template <typename T>
RowMember number(const std::optional<T>& v) {
    RowMember m;
    if (!v) return m;
    if constexpr (std::is_signed_v<T>) m.type = RowMember::i64, m.i = *v;
    else m.type = RowMember::u64, m.u = *v;
    return m;
}

RowMember value(const TableRow& r, Column c) {
    switch (c) {
    case Column::size_bytes: return number(r.size_bytes);
    case Column::size_raw: return text(r.size_raw);
    case Column::stored_size_bytes: return number(r.stored_size_bytes);
    case Column::stored_size_raw: return text(r.stored_size_raw);
    case Column::index: return number(r.index);
    case Column::date: return text_or_null(r.date);
    case Column::date_raw: return text(r.date_raw);
    case Column::fs_type: return text_or_null(r.fs_type);
    case Column::mgmt_class: return text_or_null(r.mgmt_class);
    case Column::active: {
        RowMember m;
        if (r.active) m.type = RowMember::boolean, m.b = *r.active;
        return m;
    }
    case Column::expires: return text_or_null(r.expires);
    case Column::description: return text(r.description);
    case Column::name: return text(r.name);
    case Column::line: return number(std::optional<std::int64_t>(r.line));
    }
    return {};
}

RowMember fixed(const TableRow& r, const Fixed& f) {
    RowMember m = value(r, f.column);
    m.key = f.key;
    return m;
}

}  // namespace

void row_members(const Table& t, const TableRow& r, std::vector<RowMember>& out) {
    out.clear();
    const std::span<const Fixed> fixed_keys = fixed_members(t.kind);
    if (r.fields.empty()) {
        for (const Fixed& f : fixed_keys) out.push_back(fixed(r, f));
        return;
    }
    // The fields by key, a later one first among equal keys: the index makes the order
    // total, so std::sort (which allocates nothing) keeps it stable.
    thread_local std::vector<std::size_t> order;
    order.resize(r.fields.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        const int c = r.fields[a].first.compare(r.fields[b].first);
        return c != 0 ? c < 0 : a > b;
    });
    auto f = fixed_keys.begin();
    for (std::size_t k = 0; k < order.size(); ++k) {
        const auto& [key, v] = r.fields[order[k]];
        if (k > 0 && key == r.fields[order[k - 1]].first) continue;  // an earlier field of the same name
        for (; f != fixed_keys.end() && f->key < key; ++f) out.push_back(fixed(r, *f));
        if (f != fixed_keys.end() && f->key == key) {
            if (f->column == Column::line) {  // no field replaces the row's line
                out.push_back(fixed(r, *f++));
                continue;
            }
            ++f;  // the field replaces the fixed member
        }
        RowMember m = text(v);
        m.key = key;
        m.schema = false;
        out.push_back(m);
    }
    for (; f != fixed_keys.end(); ++f) out.push_back(fixed(r, *f));
}

}  // namespace opskit::dsmc::detail
