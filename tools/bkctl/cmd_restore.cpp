// bkctl restore DEVICE --id ID: writes backup ID back onto DEVICE through dsmc (image
// restore, or restore -replace=yes in file mode), with hooks, locks and the per-backup link.
#include "commands.hpp"
#include "options.hpp"

namespace opskit::bkctl {

void set_restore_command(CLI::App* cmd, cli::Context& ctx) {
    auto opts = add_job_options(cmd, ctx, {.device = true, .id = true, .hooks = true, .dry_run = true});
    ctx.on(cmd, [&ctx, opts] {
        return job_result(backup::run_device_job(make_job_spec(ctx, *opts, backup::Operation::restore)));
    });
}

}  // namespace opskit::bkctl
