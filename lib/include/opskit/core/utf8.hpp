// UTF-8 validity, checked where outside text enters the library (spec files, flags, config):
// JSON and SQLite hold UTF-8 only, and text that is not would otherwise surface later as an
// exception deep inside serialisation instead of a usage error naming the input.
#pragma once

#include <optional>
#include <string_view>

#include "opskit/core/output.hpp"

namespace opskit {

/// The byte offset of the first byte that does not start or continue a well-formed UTF-8
/// sequence (overlong forms, surrogates and code points past U+10FFFF are ill-formed);
/// nullopt when all of `text` is valid.
std::optional<std::size_t> utf8_error_at(std::string_view text) noexcept;

/// True when every string and object key anywhere in `value` is valid UTF-8.
bool json_is_valid_utf8(const Json& value) noexcept;

}  // namespace opskit
