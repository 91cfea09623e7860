// dsmc dates and times in every -dateformat/-timeformat spelling seen or documented
// (MM/DD/YYYY, DD-MM-YYYY, DD.MM.YYYY, YYYY-MM-DD, YYYY.MM.DD, MM/DD/YY; HH:MM:SS with
// `:` `.` or `,`, optional AM/PM) turned into ISO 8601. Internal to the parser.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace opskit::dsmc::detail {

struct Date {
    int year = 0, month = 0, day = 0;
};

struct TimeOfDay {
    int hour = 0, minute = 0, second = 0;
};

/// A date at the start of `s`; `used` gets its length. Two-digit years < 70 are 20YY.
std::optional<Date> read_date(std::string_view s, std::size_t& used) noexcept;

/// A time at the start of `s` (with an optional ` AM`/`PM`); `used` gets its length.
std::optional<TimeOfDay> read_time(std::string_view s, std::size_t& used) noexcept;

/// `date<spaces>time` at the start of `s`; `used` gets its length.
bool read_datetime(std::string_view s, std::size_t& used, Date& d, TimeOfDay& t) noexcept;

/// Length of `YYYY-MM-DD HH:MM:SS`, the prefix of dsmsched.log lines.
inline constexpr std::size_t kIsoDateTimeLength = 19;

/// Whether the date and time in the first kIsoDateTimeLength bytes of `s` end there: no
/// digit and no AM/PM follows, so read_datetime reads the same from any line with them.
/// Inline: it runs for every stamped line, and a call into the shared library cost more
/// than the test.
inline bool iso_datetime_ends(std::string_view s) noexcept {
    const std::size_t end = kIsoDateTimeLength;
    if (s.size() <= end) return s.size() == end;
    const char c = s[end];
    if (c >= '0' && c <= '9') return false;
    const std::size_t j = c == ' ' ? end + 1 : end;
    const bool am_pm = j + 1 < s.size() && (s[j] == 'A' || s[j] == 'P' || s[j] == 'a' || s[j] == 'p') &&
                       (s[j + 1] == 'M' || s[j + 1] == 'm');
    return !am_pm;
}

/// Whether `s` starts with `YYYY-MM-DD ` by shape (digits, dashes, a space; not checked as a
/// date): a prefix read_datetime reads by position.
bool is_iso_date_prefix(std::string_view s) noexcept;

/// The time of a `YYYY-MM-DD HH:MM:SS` line prefix whose first 11 bytes are those of a prefix
/// read_datetime already accepted and is_iso_date_prefix holds for (so the date is known and
/// read by position): what read_datetime would read as the time, its length being
/// kIsoDateTimeLength; false when that is not certain, and the caller reads the whole
/// prefix. Consecutive dsmsched.log lines differ in the time only.
bool read_iso_time_of_known_date(std::string_view s, TimeOfDay& t) noexcept;

std::string iso(const Date& d);
std::string iso(const Date& d, const TimeOfDay& t);
/// iso(d, t) into `out`, whose capacity is reused (an ISO date-time is too long for the
/// short-string buffer, so building a new string allocated for every row and stamp).
void assign_iso(std::string& out, const Date& d, const TimeOfDay& t);

/// The whole of `s` as a date or date+time, in ISO 8601; empty if it is not one.
std::string to_iso(std::string_view s);

/// to_iso(s) into `out`, whose capacity is reused (the rows and sessions that hold these
/// values are); false, and `out` as it was, if `s` is not one.
bool assign_to_iso(std::string& out, std::string_view s);

}  // namespace opskit::dsmc::detail
