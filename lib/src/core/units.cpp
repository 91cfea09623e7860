// Parsing of durations and sizes, shared by options, env and config values.
#include "opskit/core/units.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

#include "opskit/core/error.hpp"

namespace opskit {
namespace {

// Splits "12.5GiB" into a non-negative number and its suffix; false when the number is absent.
bool split_number(std::string_view text, double& number, std::string_view& suffix) {
    std::size_t i = 0;
    while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) ++i;
    if (i == 0) return false;
    auto digits = text.substr(0, i);
    if (digits.front() == '.' || digits.back() == '.' || std::count(digits.begin(), digits.end(), '.') > 1)
        return false;
    auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), number);
    if (ec != std::errc{} || p != digits.data() + digits.size() || !std::isfinite(number)) return false;
    suffix = text.substr(i);
    while (!suffix.empty() && suffix.front() == ' ') suffix.remove_prefix(1);
    return true;
}

}  // namespace

Duration parse_duration(std::string_view text) {
    const auto bad = [&](std::string_view why) {
        return Error(ErrorKind::usage, "invalid duration", text, why);
    };
    double n = 0;
    std::string_view unit;
    if (!split_number(text, n, unit)) throw bad("expected a number with an optional unit s, m, h or d (e.g. 90, 90s, 5m, 2h, 1d)");
    double scale = 0;
    if (unit.empty() || unit == "s") scale = 1;
    else if (unit == "m") scale = 60;
    else if (unit == "h") scale = 3600;
    else if (unit == "d") scale = 86400;
    else if (unit == "ms") scale = 0.001;
    else throw bad(fmt::format("unknown unit '{}', expected s, m, h or d", unit));
    const double ms = n * scale * 1000.0;
    if (ms > 1e15) throw bad("too large");
    return Duration(static_cast<Duration::rep>(std::llround(ms)));
}

std::uint64_t parse_size(std::string_view text) {
    const auto bad = [&](std::string_view why) { return Error(ErrorKind::usage, "invalid size", text, why); };
    double n = 0;
    std::string_view unit;
    if (!split_number(text, n, unit)) throw bad("expected bytes or a number with K, M, G, T or KiB, MiB, GiB, TiB");
    int power = -1;
    static constexpr std::string_view units[] = {"", "K", "M", "G", "T"};
    for (int i = 0; i < 5; ++i) {
        if (unit == units[i] || (i > 0 && unit == fmt::format("{}iB", units[i])) || (i > 0 && unit == fmt::format("{}B", units[i])) ||
            (i == 0 && unit == "B")) {
            power = i;
            break;
        }
    }
    if (power < 0) throw bad(fmt::format("unknown unit '{}', expected K, M, G, T or KiB, MiB, GiB, TiB (powers of 1024)", unit));
    const double bytes = n * std::pow(1024.0, power);
    if (power == 0 && bytes != std::floor(bytes)) throw bad("a byte count must be a whole number");
    // Rounded in double and compared with 2^64 before the cast: llround would go through a
    // signed 64-bit value and return garbage for sizes between 8 EiB and 16 EiB.
    const double whole = std::round(bytes);
    if (whole >= 18446744073709551616.0) throw bad("too large, the limit is 16 EiB");
    return static_cast<std::uint64_t>(whole);
}

double to_seconds(Duration d) noexcept { return static_cast<double>(d.count()) / 1000.0; }

std::string format_duration(Duration d) {
    const auto ms = d.count();
    if (ms % 1000 != 0) return fmt::format("{}s", static_cast<double>(ms) / 1000.0);
    const auto s = ms / 1000;
    if (s != 0 && s % 86400 == 0) return fmt::format("{}d", s / 86400);
    if (s != 0 && s % 3600 == 0) return fmt::format("{}h", s / 3600);
    if (s != 0 && s % 60 == 0) return fmt::format("{}m", s / 60);
    return fmt::format("{}s", s);
}

std::string format_size(std::uint64_t bytes) {
    static constexpr const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
    double v = static_cast<double>(bytes);
    int i = 0;
    while (v >= 1024.0 && i < 5) {
        v /= 1024.0;
        ++i;
    }
    if (i == 0) return fmt::format("{} B", bytes);
    return fmt::format("{:.1f} {}", v, units[i]);
}

}  // namespace opskit
