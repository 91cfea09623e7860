// Date and time reading for the dsmc parser (see dates.hpp). Formats are told apart by
// their shape (a four-digit first group is the year; `/` is month-first, `-` and `.` are
// day-first), never by locale settings, so one parser reads logs from any client.
#include "dsmc/dates.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "dsmc/text.hpp"

namespace opskit::dsmc::detail {
namespace {

/// Reads 1..max digits at `i`; returns -1 if none.
int read_int(std::string_view s, std::size_t& i, std::size_t max_digits, std::size_t& ndigits) noexcept {
    int v = 0;
    ndigits = 0;
    while (i < s.size() && is_digit(s[i]) && ndigits < max_digits) {
        v = v * 10 + (s[i] - '0');
        ++i;
        ++ndigits;
    }
    return ndigits == 0 ? -1 : v;
}

bool valid(const Date& d) noexcept {
    static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (d.month < 1 || d.month > 12 || d.day < 1) return false;
    if (d.day > kDays[d.month - 1]) return false;
    if (d.month == 2 && d.day == 29) {
        const bool leap = (d.year % 4 == 0 && d.year % 100 != 0) || d.year % 400 == 0;
        return leap;
    }
    return true;
}

}  // namespace

namespace {

/// Each byte's digit value, wrapped far above 9 when it is not a digit. The shape tests below
/// take the largest of these and OR the separators' differences rather than testing byte by
/// byte: they run for every stamped line and table row, and branches cost more than the few
/// extra operations.
unsigned digit_at(const unsigned char* p, std::size_t i) noexcept { return static_cast<unsigned>(p[i]) - unsigned{'0'}; }

/// The two-digit number at `p[i]` (both bytes known to be digits).
int two_digits(const unsigned char* p, std::size_t i) noexcept { return static_cast<int>(digit_at(p, i) * 10 + digit_at(p, i + 1)); }

/// Whether the eight bytes `w` (as loaded from memory) are `NN?NN?NN` with `sep` for `?`,
/// tested as one word: a byte is a digit when its high nibble is 3 and adding 6 keeps it so
/// (no carry can cross into the next byte where the first test holds), the separators are
/// compared in place. The masks read the same from either end, so this holds in either byte
/// order. A time (`HH:MM:SS`) and the start of a table date (`MM/DD/YY…`) both have the shape.
bool is_digit_pairs(std::uint64_t w, char sep) noexcept {
    constexpr std::uint64_t kDigits = 0xFFFF00FFFF00FFFFULL;  // bytes 0 1, 3 4, 6 7
    constexpr std::uint64_t kSeps = 0x0000FF0000FF0000ULL;    // bytes 2 and 5
    constexpr std::uint64_t kHigh = 0xF0F0F0F0F0F0F0F0ULL & kDigits;
    constexpr std::uint64_t kThrees = 0x3030303030303030ULL & kDigits;
    constexpr std::uint64_t kSixes = 0x0606060606060606ULL & kDigits;
    const std::uint64_t sep_bytes = 0x0101010101010101ULL * static_cast<unsigned char>(sep) & kSeps;
    return (w & kHigh) == kThrees && ((w + kSixes) & kHigh) == kThrees && (w & kSeps) == sep_bytes;
}

/// `NN?NN?NNNN` or `NN?NN?NN` (`?` one of `/` `-` `.`, both the same) and no digit after it,
/// the date of every query table row, read by position: exactly what the general reading in
/// read_date gives for that shape (two-digit groups; a four-digit year, or a two-digit one
/// < 70 for 20YY). False for any other shape (a three-digit year too), which is left to it.
bool read_short_first_date(std::string_view s, std::optional<Date>& out, std::size_t& used) noexcept {
    if (s.size() < 8) return false;
    const char sep = s[2];
    if (sep != '/' && sep != '-' && sep != '.') return false;
    std::uint64_t w = 0;
    std::memcpy(&w, s.data(), sizeof w);
    if (!is_digit_pairs(w, sep)) return false;
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    int year = two_digits(p, 6);
    if (s.size() == 8 || !is_digit(s[8])) {
        used = 8;
        year += year < 70 ? 2000 : 1900;
    } else if (s.size() >= 10 && is_digit(s[9]) && (s.size() == 10 || !is_digit(s[10]))) {
        used = 10;
        year = year * 100 + two_digits(p, 8);
    } else {
        return false;
    }
    const int a = two_digits(p, 0), b = two_digits(p, 3);
    Date d = sep == '/' ? Date{year, a, b} : Date{year, b, a};
    if (sep == '/' && !valid(d)) d = {year, b, a};  // DD/MM/YYYY locales
    out = valid(d) ? std::optional<Date>(d) : std::nullopt;
    return true;
}

/// Whether `s` starts with `NN:NN:NN` (or `.` or `,` for `:`) and no digit follows it.
bool is_time_word(std::string_view s) noexcept {
    if (s.size() < 8) return false;
    const char sep = s[2];
    if (sep != ':' && sep != '.' && sep != ',') return false;
    std::uint64_t w = 0;
    std::memcpy(&w, s.data(), sizeof w);
    return is_digit_pairs(w, sep) && (s.size() == 8 || !is_digit(s[8]));
}

// The bodies of read_date, read_time and read_datetime: this file calls these, not the
// exported names, which are interposable in the shared library, so a call to one could not
// be inlined and went through the PLT for every table row and stamp.

std::optional<Date> date_at(std::string_view s, std::size_t& used) noexcept {
    used = 0;
    std::size_t n = 0;
    if (std::optional<Date> d; read_short_first_date(s, d, n)) {
        if (d) used = n;
        return d;
    }
    std::size_t i = 0, n1 = 0, n2 = 0, n3 = 0;
    const int a = read_int(s, i, 4, n1);
    if (a < 0 || i >= s.size()) return std::nullopt;
    const char sep = s[i];
    if (sep != '/' && sep != '-' && sep != '.') return std::nullopt;
    ++i;
    const int b = read_int(s, i, 2, n2);
    if (b < 0 || i >= s.size() || s[i] != sep) return std::nullopt;
    ++i;
    const int c = read_int(s, i, 4, n3);
    if (c < 0 || (i < s.size() && is_digit(s[i]))) return std::nullopt;
    Date d;
    if (n1 == 4) {
        if (n3 > 2) return std::nullopt;
        d = {a, b, c};
    } else {
        if (n1 > 2 || (n3 != 2 && n3 != 4)) return std::nullopt;
        const int year = n3 == 4 ? c : (c < 70 ? 2000 + c : 1900 + c);
        if (sep == '/') {
            d = {year, a, b};
            if (!valid(d)) d = {year, b, a};  // DD/MM/YYYY locales
        } else {
            d = {year, b, a};
        }
    }
    if (!valid(d)) return std::nullopt;
    used = i;
    return d;
}

std::optional<TimeOfDay> time_at(std::string_view s, std::size_t& used) noexcept {
    used = 0;
    std::size_t i = 0, n = 0;
    TimeOfDay t;
    if (is_time_word(s)) {
        // `NN:NN:NN`, the common shape, read by position (the general reading below gives the same).
        const auto* p = reinterpret_cast<const unsigned char*>(s.data());
        t = TimeOfDay{two_digits(p, 0), two_digits(p, 3), two_digits(p, 6)};
        i = 8;
    } else {
        t.hour = read_int(s, i, 2, n);
        if (t.hour < 0 || i >= s.size()) return std::nullopt;
        const char sep = s[i];
        if (sep != ':' && sep != '.' && sep != ',') return std::nullopt;
        ++i;
        t.minute = read_int(s, i, 2, n);
        if (t.minute < 0 || n != 2 || i >= s.size() || s[i] != sep) return std::nullopt;
        ++i;
        t.second = read_int(s, i, 2, n);
        if (t.second < 0 || n != 2 || (i < s.size() && is_digit(s[i]))) return std::nullopt;
    }
    // Optional AM/PM, attached or after one space.
    std::size_t j = i;
    if (j < s.size() && s[j] == ' ') ++j;
    if (j + 1 < s.size() && (s[j] == 'A' || s[j] == 'P' || s[j] == 'a' || s[j] == 'p') &&
        (s[j + 1] == 'M' || s[j + 1] == 'm') && (j + 2 == s.size() || !is_alpha(s[j + 2]))) {
        const bool pm = s[j] == 'P' || s[j] == 'p';
        if (t.hour < 1 || t.hour > 12) return std::nullopt;
        t.hour = (t.hour % 12) + (pm ? 12 : 0);
        i = j + 2;
    }
    if (t.hour > 23 || t.minute > 59 || t.second > 60) return std::nullopt;
    used = i;
    return t;
}

/// `YYYY-MM-DD HH:MM:SS`, the prefix of every dsmsched.log line, read by position. It gives
/// exactly what the general reader gives for that shape; anything else (another spacing, an
/// AM/PM suffix, an invalid date) is left to the general reader.
bool read_iso_datetime(std::string_view s, std::size_t& used, Date& d, TimeOfDay& t) noexcept {
    constexpr std::size_t kLen = kIsoDateTimeLength;
    if (s.size() < kLen) return false;
    const char* p = s.data();
    // Separators first: most strings tried here are not ISO stamps (table dates, sizes).
    if (p[4] != '-' || p[7] != '-' || p[10] != ' ' || p[13] != ':' || p[16] != ':') return false;
    auto two = [p](std::size_t i) { return is_digit(p[i]) && is_digit(p[i + 1]) ? (p[i] - '0') * 10 + (p[i + 1] - '0') : -1; };
    const int century = two(0), year = two(2), month = two(5), day = two(8);
    const int hour = two(11), minute = two(14), second = two(17);
    if ((century | year | month | day | hour | minute | second) < 0) return false;
    if (!iso_datetime_ends(s)) return false;
    const Date date{century * 100 + year, month, day};
    if (!valid(date) || hour > 23 || minute > 59 || second > 60) return false;
    d = date;
    t = TimeOfDay{hour, minute, second};
    used = kLen;
    return true;
}

// Flattened: the readers it calls, inlined, no longer pass their optionals back through
// memory and calls for each table row and stamp.
[[gnu::flatten]] bool datetime_at(std::string_view s, std::size_t& used, Date& d, TimeOfDay& t) noexcept {
    if (read_iso_datetime(s, used, d, t)) return true;
    used = 0;
    std::size_t n = 0;
    auto date = date_at(s, n);
    if (!date) return false;
    std::size_t i = n;
    const std::size_t gap = i;
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    if (i == gap) return false;
    auto time = time_at(s.substr(i), n);
    if (!time) return false;
    d = *date;
    t = *time;
    used = i + n;
    return true;
}

}  // namespace

std::optional<Date> read_date(std::string_view s, std::size_t& used) noexcept { return date_at(s, used); }

std::optional<TimeOfDay> read_time(std::string_view s, std::size_t& used) noexcept { return time_at(s, used); }

bool read_datetime(std::string_view s, std::size_t& used, Date& d, TimeOfDay& t) noexcept { return datetime_at(s, used, d, t); }

bool is_iso_date_prefix(std::string_view s) noexcept {
    if (s.size() < 11) return false;
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const unsigned digits = std::max({digit_at(p, 0), digit_at(p, 1), digit_at(p, 2), digit_at(p, 3), digit_at(p, 5),
                                      digit_at(p, 6), digit_at(p, 8), digit_at(p, 9)});
    const unsigned separators = (p[4] ^ unsigned{'-'}) | (p[7] ^ unsigned{'-'}) | (p[10] ^ unsigned{' '});
    return digits <= 9 && separators == 0;
}

bool read_iso_time_of_known_date(std::string_view s, TimeOfDay& t) noexcept {
    if (s.size() < kIsoDateTimeLength) return false;
    std::uint64_t w = 0;
    std::memcpy(&w, s.data() + 11, sizeof w);
    if (!is_digit_pairs(w, ':')) return false;
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const auto hour = static_cast<int>(digit_at(p, 11) * 10 + digit_at(p, 12));
    const auto minute = static_cast<int>(digit_at(p, 14) * 10 + digit_at(p, 15));
    const auto second = static_cast<int>(digit_at(p, 17) * 10 + digit_at(p, 18));
    if (hour > 23 || minute > 59 || second > 60 || !iso_datetime_ends(s)) return false;
    t = TimeOfDay{hour, minute, second};
    return true;
}

namespace {

/// Writes `v` (0..99) as two digits from a table, which halved the cost of formatting a
/// stamp (a division pair per digit before); that happens for every table row and stamped record.
char* put2(char* p, int v) noexcept {
    static constexpr char kPairs[] =
        "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
        "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
        "8081828384858687888990919293949596979899";
    std::memcpy(p, kPairs + 2 * v, 2);
    return p + 2;
}

/// Writes `d` as `YYYY-MM-DD` at `p`; returns the end.
char* put_date(char* p, const Date& d) noexcept {
    // Every field is non-negative (read from digits only) and was checked against its range
    // by the reader that made it (a valid month and day), so each but the year indexes
    // put2's table as it is: a `% 100` apiece cost a multiply and a subtract for every table
    // row and stamped record.
    const int year = d.year % 10000;
    p = put2(p, year / 100);
    p = put2(p, year % 100);
    *p++ = '-';
    p = put2(p, d.month);
    *p++ = '-';
    return put2(p, d.day);
}

/// Writes `d` and `t` as `YYYY-MM-DDTHH:MM:SS` (kIsoDateTimeLength bytes) at `p`.
void put_datetime(char* p, const Date& d, const TimeOfDay& t) noexcept {
    // The time's fields were checked as the date's were (hour < 24, minute < 60, second <= 60).
    p = put_date(p, d);
    *p++ = 'T';
    p = put2(p, t.hour);
    *p++ = ':';
    p = put2(p, t.minute);
    *p++ = ':';
    put2(p, t.second);
}

/// The whole of `s` as a date or date+time in ISO 8601, written at `buf` (room for
/// kIsoDateTimeLength bytes); its length, or 0 if `s` is not one. Flattened as datetime_at
/// is: it runs for every -detail and dotted date.
[[gnu::flatten]] std::size_t put_iso_of(char* buf, std::string_view s) noexcept {
    s = trim(s);
    Date d;
    TimeOfDay t;
    std::size_t used = 0;
    if (datetime_at(s, used, d, t) && used == s.size()) {
        put_datetime(buf, d, t);
        return kIsoDateTimeLength;
    }
    auto date = date_at(s, used);
    if (!date || used != s.size()) return 0;
    return static_cast<std::size_t>(put_date(buf, *date) - buf);
}

}  // namespace

std::string iso(const Date& d) {
    char buf[10];
    return std::string(buf, put_date(buf, d));
}

std::string iso(const Date& d, const TimeOfDay& t) {
    char buf[kIsoDateTimeLength];
    put_datetime(buf, d, t);
    return std::string(buf, sizeof buf);
}

// Flattened, as datetime_at is: it runs for every table row and stamped record.
[[gnu::flatten]] void assign_iso(std::string& out, const Date& d, const TimeOfDay& t) {
    char buf[kIsoDateTimeLength];
    put_datetime(buf, d, t);
    set_text(out, std::string_view(buf, sizeof buf));
}

bool assign_to_iso(std::string& out, std::string_view s) {
    char buf[kIsoDateTimeLength];
    const std::size_t n = put_iso_of(buf, s);
    if (n == 0) return false;
    out.assign(buf, n);
    return true;
}

std::string to_iso(std::string_view s) {
    char buf[kIsoDateTimeLength];
    return std::string(buf, put_iso_of(buf, s));
}

}  // namespace opskit::dsmc::detail
