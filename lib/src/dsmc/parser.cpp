// The dsmc output scanner: one pass over the bytes, one line at a time (find_byte for the
// line end, string_view everywhere, no regex), each line classified by its first characters.
// A dsmsched.log/actlog timestamp and a server ANE prefix are peeled off first, so those
// lines parse exactly like bare ones. State is small: the open session, summary, table and
// message (for continuation lines); nothing is ever re-read, so time is linear in the input.
#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "dsmc/dates.hpp"
#include "dsmc/labels.hpp"
#include "dsmc/numbers.hpp"
#include "dsmc/tables.hpp"
#include "dsmc/text.hpp"
#include "opskit/dsmc/report.hpp"
#include "opskit/dsmc/stream.hpp"

namespace opskit::dsmc {
namespace {

using namespace detail;

/// Whether `-->` (file progress: `Normal File-->`) is in `s`. Searched from its `>`: a `-` is
/// in many lines that are no progress (restore orders `00000000-00000002-…`, dates, paths),
/// and a search from it stopped at each one, while a `>` is in few lines but the arrows.
bool has_arrow(std::string_view s) noexcept {
    if (s.size() < 3) return false;
    const char* const end = s.data() + s.size();
    for (const char* p = s.data() + 2; (p = find_byte(p, end, '>')) != end; ++p)
        if (p[-1] == '-' && p[-2] == '-') return true;
    return false;
}

/// A message id at the start of a line: `ANS1228E`. No initialisers: one is declared for
/// every line dispatch sees, and read_message_id sets every field of one it reads.
struct MessageId {
    char prefix[3];
    int number;
    Severity severity;
};

// Exactly three letters (`AN` and one more: ANS client, ANE client-on-server, ANR server),
// four ASCII digits and a severity letter, then a boundary. Anything else is text: a fifth
// digit (`ANS12345`), or a digit where the letter stands (`ANS12471`, as OCR or a bad paste
// makes it), would otherwise turn prose and file names into messages. `K` is accepted as a
// letter (issue 15); no document found says what it means, so it counts as info and the
// printed letter is kept in the code.
bool read_message_id(std::string_view s, MessageId& id) noexcept {
    if (s.size() < 8 || s[0] != 'A' || s[1] != 'N' || !is_upper(s[2])) return false;
    if (s.size() > 8 && s[8] != ' ' && s[8] != '\t' && s[8] != ':') return false;
    int number = 0;
    for (std::size_t i = 3; i < 7; ++i) {
        if (!is_digit(s[i])) return false;
        number = number * 10 + (s[i] - '0');
    }
    const char sev = s[7];
    Severity severity = Severity::info;
    if (sev == 'K') severity = Severity::info;
    else if (auto known = severity_from_letter(sev); known && is_upper(sev)) severity = *known;
    else return false;
    id.prefix[0] = 'A';
    id.prefix[1] = 'N';
    id.prefix[2] = s[2];
    id.number = number;
    id.severity = severity;
    return true;
}

/// `Return code = 12`, `return code was 8` (ANS1901I); nullopt if the text has neither.
std::optional<int> find_return_code(std::string_view text) noexcept {
    // Searched from its `u`: string_view::find stops at every occurrence of the first
    // letter, and `e` is in almost every message while `u` is in few.
    constexpr std::string_view kTail = "urn code";
    std::size_t from = 0;
    while (true) {
        std::size_t u = from <= text.size() ? find_text(text.substr(from), kTail) : std::string_view::npos;
        if (u == std::string_view::npos) return std::nullopt;
        u += from;
        from = u + kTail.size();
        if (u < 2 || text[u - 2] != 'e' || text[u - 1] != 't') continue;
        const std::size_t at = u - 2;  // `eturn code`
        if (at == 0) return std::nullopt;
        if (text[at - 1] != 'R' && text[at - 1] != 'r') continue;
        std::string_view rest = trim_left(text.substr(at + 10));
        if (starts_with(rest, "=")) rest = trim_left(rest.substr(1));
        else if (starts_with(rest, "was ")) rest = trim_left(rest.substr(4));
        else if (starts_with(rest, "is ")) rest = trim_left(rest.substr(3));
        else continue;
        bool negative = false;
        if (starts_with(rest, "-")) {
            negative = true;
            rest = rest.substr(1);
        }
        int v = 0;
        std::size_t n = 0;
        while (n < rest.size() && is_digit(rest[n]) && n < 6) v = v * 10 + (rest[n++] - '0');
        if (n == 0 || (n < rest.size() && is_digit(rest[n]))) continue;
        return negative ? -v : v;
    }
}

/// Where `Version ` first is in `s`, or npos: where read_version reads. Flattened, so the
/// search is inlined with its needle known: most lines that reach dispatch's end run it.
[[gnu::flatten]] std::size_t find_version(std::string_view s) noexcept { return find_text(s, "Version "); }

/// A version as read_version composes it, in place: three numbers of at most 24 bytes and
/// two dots. Building a std::string by appends cost more than the reading.
struct VersionText {
    char bytes[80];
    std::size_t size = 0;
    std::string_view view() const noexcept { return {bytes, size}; }
    void append(std::string_view part) noexcept {
        std::memcpy(bytes + size, part.data(), part.size());
        size += part.size();
    }
};

/// `Version 8, Release 1, Level 27.000` at `at` (find_version's answer, not npos) in `s` →
/// `8.1.27.000` in `out`; false if the rest is not one. The caller found `at` first, since
/// most lines have no `Version ` and a search here too would run twice for the few that do.
bool read_version(std::string_view s, std::size_t at, VersionText& out) noexcept {
    std::string_view rest = s.substr(at + 8);
    auto number = [](std::string_view& r, bool dotted) {
        std::size_t n = 0;
        while (n < r.size() && n < 24 && (is_digit(r[n]) || (dotted && r[n] == '.' && n > 0))) ++n;
        std::string_view found = r.substr(0, n);
        r = r.substr(n);
        return found;
    };
    const std::string_view v = number(rest, false);
    if (v.empty() || !starts_with(rest, ", Release ")) return false;
    rest = rest.substr(10);
    const std::string_view r = number(rest, false);
    if (r.empty()) return false;
    out.size = 0;
    out.append(v);
    out.append(".");
    out.append(r);
    if (starts_with(rest, ", Level ")) {
        rest = rest.substr(8);
        std::string_view l = number(rest, true);
        while (!l.empty() && l.back() == '.') l.remove_suffix(1);
        if (!l.empty()) {
            out.append(".");
            out.append(l);
        }
    }
    return true;
}

/// An unknown summary label: starts with a letter; letters, digits, spaces, `-/().` only.
bool plausible_label(std::string_view label) noexcept {
    if (label.empty() || label.size() > 64 || !is_alpha(label[0])) return false;
    for (char c : label)
        if (!is_alpha(c) && !is_digit(c) && c != ' ' && c != '-' && c != '/' && c != '(' && c != ')' && c != '.')
            return false;
    return true;
}

class Parser {
public:
    explicit Parser(Sink& sink) : m_sink(sink) {}
    Parser(const Parser&) = delete;  // m_row and m_scratch point into the object
    Parser& operator=(const Parser&) = delete;

    void line(std::string_view raw);
    void finish();

private:
    void blank();
    void dispatch(std::string_view body);
    bool table_line(std::string_view body);
    bool label_line(std::string_view body, bool from_ane);
    bool label_line_at(std::string_view body, std::size_t colon, bool from_ane);  ///< label_line past its colon search
    bool ane_label_inside(std::string_view rest);
    bool ends_table(std::string_view body);
    void message(const MessageId& id, std::string_view body);
    void summary_value(const Label& label, std::string_view value);
    void unknown_summary_value(std::string_view label, std::string_view value);
    void session_value(const Label& label, std::string_view value);
    void session_established(std::string_view rest);
    Session& new_session();
    void unrecognised(std::string_view body);
    void recognised();  ///< a line that ends any open message and summary
    void recognised_message_start();  ///< a new message ends the previous one (not a summary)
    void end_message();
    void flush_paragraph(bool ended_by_blank);
    void append_to_message(std::string_view text);
    void close_summary();
    void close_table();
    void end_row();
    void set_return_code(int rc);
    void open_table(TableKind kind);
    void open_summary();
    void end_session();
    static void reset(TableRow& r);
    static void reset(Summary& s);
    bool read_timestamp(std::string_view s, std::size_t& used);
    bool read_new_timestamp(std::string_view s, std::size_t& used);  ///< read_timestamp past its first test
    /// The line's stamp in ISO 8601, or empty; a reference, so callers copy it into strings
    /// whose capacity is reused.
    const std::string& timestamp() {
        if (!m_has_ts) return m_no_ts;
        if (m_ts_iso.empty()) assign_iso(m_ts_iso, m_ts_date, m_ts_time);
        return m_ts_iso;
    }

    Sink& m_sink;
    std::optional<int> m_return_code;
    std::optional<Severity> m_highest;
    int m_line = 0;
    bool m_has_ts = false;
    Date m_ts_date;
    TimeOfDay m_ts_time;
    std::string m_ts_iso;               ///< iso() of m_ts_date/m_ts_time once asked for, else empty
    const std::string m_no_ts;          ///< what timestamp() gives for a line without a stamp
    // The `YYYY-MM-DD HH:MM:SS` bytes they were read from (a copy: the line is gone by the next).
    char m_last_stamp[kIsoDateTimeLength] = {};
    bool m_has_last_stamp = false;
    bool m_last_stamp_iso_date = false;  ///< it has and is_iso_date_prefix holds for it

    // Continuation lines: unrecognised lines after a message are collected as a paragraph
    // and judged when it ends (see flush_paragraph). Copies, since a chunk does not outlive
    // its lines; the strings keep their capacity from one paragraph to the next.
    static constexpr std::size_t kMaxPending = 3;
    /// Labels kept per table row (-detail, dotted) and unknown labels per summary: every
    /// real capture has a few dozen at most; the cap keeps one record bounded in memory.
    static constexpr std::size_t kMaxFields = 256;
    Message m_message;
    bool m_message_open = false;
    bool m_blank_seen = false;
    bool m_overflow = false;
    std::array<std::string, kMaxPending> m_pending;
    std::size_t m_pending_count = 0;

    Summary m_summary;
    bool m_summary_open = false;
    std::uint64_t m_summary_mask = 0;

    Table m_table;  ///< rows stay empty: each row is handed out when the next one starts
    TableKind m_kind = TableKind::none;  ///< m_table.kind, as tested on every table line
    bool m_table_open = false;
    // The open row and a scratch row a candidate line is parsed into, swapped by pointer when
    // it is one (swapping the objects moved some fifteen strings three times a row).
    std::array<TableRow, 2> m_rows;
    TableRow* m_row = &m_rows[0];
    bool m_row_open = false;
    TableRow* m_scratch = &m_rows[1];
    /// m_scratch is as reset leaves it: it is the row end_row handed out and reset, or new,
    /// unless a line parsed into it was no row. Most lines of a table are rows, so the reset
    /// before each candidate is then skipped.
    bool m_scratch_clean = true;

    Session m_session;
    bool m_session_open = false;
    bool m_session_waiting_server = false;
    std::string m_client_version;
    std::string m_client_datetime;
};

void Parser::line(std::string_view raw) {
    ++m_line;
    std::string_view s = trim_right(raw);
    m_has_ts = false;
    if (!s.empty() && is_digit(s[0])) {
        std::size_t used = 0;
        if (read_timestamp(s, used) && (used == s.size() || s[used] == ' ' || s[used] == '\t')) {
            m_has_ts = true;
            s = s.substr(used);
        }
    }
    const std::string_view body = trim_left(s);
    if (body.empty()) {
        blank();
        return;
    }
    dispatch(body);
}

// The lines of one dsmsched.log second share their prefix (a summary block is some twenty
// lines), so the date and time read last are kept with the bytes they came from and reused
// when the next line starts with the same bytes; lines of the same day reuse the date and
// read only the time.
bool Parser::read_timestamp(std::string_view s, std::size_t& used) {
    const std::size_t n = kIsoDateTimeLength;
    if (m_has_last_stamp && s.size() >= n && same_bytes(s.data(), m_last_stamp, n) && iso_datetime_ends(s)) {
        used = n;
        return true;
    }
    m_ts_iso.clear();
    // Most stamps that differ from the last one differ in the seconds only (a summary block
    // written over a few seconds): with date, hour and minute the bytes of the last stamp,
    // only the seconds are read, by the rules read_iso_time_of_known_date applies to them.
    constexpr std::size_t kMinutePart = 17;  // `YYYY-MM-DD HH:MM:`
    if (m_last_stamp_iso_date && s.size() >= n && same_bytes(s.data(), m_last_stamp, kMinutePart) &&
        is_digit(s[17]) && is_digit(s[18])) {
        const int second = (s[17] - '0') * 10 + (s[18] - '0');
        if (second <= 60 && iso_datetime_ends(s)) {
            m_ts_time.second = second;
            m_last_stamp[17] = s[17];
            m_last_stamp[18] = s[18];
            used = n;
            return true;
        }
    }
    return read_new_timestamp(s, used);
}

// A stamp of another minute or day. Not inlined: with it, GCC no longer inlined dispatch
// into the per-line function, which cost far more than this call, made for few lines.
[[gnu::noinline]] bool Parser::read_new_timestamp(std::string_view s, std::size_t& used) {
    const std::size_t n = kIsoDateTimeLength;
    constexpr std::size_t kDatePart = 11;  // `YYYY-MM-DD `
    if (m_last_stamp_iso_date && s.size() >= n && same_bytes(s.data(), m_last_stamp, kDatePart) &&
        read_iso_time_of_known_date(s, m_ts_time)) {
        std::memcpy(m_last_stamp, s.data(), n);
        used = n;
        return true;
    }
    m_has_last_stamp = false;
    m_last_stamp_iso_date = false;
    if (!read_datetime(s, used, m_ts_date, m_ts_time)) return false;
    if (used == n && iso_datetime_ends(s)) {
        std::memcpy(m_last_stamp, s.data(), n);
        m_has_last_stamp = true;
        m_last_stamp_iso_date = is_iso_date_prefix(s);
    }
    return true;
}

void Parser::blank() {
    if (!m_message_open) return;
    flush_paragraph(true);
    if (!m_message_open) return;
    if (m_blank_seen) end_message();
    else m_blank_seen = true;
}

// A message continues on the unrecognised lines right after it (`Object skipped.`) and on
// one more paragraph after a single blank line when that paragraph ends a sentence and is
// ended by a blank line or the end of input (ANS1330S). Paragraphs longer than
// kMaxContinuation lines are not continuations (a banner, a file listing, prose).
void Parser::flush_paragraph(bool ended_by_blank) {
    constexpr std::size_t kMaxContinuation = 3;
    if (m_pending_count > 0 && !m_overflow && m_pending_count <= kMaxContinuation) {
        const bool accept = !m_blank_seen || (ended_by_blank && m_pending[m_pending_count - 1].back() == '.');
        if (accept)
            for (std::size_t i = 0; i < m_pending_count; ++i) append_to_message(m_pending[i]);
    }
    const bool had = m_pending_count > 0 || m_overflow;
    m_pending_count = 0;
    m_overflow = false;
    if (had && m_blank_seen) end_message();
}

void Parser::end_message() {
    if (m_message_open) {
        m_message_open = false;
        m_sink.on_message(m_message);
    }
    m_blank_seen = false;
    m_overflow = false;
    m_pending_count = 0;
}

void Parser::append_to_message(std::string_view text) {
    Message& m = m_message;
    if (!m.text.empty()) m.text.push_back('\n');
    m.text.append(text);
    if (auto rc = find_return_code(text)) set_return_code(*rc);
}

void Parser::recognised() {
    if (m_message_open) flush_paragraph(false);
    end_message();
    close_summary();
}

void Parser::recognised_message_start() {
    if (m_message_open) flush_paragraph(false);
    end_message();
    close_table();
}

void Parser::dispatch(std::string_view body) {
    if (m_table_open && table_line(body)) return;

    MessageId id;
    if (body[0] == 'A' && body.size() >= 8 && body[1] == 'N' && read_message_id(body, id)) {
        if (id.prefix[2] == 'E') {
            // Server actlog form: `ANE4952I (Session: n, Node: X)  Total number of …: 1  (SESSION: n)`,
            // or with anything else (an elision, a pasted prefix) before the label.
            const std::string_view rest = trim_left(body.substr(8));
            if (!rest.empty() && (label_line(rest, true) || ane_label_inside(rest))) return;
        }
        message(id, body);
        return;
    }

    constexpr std::string_view kEstablished = "Session established with server ";
    if (body[0] == 'S' && starts_with(body, kEstablished)) {
        session_established(body.substr(kEstablished.size()));
        return;
    }
    if (body[0] == '-' && starts_with(body, "--- SCHEDULEREC")) {
        recognised();
        return;
    }
    if (label_line(body, false)) return;

    if (is_ruler(body)) {
        recognised();
        return;
    }
    const TableKind kind = table_kind_of_header(body);
    if (kind != TableKind::none) {
        recognised();
        open_table(kind);
        return;
    }
    // File progress lines (`Normal File-->`, `Retry # 1  Directory-->`, `Expiring-->`).
    if (has_arrow(body.substr(0, 64))) {
        recognised();
        return;
    }
    if (const std::size_t at = find_version(body); at != std::string_view::npos) {
        VersionText v;
        if (read_version(body, at, v)) {
            recognised();
            if (starts_with(body, "Server Version")) {
                if (m_session_open) set_text(m_session.server_version, v.view());
            } else {
                set_text(m_client_version, v.view());
            }
            return;
        }
    }
    if ((body[0] == 'R' || body[0] == 'r') && starts_with(body.substr(1), "eturn code")) {
        if (auto rc = find_return_code(body)) {
            recognised();
            set_return_code(*rc);
            return;
        }
    }
    unrecognised(body);
}

// Flattened: what it calls in this file (rulers, row handling, end_row) is inlined, for
// every line of a table.
[[gnu::flatten]] bool Parser::table_line(std::string_view body) {
    if (is_ruler(body)) return true;
    if (m_kind == TableKind::query_session) {
        if (!m_row_open) {
            m_row_open = true;
            m_row->line = m_line;
        }
        // A bounded record, whatever the input: past kMaxFields the lines are still the table's.
        if (m_row->fields.size() >= kMaxFields) return true;
        return parse_dotted(body, *m_row);
    }
    if (is_digit(body[0])) {
        // The row is parsed into m_scratch so a line that is not a row leaves the open one as it was.
        if (!m_scratch_clean) reset(*m_scratch);
        m_scratch->line = m_line;
        m_scratch_clean = false;
        if (parse_row(m_kind, body, *m_scratch)) {
            end_row();
            std::swap(m_row, m_scratch);
            m_row_open = true;
            m_scratch_clean = true;  // the row end_row reset, or one never used (no row was open)
            return true;
        }
    }
    // A query backup/archive/image/filespace table survives lines that are not rows: an
    // elision pasted into a ticket (`...`, `[...]`, `<snip>`), a wrapped path, a stray remark.
    // Only a line that starts something else ends it (checked before the -detail form, which
    // a summary line `Label:  value` would also fit).
    if (ends_table(body)) {
        close_table();
        return false;
    }
    if (m_row_open && m_row->fields.size() < kMaxFields) parse_detail(body, *m_row);
    return true;
}

// What ends a query table: a message, a summary or `Return code` line, a new table header,
// a session header or banner, a scheduler record marker, file progress, or a prompt.
bool Parser::ends_table(std::string_view body) {
    MessageId id;
    if (body[0] == 'A' && read_message_id(body, id)) return true;
    if (table_kind_of_header(body) != TableKind::none) return true;
    if (starts_with(body, "Session established with server ") || starts_with(body, "--- SCHEDULEREC")) return true;
    if ((body[0] == 'R' || body[0] == 'r') && starts_with(body.substr(1), "eturn code")) return true;
    if (has_arrow(body)) return true;
    if (const std::size_t at = find_version(body); at != std::string_view::npos) {
        VersionText v;
        if (read_version(body, at, v)) return true;
    }
    // A prompt: `tsm>`, `Protect>`, `dsmc>` (a word of letters right before `>`).
    {
        std::size_t i = 0;
        while (i < body.size() && i < 24 && is_alpha(body[i])) ++i;
        if (i > 0 && i < body.size() && body[i] == '>') return true;
    }
    const std::size_t n = body.size() < 90 ? body.size() : 90;
    const auto colon = find_char(body.substr(0, n), ':');
    if (colon != std::string_view::npos && find_label(trim_right(body.substr(0, colon))) != nullptr) return true;
    return false;
}

bool Parser::label_line(std::string_view body, bool from_ane) {
    const std::size_t n = body.size() < 90 ? body.size() : 90;
    const char* c = find_byte(body.data(), body.data() + n, ':');
    if (c == body.data() + n) return false;
    return label_line_at(body, static_cast<std::size_t>(c - body.data()), from_ane);
}

// Apart from the search above, which is inlined into dispatch: the lines without a colon
// (banners, prose, file lists) then skip the call and what it saves and restores.
[[gnu::noinline]] bool Parser::label_line_at(std::string_view body, std::size_t colon, bool from_ane) {
    const std::string_view label = body.substr(0, colon);
    std::string_view value = body.substr(colon + 1);
    if (from_ane) {
        // Drop the `(SESSION: n)` suffix of actlog lines.
        value = trim_right(value);
        if (!value.empty() && value.back() == ')') {
            const auto open = value.rfind('(');
            if (open != std::string_view::npos && iequals(value.substr(open + 1, 7), "SESSION"))
                value = value.substr(0, open);
        }
    }
    if (const Label* l = find_label(label)) {
        if (l->kind == ValueKind::session) {
            if (from_ane) return false;
            session_value(*l, trim(value));
        } else {
            summary_value(*l, value);
        }
        return true;
    }
    if (colon >= 3 && label[colon - 1] == '.' && label[colon - 2] == '.') {
        // `Key........: value` of query session.
        if (!m_table_open || m_kind != TableKind::query_session) {
            recognised();
            open_table(TableKind::query_session);
        }
        if (table_line(body)) return true;
    }
    // An unknown `Label:  value` inside an open summary block is kept raw (not for server
    // ANE lines: there only catalogue labels are summary lines).
    if (!from_ane && m_summary_open && plausible_label(label) && !value.empty() && (value[0] == ' ' || value[0] == '\t') &&
        !trim(value).empty()) {
        unknown_summary_value(trim_right(label), trim(value));
        return true;
    }
    return false;
}

// The catalogue label of an ANE line whose text does not start with it: each colon in the
// first part of the line is tried as the end of a label, and each word start before it as its
// beginning (labels are some 20 to 48 bytes, so this is a few dozen exact lookups per ANE
// line, which are rare next to client lines).
bool Parser::ane_label_inside(std::string_view rest) {
    constexpr std::size_t kScan = 240;
    const std::size_t n = rest.size() < kScan ? rest.size() : kScan;
    for (std::size_t colon = 0; colon < n; ++colon) {
        if (rest[colon] != ':') continue;
        const std::size_t from = colon > 48 ? colon - 48 : 0;
        for (std::size_t start = from; start + 2 <= colon; ++start) {
            if (!is_upper(rest[start]) || (start > 0 && rest[start - 1] != ' ' && rest[start - 1] != '\t' &&
                                           rest[start - 1] != ')' && rest[start - 1] != '.'))
                continue;
            const std::string_view candidate = rest.substr(start);
            const Label* l = find_label(trim_right(candidate.substr(0, colon - start)));
            if (l == nullptr || l->kind == ValueKind::session) continue;
            return label_line(candidate, true);
        }
    }
    return false;
}

void Parser::summary_value(const Label& label, std::string_view value) {
    if (m_message_open) flush_paragraph(false);
    end_message();
    close_table();
    const std::uint64_t bit = 1ULL << label.id;
    if (!m_summary_open || (m_summary_mask & bit) != 0) open_summary();
    m_summary_mask |= bit;
    apply_label(label, value, m_summary);
}

void Parser::unknown_summary_value(std::string_view label, std::string_view value) {
    if (m_message_open) flush_paragraph(false);
    end_message();
    std::string key(label);
    if (m_summary.other.count(key) != 0 || m_summary.other.size() >= kMaxFields) open_summary();
    m_summary.other[std::move(key)] = std::string(value);
}

Session& Parser::new_session() {
    end_session();
    // Cleared field by field, as the table rows are (see reset), so the strings keep their capacity.
    Session& s = m_session;
    for (std::string* field : {&s.node_name, &s.server_name, &s.server_platform, &s.server_version, &s.server_datetime,
                               &s.last_access, &s.accessing_as_node})
        field->clear();
    s.line = m_line;
    // Copied and cleared, not swapped: std::string::swap handled the short-string cases byte
    // by byte and cost more than the copy of these few bytes.
    set_text(s.client_version, m_client_version);
    set_text(s.client_datetime, m_client_datetime);
    m_client_version.clear();
    m_client_datetime.clear();
    m_session_open = true;
    return s;
}

void Parser::session_value(const Label& label, std::string_view value) {
    recognised();
    close_table();
    switch (label.session) {
        case SessionField::node_name: {
            Session& s = new_session();
            set_text(s.node_name, value);
            m_session_waiting_server = true;
            break;
        }
        case SessionField::server_datetime: {
            if (!m_session_open) break;
            Session& s = m_session;
            Date d;
            TimeOfDay t;
            std::size_t used = 0;
            if (read_datetime(value, used, d, t)) assign_iso(s.server_datetime, d, t);
            const auto at = value.find("Last access:");
            if (at != std::string_view::npos) {
                const std::string_view la = trim(value.substr(at + 12));
                if (read_datetime(la, used, d, t)) assign_iso(s.last_access, d, t);
            }
            break;
        }
        case SessionField::client_datetime:
            if (!assign_to_iso(m_client_datetime, value)) m_client_datetime.clear();
            break;
        case SessionField::accessing_as_node:
            if (m_session_open) set_text(m_session.accessing_as_node, value);
            break;
        case SessionField::none: break;
    }
}

void Parser::session_established(std::string_view rest) {
    recognised();
    close_table();
    const auto colon = find_char(rest, ':');
    const std::string_view name = trim(colon == std::string_view::npos ? rest : rest.substr(0, colon));
    const std::string_view platform = colon == std::string_view::npos ? std::string_view{} : trim(rest.substr(colon + 1));
    Session* s = nullptr;
    if (m_session_open && m_session_waiting_server) s = &m_session;
    else s = &new_session();
    set_text(s->server_name, name);
    set_text(s->server_platform, platform);
    m_session_waiting_server = false;
}

void Parser::message(const MessageId& id, std::string_view body) {
    recognised_message_start();
    Message& m = m_message;
    // The prefix and code are the id's bytes as printed (read_message_id accepted exactly
    // three letters, four digits and the severity letter), copied rather than composed again
    // from the number with a division per digit.
    set_text(m.prefix, body.substr(0, 3));
    m.number = id.number;
    m.severity = id.severity;
    set_text(m.code, body.substr(0, 8));
    set_text(m.text, trim(body.substr(8)));
    m.line = m_line;
    m.raw_code.clear();
    m.timestamp.clear();
    if (m_has_ts) m.timestamp = timestamp();
    if (!m_highest || static_cast<int>(m.severity) > static_cast<int>(*m_highest)) m_highest = m.severity;
    m_message_open = true;
    if (auto rc = find_return_code(m.text)) set_return_code(*rc);
}

void Parser::unrecognised(std::string_view body) {
    close_summary();
    if (!m_message_open) return;
    if (m_pending_count >= kMaxPending) m_overflow = true;
    else if (!m_overflow) set_text(m_pending[m_pending_count++], body);
}

void Parser::set_return_code(int rc) {
    m_return_code = rc;
    m_sink.on_return_code(rc, m_line);
}

void Parser::open_table(TableKind kind) {
    close_table();
    m_kind = kind;
    m_table.kind.assign(table_kind_name(kind));
    m_table.line = m_line;
    m_table_open = true;
    m_sink.on_table_begin(m_table);
}

void Parser::end_row() {
    if (!m_row_open) return;
    m_row_open = false;
    m_sink.on_table_row(m_table, *m_row);
    reset(*m_row);
}

void Parser::close_table() {
    if (!m_table_open) return;
    end_row();
    m_table_open = false;
    m_sink.on_table_end(m_table);
}

void Parser::open_summary() {
    close_summary();
    m_summary_open = true;
    m_summary.line = m_line;
    m_summary.timestamp = timestamp();
    m_summary_mask = 0;
}

void Parser::close_summary() {
    if (!m_summary_open) return;
    m_summary_open = false;
    m_sink.on_summary(m_summary);
    reset(m_summary);
}

void Parser::end_session() {
    if (!m_session_open) return;
    m_session_open = false;
    m_sink.on_session(m_session);
}

// Objects are cleared field by field rather than replaced, so their strings keep the
// capacity they grew to and a long log does not allocate per record.
void Parser::reset(TableRow& r) {
    r.size_bytes.reset();
    r.size_raw.clear();
    r.stored_size_bytes.reset();
    r.stored_size_raw.clear();
    r.date.clear();
    r.date_raw.clear();
    r.mgmt_class.clear();
    r.active.reset();
    r.name.clear();
    r.fs_type.clear();
    r.index.reset();
    r.expires.clear();
    r.description.clear();
    r.fields.clear();
    r.line = 0;
}

void Parser::reset(Summary& s) {
    std::string raw = std::move(s.raw_text);
    std::string ts = std::move(s.timestamp);
    s = Summary{};
    raw.clear();
    ts.clear();
    s.raw_text = std::move(raw);
    s.timestamp = std::move(ts);
}

void Parser::finish() {
    if (m_message_open) flush_paragraph(true);
    end_message();
    close_summary();
    close_table();
    end_session();
    Totals t;
    t.return_code = m_return_code;
    t.highest_severity = m_highest;
    t.lines = static_cast<std::size_t>(m_line);
    t.verdict = generic_verdict(m_return_code, m_highest);
    m_sink.on_end(t);
}

}  // namespace

// A line that ends inside a chunk is handed to the scanner where it lies; only the part of a
// line that a chunk boundary cuts is copied, into m_carry, and completed by the next chunk.
struct StreamParser::Impl {
    explicit Impl(Sink& sink) : parser(sink) {}
    Parser parser;
    std::string carry;
    bool has_carry = false;

    void line(std::string_view s) { parser.line(s.substr(0, std::min(s.size(), kMaxLine))); }
    void append_carry(const char* p, const char* end) {
        const std::size_t room = kMaxLine - std::min(carry.size(), kMaxLine);
        carry.append(p, std::min(room, static_cast<std::size_t>(end - p)));
        has_carry = true;
    }
};

StreamParser::StreamParser(Sink& sink) : m_impl(std::make_unique<Impl>(sink)) {}
StreamParser::~StreamParser() = default;

void StreamParser::feed(std::string_view chunk) {
    Impl& im = *m_impl;
    const char* pos = chunk.data();
    const char* const end = pos + chunk.size();
    if (im.has_carry && pos < end) {
        const char* nl = find_byte(pos, end, '\n');
        im.append_carry(pos, nl);
        if (nl == end) return;
        im.line(im.carry);
        im.carry.clear();
        im.has_carry = false;
        pos = nl + 1;
    }
    // Each block is compared with '\n' once and every line end in it handed out from the
    // mask, rather than a search per line that paid its setup and tail each time. Blocks are
    // 64 bytes (four 16-byte compares in one 64-bit mask), since lines average under 64
    // bytes and the loop around the compares cost as much as they did; the last are 16.
    const char* block = pos;
#if defined(__SSE2__)
    const __m128i newline = _mm_set1_epi8('\n');
    auto newlines16 = [&newline](const char* at) {
        const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(at));
        return static_cast<std::uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, newline))));
    };
    auto hand_out = [&im, &pos](const char* at, std::uint64_t mask) {
        while (mask != 0) {
            const char* nl = at + std::countr_zero(mask);
            mask &= mask - 1;
            im.line(std::string_view(pos, static_cast<std::size_t>(nl - pos)));
            pos = nl + 1;
        }
    };
    for (; end - block >= 64; block += 64)
        hand_out(block, newlines16(block) | newlines16(block + 16) << 16 | newlines16(block + 32) << 32 |
                            newlines16(block + 48) << 48);
    for (; end - block >= 16; block += 16) hand_out(block, newlines16(block));
#endif
    for (const char* nl; (nl = find_byte(block, end, '\n')) != end; block = nl + 1) {
        im.line(std::string_view(pos, static_cast<std::size_t>(nl - pos)));
        pos = nl + 1;
    }
    if (pos < end) im.append_carry(pos, end);
}

void StreamParser::finish() {
    Impl& im = *m_impl;
    if (im.has_carry) {
        im.line(im.carry);
        im.carry.clear();
        im.has_carry = false;
    }
    im.parser.finish();
}

Report parse_output(std::string_view text) {
    ReportSink sink;
    StreamParser p(sink);
    p.feed(text);
    p.finish();
    return sink.take();
}

}  // namespace opskit::dsmc
