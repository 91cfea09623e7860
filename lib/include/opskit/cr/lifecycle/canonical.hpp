// Canonical JSON: one spelling per value (object keys deep-sorted, no whitespace), so equal
// values are equal strings — what makes store columns comparable, reuse order-insensitive
// and the reuse hash possible.
#pragma once

#include <string>

#include "opskit/core/output.hpp"

namespace opskit::cr {

/// Compact JSON text with every object's keys sorted (recursively).
std::string canonical_json(const Json& value);

/// Hex digest (SHA-256) of a string.
std::string sha256_hex(std::string_view data);

/// The reuse key of a container's attributes (§4.3): command, cwd, environment,
/// output_path, container_image, mounts and runtime_constraints without keep_cache_* keys.
std::string reuse_hash(const Json& command, std::string_view cwd, const Json& environment,
                       std::string_view output_path, std::string_view container_image, const Json& mounts,
                       const Json& runtime_constraints);

}  // namespace opskit::cr
