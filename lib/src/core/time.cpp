// RFC 3339 UTC formatting and parsing without locale or TZ surprises (timegm, gmtime_r).
#include "opskit/core/time.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <ctime>

namespace opskit {

TimePoint now_ms() { return std::chrono::time_point_cast<std::chrono::milliseconds>(Clock::now()); }

std::int64_t to_epoch_ms(TimePoint t) noexcept { return t.time_since_epoch().count(); }
TimePoint from_epoch_ms(std::int64_t ms) noexcept { return TimePoint(std::chrono::milliseconds(ms)); }

std::string to_rfc3339(TimePoint t) {
    const std::int64_t ms = to_epoch_ms(t);
    std::int64_t secs = ms / 1000;
    std::int64_t frac = ms % 1000;
    if (frac < 0) {
        frac += 1000;
        secs -= 1;
    }
    std::time_t tt = static_cast<std::time_t>(secs);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    auto base = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                            tm.tm_hour, tm.tm_min, tm.tm_sec);
    if (frac != 0) base += fmt::format(".{:03}", frac);
    return base + "Z";
}

std::optional<TimePoint> parse_rfc3339(std::string_view text) {
    std::string s(text);
    int Y, M, D, h, m, sec, n = 0;
    if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &Y, &M, &D, &h, &m, &sec, &n) != 6 || n != 19)
        return std::nullopt;
    std::size_t i = 19;
    std::int64_t ms = 0;
    if (i < s.size() && s[i] == '.') {
        ++i;
        int digits = 0;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
            if (digits < 3) ms = ms * 10 + (s[i] - '0');
            ++digits;
            ++i;
        }
        if (digits == 0) return std::nullopt;
        for (int d = digits; d < 3; ++d) ms *= 10;
    }
    std::int64_t offset = 0;
    if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) {
        ++i;
    } else if (i + 6 == s.size() && (s[i] == '+' || s[i] == '-') && s[i + 3] == ':') {
        int oh = 0, om = 0;
        if (std::sscanf(s.c_str() + i + 1, "%2d:%2d", &oh, &om) != 2) return std::nullopt;
        offset = (oh * 3600 + om * 60) * (s[i] == '+' ? 1 : -1);
        i += 6;
    } else {
        return std::nullopt;
    }
    if (i != s.size() || M < 1 || M > 12 || D < 1 || D > 31 || h > 23 || m > 59 || sec > 60) return std::nullopt;
    std::tm tm{};
    tm.tm_year = Y - 1900;
    tm.tm_mon = M - 1;
    tm.tm_mday = D;
    tm.tm_hour = h;
    tm.tm_min = m;
    tm.tm_sec = sec;
    const std::int64_t secs = static_cast<std::int64_t>(timegm(&tm)) - offset;
    return from_epoch_ms(secs * 1000 + ms);
}

}  // namespace opskit
