// OPSKIT_VERSION comes from the project() version in CMake, so there is one number to bump.
#include "opskit/core/version.hpp"

namespace opskit {
std::string_view version() noexcept { return OPSKIT_VERSION; }
}  // namespace opskit
