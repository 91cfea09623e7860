// The output layer's YAML writer (see yaml_write.cpp).
#pragma once

#include <string>

#include "opskit/core/output.hpp"

namespace opskit::detail {

/// Appends `value` as a YAML document (block style, indent 2, ending in a newline) that
/// YAML readers load back as the same value; text that is not UTF-8 becomes U+FFFD.
void append_yaml(std::string& out, const Json& value);

}  // namespace opskit::detail
