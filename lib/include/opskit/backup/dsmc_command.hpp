// How bkctl talks to dsmc: the argv of each operation (as seed 000 built it, plus the forced
// date/time/number formats robust wrappers use), the password (file or environment only,
// registered as a secret before anything can print it), and the redacted argv for output.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "opskit/core/units.hpp"

namespace opskit::backup {

enum class Operation { backup, restore, remove, query };
enum class Mode { image, file };

std::string_view to_string(Operation op) noexcept;   ///< backup, restore, delete, query
std::string_view to_string(Mode mode) noexcept;      ///< image, file
/// `image|file`; throws Error(usage) otherwise (`auto` is decided by the caller).
Mode parse_mode(std::string_view text);

/// What every dsmc run needs besides the operation.
struct DsmcOptions {
    std::string program = "dsmc";              ///< name in PATH or a path (--dsmc)
    std::vector<std::string> extra;            ///< bkctl.dsmc_options (-servername=…)
    std::optional<std::string> password;       ///< from load_password(); goes to dsmc as -password=
    bool compression = true;
    std::optional<Duration> timeout;
};

/// The full argv (program first) for `op` on `path`. For query, `path` may be empty
/// (image: all images) or a file specification.
std::vector<std::string> dsmc_argv(Operation op, Mode mode, const std::string& path, const DsmcOptions& options);

/// `argv` with every password option (`-password=`, and dsmc's abbreviations `-pa=`,
/// `-pas=`, … in any case) shown as `-password=***`.
std::vector<std::string> redact_argv(const std::vector<std::string>& argv);

/// The password: from `password_file` when given (refused unless mode 0600 or stricter and
/// a regular file), else from `BKCTL_PASSWORD`, else none. A password found is registered
/// with add_secret() at once.
std::optional<std::string> load_password(const std::optional<std::filesystem::path>& password_file);

}  // namespace opskit::backup
