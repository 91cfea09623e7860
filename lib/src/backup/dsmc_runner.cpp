// dsmc runs over opskit::run_process (see dsmc_runner.hpp).
#include "opskit/backup/dsmc_runner.hpp"

#include <signal.h>
#include <string.h>

#include <fmt/format.h>

#include "opskit/core/error.hpp"
#include "opskit/core/process.hpp"
#include "opskit/core/units.hpp"

namespace opskit::backup {

std::string find_dsmc(const DsmcOptions& options) {
    const auto exe = find_program(options.program);
    if (!exe)
        throw Error(ErrorKind::unavailable, "dsmc not found", options.program,
                    "not in PATH or not executable; install the IBM Storage Protect client or set --dsmc");
    return exe->string();
}

DsmcRun run_dsmc(const std::vector<std::string>& argv, const DsmcOptions& options,
                 const std::function<void(std::string_view)>& on_output) {
    ProcessSpec spec;
    spec.argv = argv;
    spec.argv.front() = find_dsmc(options);
    spec.env_set = {{"LC_ALL", "C"}, {"LANG", "C"}};
    spec.env_unset = {"BKCTL_PASSWORD", "LANGUAGE"};
    spec.merge_output = true;
    spec.timeout = options.timeout;
    if (on_output) spec.on_output = [&on_output](std::string_view chunk, bool) { on_output(chunk); };
    DsmcRun run;
    run.argv = redact_argv(argv);
    const auto result = run_process(std::move(spec));
    run.pid = result.pid;
    run.exit_code = result.exit_code;
    run.output = result.out;
    run.duration_s = to_seconds(result.elapsed);
    if (result.timed_out)
        throw Error(ErrorKind::timeout, "dsmc timed out", argv.back(),
                    fmt::format("killed its process group after {}", format_duration(*options.timeout)));
    if (result.interrupted) {
        const char* name = ::sigabbrev_np(interrupted_by());
        throw Error(ErrorKind::failed, "dsmc interrupted", argv.back(),
                    fmt::format("bkctl received SIG{}; dsmc's process group was killed", name ? name : "?"));
    }
    return run;
}

}  // namespace opskit::backup
