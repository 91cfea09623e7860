// bkctl backup DEVICE --id ID: image backup of a block device (or selective backup of a
// regular file in file mode) through dsmc, with hooks, locks and the per-backup link.
#include "commands.hpp"
#include "options.hpp"

namespace opskit::bkctl {

void set_backup_command(CLI::App* cmd, cli::Context& ctx) {
    auto opts = add_job_options(cmd, ctx, {.device = true, .id = true, .hooks = true, .compression = true, .dry_run = true});
    ctx.on(cmd, [&ctx, opts] {
        return job_result(backup::run_device_job(make_job_spec(ctx, *opts, backup::Operation::backup)));
    });
}

}  // namespace opskit::bkctl
