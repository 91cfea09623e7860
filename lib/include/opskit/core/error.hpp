// The one error family of opskit. Every failure a tool can report is an opskit::Error whose
// kind decides the exit code, in exactly one place (exit_code_for), so the three tools can
// never disagree about what "busy" or "not found" exits with.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace opskit {

/// Exit codes of the shared CLI contract (see opskit(7)).
enum class ExitCode : int {
    ok = 0,
    failed = 1,
    usage = 2,
    warning = 3,
    not_found = 4,
    conflict = 5,
    busy = 6,
    unavailable = 7,
    timeout = 8,
    internal = 10,
};

/// What went wrong, independent of how it is reported.
enum class ErrorKind {
    failed,       ///< the operation ran and failed
    usage,        ///< bad option, bad value, invalid spec, missing --yes
    not_found,    ///< device, backup, VM, snapshot, request, container
    conflict,     ///< not allowed in the current state
    busy,         ///< another run holds the lock
    unavailable,  ///< backend, binary or store cannot be reached
    timeout,      ///< a deadline passed
    internal,     ///< a bug
};

/// The exit code for an error kind: the single mapping of the exit-code table.
ExitCode exit_code_for(ErrorKind kind) noexcept;

/// Stable lower-case name of a kind ("not_found"), used in JSON error objects.
std::string_view to_string(ErrorKind kind) noexcept;

/// The exception every library layer throws. The message has the shape
/// `WHAT (INPUT): WHY`; the CLI prefixes `TOOL: error: `. Messages pass through
/// the redactor before anyone prints them.
class Error : public std::runtime_error {
public:
    Error(ErrorKind kind, std::string message);
    /// Builds `what (input): why`, the message shape of the CLI contract.
    Error(ErrorKind kind, std::string_view what, std::string_view input, std::string_view why);

    ErrorKind kind() const noexcept { return m_kind; }
    ExitCode exit_code() const noexcept { return exit_code_for(m_kind); }

private:
    ErrorKind m_kind;
};

}  // namespace opskit
