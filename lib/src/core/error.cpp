// The exit-code table of cli.md lives here and nowhere else.
#include "opskit/core/error.hpp"

#include <fmt/format.h>

namespace opskit {

ExitCode exit_code_for(ErrorKind kind) noexcept {
    switch (kind) {
    case ErrorKind::failed: return ExitCode::failed;
    case ErrorKind::usage: return ExitCode::usage;
    case ErrorKind::not_found: return ExitCode::not_found;
    case ErrorKind::conflict: return ExitCode::conflict;
    case ErrorKind::busy: return ExitCode::busy;
    case ErrorKind::unavailable: return ExitCode::unavailable;
    case ErrorKind::timeout: return ExitCode::timeout;
    case ErrorKind::internal: return ExitCode::internal;
    }
    return ExitCode::internal;
}

std::string_view to_string(ErrorKind kind) noexcept {
    switch (kind) {
    case ErrorKind::failed: return "failed";
    case ErrorKind::usage: return "usage";
    case ErrorKind::not_found: return "not_found";
    case ErrorKind::conflict: return "conflict";
    case ErrorKind::busy: return "busy";
    case ErrorKind::unavailable: return "unavailable";
    case ErrorKind::timeout: return "timeout";
    case ErrorKind::internal: return "internal";
    }
    return "internal";
}

Error::Error(ErrorKind kind, std::string message) : std::runtime_error(std::move(message)), m_kind(kind) {}

Error::Error(ErrorKind kind, std::string_view what, std::string_view input, std::string_view why)
    : Error(kind, fmt::format("{} ({}): {}", what, input, why)) {}

}  // namespace opskit
