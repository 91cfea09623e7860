// Private: each section of the config schema is declared by the part of the library that
// owns it (core for `common`, each domain for its tool), and config.cpp joins them.
#pragma once

#include <vector>

#include "opskit/core/config.hpp"

namespace opskit::detail {
std::vector<ConfigKey> common_config_keys();
std::vector<ConfigKey> bkctl_config_keys();
std::vector<ConfigKey> crctl_config_keys();
std::vector<ConfigKey> vmctl_config_keys();
}  // namespace opskit::detail
