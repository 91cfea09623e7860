// The process-wide list of secrets. Anything that prints, logs or raises text (the output
// printer, the error handler, syslog, subprocess capture) passes it through redact(), so a
// secret registered once cannot leak through a path somebody forgot.
#pragma once

#include <string>
#include <string_view>

namespace opskit {

/// Registers a secret; from now on redact() replaces every occurrence with `***`.
/// Empty strings are ignored.
void add_secret(std::string_view secret);

/// Forgets all secrets (tests only).
void clear_secrets();

/// Whether any secret is registered: a printer of many small pieces skips redacting (and
/// copying to redact) when none is.
bool has_secrets() noexcept;

/// Returns text with every registered secret replaced by `***`.
std::string redact(std::string_view text);

/// The same, in place: no copy of a large document (`bkctl parse` of a big log).
void redact_in_place(std::string& text);

}  // namespace opskit
