// The text formats of the simulator, taken from real dsmc captures: the 8.1 banner and
// session header, summary lines right-aligned to column 47 with units after the number,
// `-numberformat=1` figures (1,234.56), `-dateformat=3`/`-timeformat=1` dates, and the
// query backup table. The simulator prints nothing whose spelling was not seen in a capture
// or in IBM's documentation.
#pragma once

#include <cstdint>
#include <ctime>
#include <string>

namespace sim {

/// `2026-11-24 00:10:00` (dateformat 3, timeformat 1).
std::string date_time(std::time_t t);
/// Banner plus session header, ending with a blank line.
std::string banner(std::time_t now);
/// `1,234,567` (numberformat 1).
std::string count(std::uint64_t n);
/// `1,234.56` with two decimals.
std::string decimal(double v);
/// `0  B`, `607  B`, `4.00 KB`, `32.00 MB` (K/M/G/T = 1024-based) — number part and unit.
std::string bytes(std::uint64_t n, std::string* unit);
/// `Label:` padded so that `number` ends at column 47, then `suffix`.
std::string line(const std::string& label, const std::string& number, const std::string& suffix = "");

}  // namespace sim
