// The library's version, for --version and for consumers.
#pragma once

#include <string_view>

namespace opskit {

/// `MAJOR.MINOR.PATCH` of libopskit.
std::string_view version() noexcept;

}  // namespace opskit
