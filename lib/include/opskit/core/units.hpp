// Durations and sizes as operators type them (`90`, `5m`, `1d`; `512`, `4K`, `2GiB`), parsed
// in one place so every option and config value accepts the same spellings and rejects bad
// input with the same kind of message.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace opskit {

using Duration = std::chrono::milliseconds;

/// Parses `90`, `90s`, `1.5s`, `5m`, `2h`, `1d` (bare numbers are seconds).
/// Throws Error(usage) naming the text and what was expected.
Duration parse_duration(std::string_view text);

/// Parses bytes: `512`, `4K`/`4KiB`, `M`/`MiB`, `G`/`GiB`, `T`/`TiB` (all powers of 1024).
/// Throws Error(usage) naming the text and what was expected.
std::uint64_t parse_size(std::string_view text);

/// Seconds as a double, the unit of every duration in JSON.
double to_seconds(Duration d) noexcept;

/// Shortest exact spelling of a duration (`90s`, `5m`, `1d`, `1.5s`).
std::string format_duration(Duration d);

/// Human form of a byte count for tables (`1.5 GiB`); JSON keeps integers.
std::string format_size(std::uint64_t bytes);

}  // namespace opskit
