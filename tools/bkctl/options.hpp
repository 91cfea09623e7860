// Options shared by the bkctl verbs that run dsmc (backup, restore, delete, list): each one
// bound to its config key, so flag > env > file > default applies, and turned into a
// backup::JobSpec in one place.
#pragma once

#include <memory>
#include <string>

#include "common/cli.hpp"
#include "opskit/backup/job.hpp"

namespace opskit::bkctl {

/// Which option groups a verb takes.
struct OptionSet {
    bool device = false;       ///< DEVICE positional
    bool id = false;           ///< --id
    bool hooks = false;        ///< --pre/--post
    bool compression = false;  ///< --compression/--no-compression
    bool dry_run = false;
};

/// Storage for the options' values (owned by the handler via shared_ptr).
struct JobOptions {
    std::string device;
    std::string id;
    bool dry_run = false;
};

/// Adds the options of `set` to `cmd` and returns their storage.
std::shared_ptr<JobOptions> add_job_options(CLI::App* cmd, cli::Context& ctx, const OptionSet& set);

/// The JobSpec for `op` from parsed options and the loaded config (loads the password too).
backup::JobSpec make_job_spec(const cli::Context& ctx, const JobOptions& opts, backup::Operation op);

/// Device paths and tags of this machine, for completion (cheap: /sys/class/block + probing).
std::vector<std::string> device_candidates();

/// A Result with the key/value table view of a job.
Result job_result(backup::JobOutcome outcome);

}  // namespace opskit::bkctl
