// bkctl delete --id ID --yes: deletes every version of backup ID on the server
// (`dsmc delete backup -objtype=image -deltype=all`). Irreversible, hence --yes.
#include "commands.hpp"
#include "options.hpp"

#include "opskit/backup/backup_id.hpp"

namespace opskit::bkctl {

void set_delete_command(CLI::App* cmd, cli::Context& ctx) {
    auto opts = add_job_options(cmd, ctx, {.id = true, .dry_run = true});
    auto yes = std::make_shared<bool>(false);
    cmd->add_flag("--yes", *yes, "confirm the irreversible delete");
    ctx.on(cmd, [&ctx, opts, yes] {
        backup::validate_backup_id(opts->id);
        if (!opts->dry_run) cli::require_yes(*yes, "refusing to delete backup", opts->id);
        return job_result(backup::run_delete_job(make_job_spec(ctx, *opts, backup::Operation::remove)));
    });
}

}  // namespace opskit::bkctl
