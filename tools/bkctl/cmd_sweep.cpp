// bkctl sweep: removes per-backup links left behind by runs that died without cleaning up
// (kill -9, power loss); links of live runs are kept. Meant for a weekly cron line.
#include "commands.hpp"

#include "opskit/backup/link.hpp"
#include "opskit/core/audit.hpp"

namespace opskit::bkctl {

void set_sweep_command(CLI::App* cmd, cli::Context& ctx) {
    auto dry_run = std::make_shared<bool>(false);
    cmd->add_flag("--dry-run", *dry_run, "only say which links would be removed");
    ctx.config_option(cmd, "--prefix", "bkctl.prefix", "name prefix of the per-backup links (default backup)");
    ctx.config_option(cmd, "--dev-dir", "bkctl.dev_dir", "folder of the per-backup links (default /dev)");
    ctx.on(cmd, [&ctx, dry_run] {
        const auto& cfg = ctx.config();
        Result r;
        r.value = Json::array();
        for (const auto& e : backup::sweep_links(cfg.get_string("bkctl.dev_dir"), cfg.get_string("bkctl.prefix"), *dry_run)) {
            if (e.action == "removed") audit("sweep", e.path.string(), "success", "removed stale backup link");
            r.value.push_back(backup::to_json(e));
        }
        r.columns = {{"path", ""}, {"action", ""}, {"reason", ""}};
        return r;
    });
}

}  // namespace opskit::bkctl
