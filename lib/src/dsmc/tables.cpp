// Query table parsing (see tables.hpp). Rows are read by shape, not by column offsets:
// sizes (number and unit) before the date, the date and time, then the columns that follow
// it per kind, the rest of the line being the name. Layouts of 4.2, 6.x and 8.x all fit.
#include "dsmc/tables.hpp"

#include <array>
#include <cstring>

#include "dsmc/dates.hpp"
#include "dsmc/numbers.hpp"
#include "dsmc/text.hpp"

namespace opskit::dsmc::detail {
namespace {

/// Whether `needle` is in `s`: find_text, inline, since string_view::find paid a memchr call
/// per candidate first byte on every line a header test looks at.
bool contains(std::string_view s, std::string_view needle) noexcept { return find_text(s, needle) != std::string_view::npos; }

/// A number with an optional unit (attached or as the next token) taken from `rest`.
/// No initialisers: a row keeps four of these on the stack and read_quantity sets every field
/// of one it reads, so zeroing them all cost more than the reading.
struct Quantity {
    std::string_view raw;
    std::optional<std::uint64_t> bytes;
    bool has_unit;
    bool integral;
    std::uint64_t value;
};

/// The quantity whose number is token `i` of `toks` (`n` of them), its unit attached or the
/// next token; `i` is moved past what it used.
bool read_quantity(const std::string_view* toks, std::size_t n, std::size_t& i, Quantity& q) {
    const std::string_view tok = toks[i];
    if (!is_digit(tok[0])) return false;
    std::size_t used = 0;
    auto d = read_decimal(tok, used);
    if (!d) return false;
    std::string_view unit = tok.substr(used);
    std::string_view last = tok;  // the token the quantity ends with
    int power = 0;
    if (unit.empty()) {
        if (i + 1 < n && (power = unit_power(toks[i + 1])) >= 0) {
            unit = last = toks[i + 1];
        } else {
            power = 0;
        }
    } else if ((power = unit_power(unit)) < 0) {
        return false;
    }
    q.raw = std::string_view(tok.data(), static_cast<std::size_t>(last.data() + last.size() - tok.data()));
    q.has_unit = !unit.empty();
    q.integral = d->frac_digits == 0;
    q.value = d->digits;
    // What parse_bytes(q.raw) reads: the same number (a unit token never starts with a
    // digit, so the number cannot run on into it) and the same unit, without reading them again.
    q.bytes = bytes_of(*d, power);
    i = last == tok ? i + 1 : i + 2;
    return true;
}

/// Whether `s` can start with a date: one to four digits and a `/`, `-` or `.`, as every date
/// read_date reads does. Most tokens of a row are sizes (`4,743`, `72,191`), which this turns
/// away before the date readers try each of their shapes.
bool may_start_date(std::string_view s) noexcept {
    std::size_t i = 0;
    while (i < s.size() && i < 4 && is_digit(s[i])) ++i;
    return i > 0 && i < s.size() && (s[i] == '/' || s[i] == '-' || s[i] == '.');
}

/// Room for the tokens before a row's date, left uninitialised (the union's constructor does
/// nothing): only the first npre are read, and zeroing all eight cost some thirty
/// instructions a row.
union Tokens {
    Tokens() noexcept {}
    std::string_view at[8];
};

/// A row split at its `date time`: the tokens before it (at most seven: the date is one of
/// the first eight tokens), kept so they are not split again, and what follows it.
struct RowSplit {
    Tokens pre;
    std::size_t npre = 0;
    std::string_view date_raw;
    Date date;
    TimeOfDay time;
    std::string_view after;
};

/// Finds `date time` in `body`, collecting the tokens before it.
bool split_at_datetime(std::string_view body, RowSplit& out) {
    std::string_view rest = body;
    for (int guard = 0; guard < 8; ++guard) {
        const std::string_view from = trim_left(rest);
        if (from.empty()) return false;
        std::size_t used = 0;
        if (is_digit(from[0]) && may_start_date(from) && read_datetime(from, used, out.date, out.time)) {
            out.date_raw = from.substr(0, used);
            out.after = from.substr(used);
            return true;
        }
        out.pre.at[out.npre++] = next_token(from, rest);
    }
    return false;
}

void set_active(std::string_view tok, TableRow& row) {
    if (tok == "A") row.active = true;
    else if (tok == "I") row.active = false;
}

// Strings of `row` are assigned in place, never built and moved in: the parser reuses its
// rows, and assignment keeps the capacity they grew to, so a row costs no allocation.
bool parse_sized_row(TableKind kind, std::string_view body, TableRow& row) {
    RowSplit split;
    if (!split_at_datetime(body, split)) return false;
    std::array<Quantity, 4> qs;
    std::size_t nq = 0;
    std::size_t t = 0;  // the next token of split.pre
    while (nq < qs.size() && t < split.npre) {
        if (!read_quantity(split.pre.at, split.npre, t, qs[nq])) {
            if (!row.fs_type.empty()) return false;  // two non-numeric columns: not a row
            set_text(row.fs_type, split.pre.at[t++]);
            continue;
        }
        ++nq;
    }
    if (t < split.npre || nq == 0) return false;
    std::size_t qi = 0;
    const bool image = kind == TableKind::query_image;
    // A leading unitless integer followed by more sizes is an index column.
    if (nq >= 2 && !qs[0].has_unit && qs[0].integral && (image ? nq == 3 : true)) {
        row.index = static_cast<int>(qs[0].value > 1000000000 ? 0 : qs[0].value);
        qi = 1;
    }
    set_text(row.size_raw, qs[qi].raw);
    row.size_bytes = qs[qi].bytes;
    if (image && qi + 1 < nq) {
        set_text(row.stored_size_raw, qs[qi + 1].raw);
        row.stored_size_bytes = qs[qi + 1].bytes;
    }
    assign_iso(row.date, split.date, split.time);
    set_text(row.date_raw, split.date_raw);
    const std::string_view after = split.after;
    std::string_view r;
    if (kind == TableKind::query_archive) {
        set_text(row.name, next_token(after, r));
        std::string_view r2;
        const std::string_view exp = next_token(r, r2);
        if (iequals(exp, "never")) {
            row.expires = "never";
            r = r2;
        } else if (!exp.empty() && is_digit(exp[0]) && assign_to_iso(row.expires, exp)) {
            r = r2;
        }
        // Trailing `RetInit:STARTED  ObjHeld:NO` columns of 8.x.
        std::string_view desc = trim(r);
        for (int guard = 0; guard < 4; ++guard) {
            const auto sp = find_last_blank(desc);
            const std::string_view last = sp == std::string_view::npos ? desc : desc.substr(sp + 1);
            const auto colon = find_char(last, ':');
            if (colon == std::string_view::npos || colon == 0 || colon + 1 == last.size()) break;
            const std::string_view key = last.substr(0, colon);
            if (key != "RetInit" && key != "ObjHeld") break;
            row.fields.emplace_back(key == "RetInit" ? "retention_initiation" : "object_held",
                                    std::string(last.substr(colon + 1)));
            desc = sp == std::string_view::npos ? std::string_view{} : trim_right(desc.substr(0, sp));
        }
        set_text(row.description, desc);
        return !row.name.empty();
    }
    const std::string_view mgmt = next_token(after, r);
    std::string_view r2;
    const std::string_view ai = next_token(r, r2);
    set_text(row.mgmt_class, mgmt);
    if (ai == "A" || ai == "I") {
        set_active(ai, row);
        set_text(row.name, trim(r2));
    } else {
        set_text(row.name, trim(r));
    }
    return !row.name.empty();
}

bool parse_filespace_row(std::string_view body, TableRow& row) {
    std::string_view rest;
    const std::string_view idx = next_token(body, rest);
    auto n = parse_count(idx);
    if (!n) return false;
    row.index = static_cast<int>(*n > 1000000000 ? 0 : *n);
    const std::string_view from = trim_left(rest);
    Date d;
    TimeOfDay t;
    std::size_t used = 0;
    if (read_datetime(from, used, d, t)) {
        assign_iso(row.date, d, t);
        set_text(row.date_raw, from.substr(0, used));
        rest = from.substr(used);
    } else {
        return false;
    }
    std::string_view r;
    set_text(row.fs_type, next_token(rest, r));
    set_text(row.name, trim(r));
    return !row.fs_type.empty();
}

/// Where the -detail segment starting at `i` ends: a TAB, two spaces, or the end of `body`.
/// Searched with find_space, eight bytes at a time: segments are dates and names of a dozen
/// bytes and more, and a test per byte was a third of the cost of a -detail line.
std::size_t segment_end(std::string_view body, std::size_t i) noexcept {
    for (std::size_t j = find_space(body, i); j < body.size(); j = find_space(body, j + 1))
        if (body[j] == '\t' || (body[j] == ' ' && j + 1 < body.size() && body[j + 1] == ' ')) return j;
    return body.size();
}

/// The bytes a detail key may hold: letters, digits, space, '-' and '_', as a table (one
/// load per byte; keys are tested for every -detail and dotted field).
inline constexpr auto kKeyBytes = [] {
    std::array<bool, 256> t{};
    for (int c = 0; c < 256; ++c) {
        const char b = static_cast<char>(c);
        t[static_cast<std::size_t>(c)] = is_alpha(b) || is_digit(b) || b == ' ' || b == '-' || b == '_';
    }
    return t;
}();

/// A detail key: letters, digits, spaces, '-', '_' only, 1..40 characters, a letter first.
bool plausible_key(std::string_view key) noexcept {
    if (key.empty() || key.size() > 40 || !is_alpha(key[0])) return false;
    for (char c : key)
        if (!kKeyBytes[static_cast<unsigned char>(c)]) return false;
    return true;
}

/// A -detail or dotted value, unquoted, in ISO 8601 when it is a date.
std::string field_value(std::string_view v) {
    v = trim(v);
    if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
    if (!v.empty() && is_digit(v[0])) {
        std::string iso_value = to_iso(v);
        if (!iso_value.empty()) return iso_value;
    }
    return std::string(v);
}

/// Appends the field `key` → `value` to `row`. The strings are made new (the row's fields
/// are new for each row, and constructing a string costs less than assigning to an empty one).
void add_field(TableRow& row, std::string_view key, std::string_view value) {
    row.fields.emplace_back(snake_case(key), field_value(value));
}

}  // namespace

std::string_view table_kind_name(TableKind kind) noexcept {
    switch (kind) {
        case TableKind::query_backup: return "query_backup";
        case TableKind::query_archive: return "query_archive";
        case TableKind::query_image: return "query_image";
        case TableKind::query_filespace: return "query_filespace";
        case TableKind::query_session: return "query_session";
        case TableKind::none: break;
    }
    return {};
}

// Flattened: each search inlined with its needle known, for every line whose first byte may
// start a header.
[[gnu::flatten]] TableKind table_kind_of_header_text(std::string_view body) noexcept {
    const char c = body[0];
    if (contains(body, "Image Size")) return TableKind::query_image;
    if (starts_with(body, "Size")) {
        if (contains(body, "Backup Date")) return TableKind::query_backup;
        if (contains(body, "Archive Date")) return TableKind::query_archive;
        return TableKind::none;
    }
    if (c == '#' && contains(body, "Last Incr Date")) return TableKind::query_filespace;
    if (c == '#' && contains(body, "Backup Date")) return TableKind::query_backup;
    return TableKind::none;
}

namespace {

/// 0x80 in each byte of `x` that is zero, else 0; exact per byte (no carry crosses bytes).
std::uint64_t zero_bytes(std::uint64_t x) noexcept {
    constexpr std::uint64_t kLow7 = 0x7F7F7F7F7F7F7F7FULL;
    return ~(((x & kLow7) + kLow7) | x) & ~kLow7;
}

/// Whether the eight bytes at `p` are all `-`, space or TAB. A ruler runs to the width of its
/// table (some fifty to a hundred bytes) and every line in a table is tested, so its bytes
/// are tested a word at a time.
bool ruler_word(const char* p) noexcept {
    constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
    std::uint64_t w = 0;
    std::memcpy(&w, p, sizeof w);
    const std::uint64_t ok = zero_bytes(w ^ (kOnes * '-')) | zero_bytes(w ^ (kOnes * ' ')) | zero_bytes(w ^ (kOnes * '\t'));
    return ok == kOnes * 0x80;
}

}  // namespace

bool is_ruler_text(std::string_view body) noexcept {
    std::size_t i = 0;
    for (; i + 8 <= body.size(); i += 8)
        if (!ruler_word(body.data() + i)) return false;
    for (; i < body.size(); ++i)
        if (body[i] != '-' && body[i] != ' ' && body[i] != '\t') return false;
    return true;
}

// Flattened: a row's readers (the split, the quantities, the columns after the date) inlined
// into one function, rather than a call with arguments through memory for each, on every row.
[[gnu::flatten]] bool parse_row(TableKind kind, std::string_view body, TableRow& row) {
    body = trim(body);
    if (body.empty() || !is_digit(body[0])) return false;
    if (kind == TableKind::query_filespace) return parse_filespace_row(body, row);
    if (kind == TableKind::query_backup || kind == TableKind::query_archive || kind == TableKind::query_image)
        return parse_sized_row(kind, body, row);
    return false;
}

// Flattened as parse_row is, for every -detail and dotted line.
[[gnu::flatten]] bool parse_detail(std::string_view body, TableRow& row) {
    body = trim(body);
    // Segments are separated by a TAB or by two or more spaces.
    std::array<std::string_view, 12> seg;
    std::size_t n = 0;
    std::size_t i = 0;
    while (i < body.size() && n < seg.size()) {
        std::size_t j = segment_end(body, i);
        if (j > i) seg[n++] = body.substr(i, j - i);
        while (j < body.size() && (body[j] == ' ' || body[j] == '\t')) ++j;
        i = j;
    }
    if (n == 0 || i < body.size()) return false;
    std::array<std::pair<std::string_view, std::string_view>, 12> kv;
    std::size_t nkv = 0;
    for (std::size_t k = 0; k < n; ++k) {
        const std::string_view s = seg[k];
        const auto colon = find_char(s, ':');
        if (colon == std::string_view::npos) return false;
        const std::string_view key = trim(s.substr(0, colon));
        if (!plausible_key(key)) return false;
        std::string_view value = trim(s.substr(colon + 1));
        if (value.empty() && k + 1 < n && find_char(seg[k + 1], ':') == std::string_view::npos) value = seg[++k];
        kv[nkv++] = {key, value};
    }
    for (std::size_t k = 0; k < nkv; ++k) add_field(row, kv[k].first, kv[k].second);
    return nkv > 0;
}

[[gnu::flatten]] bool parse_dotted(std::string_view body, TableRow& row) {
    const auto colon = find_char(body, ':');
    if (colon == std::string_view::npos || colon < 3 || colon > 80) return false;
    if (body[colon - 1] != '.' || body[colon - 2] != '.') return false;
    std::string_view key = body.substr(0, colon);
    while (!key.empty() && key.back() == '.') key.remove_suffix(1);
    key = trim(key);
    if (!plausible_key(key)) return false;
    add_field(row, key, body.substr(colon + 1));
    return true;
}

}  // namespace opskit::dsmc::detail
