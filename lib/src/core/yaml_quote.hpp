// Whether a string must be double-quoted in YAML output so that a YAML reader gets the same
// string back (not a number, a boolean, null, a key, a comment or trimmed text). Its own
// file so the unit tests can pin the decision down on tricky strings. Internal to core.
#pragma once

#include <string_view>

namespace opskit::detail {

/// True for the empty string; anything that starts like a number (`-1`, `.5`, `3 apples`)
/// unless a line break follows its first digit; the YAML 1.1 words true/false/yes/no/on/
/// off/null/~/y/n in any case; a first byte that is whitespace or a YAML indicator
/// (`: ? - ! & * # | > ' " % @ \` { } [ ] ,`); `: ` or a trailing `:` (a key), ` #` (a
/// comment) and trailing whitespace. ASCII only: other bytes never force quotes.
bool yaml_needs_quotes(std::string_view s) noexcept;

}  // namespace opskit::detail
