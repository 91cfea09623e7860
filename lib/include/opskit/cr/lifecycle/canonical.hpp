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
/// The same from canonical_json of command, environment and mounts, for a caller that has
/// those texts already (it stores them).
std::string reuse_hash_of_texts(std::string_view command, std::string_view cwd, std::string_view environment,
                                std::string_view output_path, std::string_view container_image, std::string_view mounts,
                                const Json& runtime_constraints);

}  // namespace opskit::cr
