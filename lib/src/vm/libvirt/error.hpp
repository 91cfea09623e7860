// Private: turns libvirt's thread-local last error into an opskit::Error that names the VM
// and carries libvirt's own message, and silences libvirt's habit of printing every error
// to stderr (the CLI prints exactly one line per failure, itself).
#pragma once

#include <string_view>

#include "opskit/core/error.hpp"

namespace opskit::vm::lv {

/// Installs the capturing (silent) error handler once per process; idempotent.
void install_error_handler();

/// The libvirt error code of the last failed call in this thread (0 = none).
int last_error_code();

/// Forgets the last error (after an expected failure such as "no metadata").
void reset_error();

/// The last error as opskit::Error: `what (input): libvirt message`, kind from the code.
Error last_error(std::string_view what, std::string_view input);

/// Throws last_error().
[[noreturn]] void raise(std::string_view what, std::string_view input);

/// True when the last error means "these flags are not supported here" (time to fall back).
bool unsupported_flags();

}  // namespace opskit::vm::lv
