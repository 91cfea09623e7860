// --pre/--post hooks: the quiesce step around a backup (`docker exec db2 … write suspend`
// before, `… write resume` after). A hook is an argv string split into words like a shell
// would split it (quotes and backslashes), but never run by a shell; it sees BKCTL_DEVICE,
// BKCTL_BACKUP_ID and BKCTL_PHASE.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "opskit/core/output.hpp"
#include "opskit/core/units.hpp"

namespace opskit::backup {

/// Splits `command` into words: whitespace separates, '…' and "…" group, \ escapes.
/// Throws Error(usage) for an unterminated quote or an empty command.
std::vector<std::string> split_command(std::string_view command);

struct HookResult {
    std::string phase;                 ///< pre or post
    std::vector<std::string> argv;
    int exit_code = -1;
    bool ok = false;
    std::string output;                ///< stdout+stderr, redacted
    double duration_s = 0;
};

/// Runs the hook; a hook that cannot be started is reported as a failed hook (not thrown).
/// `survives_interrupt`: the hook runs to its end (or timeout) even while bkctl is being
/// stopped, for the post-hook that resumes what the pre-hook quiesced.
HookResult run_hook(std::string_view command, std::string_view phase, std::string_view device,
                    std::string_view backup_id, std::optional<Duration> timeout, bool survives_interrupt = false);

Json to_json(const HookResult& hook);

}  // namespace opskit::backup
