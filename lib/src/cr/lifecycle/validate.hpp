// Private: request validation (reference §2). Findings are collected, never thrown one by
// one, so a client sees every problem of a spec at once.
#pragma once

#include <vector>

#include "opskit/cr/lifecycle/model.hpp"
#include "opskit/cr/lifecycle/requests.hpp"

namespace opskit::cr::detail {

/// Checks the rules of §2.2 (always) and, when `full` (a new record or a Committed one),
/// those of §2.3 incl. the commit-only runtime constraint rules when `committing_or_committed`.
void validate_request(const ContainerRequest& request, bool full, std::vector<Problem>& problems);

/// True for the runtime_constraints value forms accepted at commit for vcpus/ram: a positive
/// integer, or a `[min]`/`[min, max]`/`[min, null]` range with positive integer min ≤ max.
bool valid_resource(const Json& value);

/// `<32 hex>+<size>[+hints]`.
bool is_portable_data_hash(std::string_view text);

}  // namespace opskit::cr::detail
