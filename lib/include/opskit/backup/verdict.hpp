// The operation-specific verdict of a dsmc run. dsmc's return code alone is not enough (it
// is "mapped to the class of the error message"), and one summary line is not enough either
// (seed 000 judged by `... backed up: 1` alone); bkctl combines the return code, the highest
// message severity and the expected count for the operation, as spec/dsmc.md "Verdict" says.
#pragma once

#include <optional>
#include <string>

#include "opskit/backup/dsmc_command.hpp"
#include "opskit/core/error.hpp"
#include "opskit/dsmc/report.hpp"

namespace opskit::backup {

struct Verdict {
    std::string outcome;             ///< success, warning, error
    ExitCode exit_code = ExitCode::ok;  ///< 0, 3 or 1 (4 when the server has no such backup)
    std::string reason;              ///< one line: why
};

/// Judges one run of `op`. `rc` is the return code bkctl saw (preferred over a printed one);
/// `quiet` says -quiet was passed (then a missing summary alone is not a failure when rc is 0
/// and no message says otherwise). Expected counts: backup → objects backed up = 1 (file
/// mode: >= 1), restore → restored = 1 (file mode >= 1), delete → deleted >= 1; query has none.
Verdict judge(const dsmc::Report& report, Operation op, Mode mode, std::optional<int> rc, bool quiet);

}  // namespace opskit::backup
