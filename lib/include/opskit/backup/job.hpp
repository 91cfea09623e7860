// One bkctl operation end to end: validate, resolve the device, lock it, run the pre-hook,
// make the per-backup link, run dsmc, remove the link, run the post-hook, judge, audit.
// Every resource is RAII-owned, so the link and locks go on every exit path (errors,
// timeouts, and interrupts, which the CLI rethrows only after unwinding).
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "opskit/backup/dsmc_command.hpp"
#include "opskit/core/error.hpp"
#include "opskit/core/output.hpp"

namespace opskit::backup {

struct JobSpec {
    Operation op = Operation::backup;
    std::string device;                         ///< path or tag (backup/restore)
    std::string backup_id;
    std::string mode = "auto";                  ///< auto, image, file
    std::string prefix = "backup";
    std::filesystem::path dev_dir = "/dev";
    DsmcOptions dsmc;
    std::string pre, post;                      ///< hook commands, empty = none
    bool dry_run = false;
    std::function<void(std::string_view)> on_output;  ///< dsmc output as it arrives (for -v)
};

/// What a job returns to the CLI: the JSON document, a key/value view for tables, the exit code.
struct JobOutcome {
    Json value;
    Json table;
    ExitCode exit_code = ExitCode::ok;
};

/// `backup` or `restore` of a device (spec.op). Errors before dsmc ran are thrown
/// (usage 2, not found 4, conflict 5, busy 6, unavailable 7); a timeout throws (8) after
/// cleanup; a finished run returns its verdict (0, 3, 1, or 4 when the server has no backup).
JobOutcome run_device_job(const JobSpec& spec);

/// `delete backup` of `<dev_dir>/<prefix>-<id>` (the caller has checked --yes).
JobOutcome run_delete_job(const JobSpec& spec);

/// `query image` (or `query backup` in file mode), rows limited to bkctl's own links
/// `<dev_dir>/<prefix>-*`, each with its backup id.
JobOutcome run_list_job(const JobSpec& spec);

}  // namespace opskit::backup
