// The output layer's YAML writer (see yaml_write.cpp).
#pragma once

#include <string>
#include <string_view>

#include "opskit/core/output.hpp"

namespace opskit::detail {

/// Appends `value` as a YAML document (block style, indent 2, ending in a newline) that
/// YAML readers load back as the same value; text that is not UTF-8 becomes U+FFFD.
void append_yaml(std::string& out, const Json& value);

/// The pieces of it, for writers that print YAML from something other than a Json value
/// (the streaming `bkctl parse`), so one set of rules decides every scalar: a string (key
/// or value) plain when a reader gets the same string back, else double-quoted; a double
/// as the JSON output spells it.
void append_yaml_string(std::string& out, std::string_view s);
void append_yaml_double(std::string& out, double value);

/// How append_yaml_string writes `s`: as it is, as it is between double quotes, or escaped
/// in double quotes (control bytes, '"', '\\', text that is not UTF-8). Writers with their
/// own buffer copy the first two themselves and call append_yaml_string for the last.
enum class YamlString { plain, quoted, escaped };
YamlString yaml_string_form(std::string_view s) noexcept;

}  // namespace opskit::detail
