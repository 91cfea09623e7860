// Running dsmc the safe way: through the core runner (argv only, own process group, timeout
// kills the whole group), with LC_ALL=C, stdin on /dev/null so a prompt cannot block, stdout
// and stderr merged into one ordered stream, and the password kept out of bkctl's children's
// environment. Timeouts and interrupts become errors; everything else is returned for judging.
#pragma once

#include <sys/types.h>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "opskit/backup/dsmc_command.hpp"

namespace opskit::backup {

/// One finished dsmc run.
struct DsmcRun {
    std::vector<std::string> argv;  ///< redacted
    int exit_code = -1;             ///< dsmc's return code (-1 if killed by a signal)
    std::string output;             ///< stdout+stderr in order, redacted
    double duration_s = 0;
    pid_t pid = -1;
};

/// Throws Error(unavailable) when the program cannot be found or executed (before anything runs).
std::string find_dsmc(const DsmcOptions& options);

/// Runs `argv` (from dsmc_argv). `on_output` sees each chunk as it arrives (for -v).
/// Throws Error(timeout) at the deadline and Error(failed) when bkctl itself is interrupted;
/// in both cases dsmc's process group is gone before the exception leaves.
DsmcRun run_dsmc(const std::vector<std::string>& argv, const DsmcOptions& options,
                 const std::function<void(std::string_view)>& on_output = {});

}  // namespace opskit::backup
