// Locale-tolerant dsmc figures: counts with `,` `.` `'` space or U+202F grouping, decimal
// commas, byte quantities with B/KB/MB/GB/TB/PB (powers of 1024, exact integer rounding),
// rates, percentages and HH:MM:SS durations over 24 h. Internal to the parser; pure
// functions over string_view, no allocation, no locale, no regex.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace opskit::dsmc::detail {

/// A decimal as printed: digits without separators, and how many of them are decimals.
struct Decimal {
    std::uint64_t digits = 0;
    int frac_digits = 0;
    double value() const noexcept;
};

/// Reads a number at the start of `s` (no sign). Grouping separators: `,` `.` `'` U+202F
/// U+00A0 and a single space before exactly three digits. The last `,`/`.` is the decimal
/// separator unless exactly three digits follow it. `used` gets the bytes consumed.
std::optional<Decimal> read_decimal(std::string_view s, std::size_t& used) noexcept;

/// The whole of `s` (trimmed) as a number; nullopt if anything else is in it.
std::optional<Decimal> parse_decimal(std::string_view s) noexcept;

/// Multiplier exponent of a unit (`B` 0, `KB` 1 … `PB` 5; case-insensitive, also `K`,
/// `KiB`, `bytes`); -1 if unknown.
int unit_power(std::string_view unit) noexcept;

/// `d` units of 1024^`power` bytes, rounded half up; nullopt if it overflows. What
/// parse_bytes gives once it has read the number and the unit.
std::optional<std::uint64_t> bytes_of(const Decimal& d, int power) noexcept;

/// `4.51 TB`, `0  B`, `1,244,997,334 KB`, `4,743` (bytes) → bytes; nullopt if not one.
std::optional<std::uint64_t> parse_bytes(std::string_view s) noexcept;

/// `3,220,562` → 3220562 (must be whole).
std::optional<std::uint64_t> parse_count(std::string_view s) noexcept;

/// `147,046.32 KB/sec` → bytes per second.
std::optional<double> parse_rate(std::string_view s) noexcept;

/// `37%`, `100.00%`, `99,69 %` → percent.
std::optional<double> parse_percent(std::string_view s) noexcept;

/// `6,982.41 sec` → seconds.
std::optional<double> parse_seconds(std::string_view s) noexcept;

/// `24:56:18` (hours unbounded) → seconds; also accepts `.` as separator.
std::optional<double> parse_hms(std::string_view s) noexcept;

}  // namespace opskit::dsmc::detail
