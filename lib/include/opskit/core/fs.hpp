// Small file helpers that enforce our rules for state and secrets: private (0600/0700),
// written atomically, never half there.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace opskit {

/// Creates `dir` and its parents; the last component gets `mode` (e.g. 0700) if newly made.
void make_private_dir(const std::filesystem::path& dir, unsigned mode = 0700);

/// Writes `content` to `file` via a temp file + rename, mode `mode`.
void write_file_atomic(const std::filesystem::path& file, std::string_view content, unsigned mode = 0600);

/// Reads a whole file; Error(not_found) if missing, Error(failed) on other errors.
std::string read_file(const std::filesystem::path& file);

/// Reads a whole file, or "" when it is missing or unreadable: for logs and records that a
/// child may not have written (yet), where absence is an ordinary answer, not an error.
std::string read_file_or_empty(const std::filesystem::path& file);

/// `$XDG_<kind>_HOME` or its default under $HOME (kind: CONFIG, STATE, DATA, CACHE).
std::filesystem::path xdg_home(std::string_view kind);

}  // namespace opskit
