// The rule for backup ids and link prefixes. Both become part of a file name under /dev, so
// they are checked before anything touches the filesystem: 1-128 of [A-Za-z0-9._-], not
// starting with '.' or '-'. Anything else is a usage error (exit 2) and nothing is created.
#pragma once

#include <string_view>

namespace opskit::backup {

/// True when `id` follows the rule above.
bool is_valid_backup_id(std::string_view id) noexcept;

/// Throws Error(usage) naming the id (made printable) and the rule.
void validate_backup_id(std::string_view id);

/// The same rule for the link prefix (`--prefix`), up to 64 characters.
void validate_prefix(std::string_view prefix);

}  // namespace opskit::backup
