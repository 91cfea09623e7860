// Wall-clock helpers: every timestamp opskit prints or stores is RFC 3339 UTC.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace opskit {

using Clock = std::chrono::system_clock;
using TimePoint = std::chrono::time_point<Clock, std::chrono::milliseconds>;

/// Now, at millisecond precision.
TimePoint now_ms();

/// `2026-11-23T23:50:42Z`, with `.123` milliseconds only when they are non-zero.
std::string to_rfc3339(TimePoint t);

/// Parses RFC 3339 with `Z` or a numeric offset; nullopt if it is not one.
std::optional<TimePoint> parse_rfc3339(std::string_view text);

/// Milliseconds since the epoch.
std::int64_t to_epoch_ms(TimePoint t) noexcept;
TimePoint from_epoch_ms(std::int64_t ms) noexcept;

}  // namespace opskit
