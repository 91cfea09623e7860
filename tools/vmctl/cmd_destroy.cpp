// vmctl destroy SELECTOR…: soft delete — stop (graceful, then forced), drop snapshots, mark
// Destroyed until expunge_at; --expunge --yes removes it now with the chosen volumes.
#include "commands.hpp"

#include <sstream>

namespace opskit::vmctl {

void set_destroy_command(CLI::App* cmd, cli::Context& ctx) {
    struct Opts {
        BulkOptions bulk;
        bool force = false, expunge = false, yes = false, all_volumes = false;
        std::string volumes;
    };
    auto o = std::make_shared<Opts>();
    const BulkVerb verb{.no_wait = false};  // destroy always waits for the VM to stop
    add_bulk_options(cmd, ctx, o->bulk, verb);
    cmd->add_flag("--force", o->force, "power a running VM off at once instead of a graceful stop");
    ctx.config_option(cmd, "--timeout", "vmctl.stop_timeout", "graceful stop deadline before powering off");
    cmd->add_flag("--expunge", o->expunge, "expunge at once (needs --yes)");
    cmd->add_flag("--yes", o->yes, "confirm expunge and volume deletion");
    auto* dv = cmd->add_option("--delete-volumes", o->volumes, "also delete these data volumes at expunge (targets: vdb,vdc)");
    auto* da = cmd->add_flag("--delete-all-volumes", o->all_volumes, "delete every managed data volume at expunge");
    dv->excludes(da);
    ctx.on(cmd, [&ctx, o, verb] {
        vm::DestroyRequest req;
        req.force = o->force;
        req.expunge = o->expunge;
        req.yes = o->yes;
        req.delete_all_volumes = o->all_volumes;
        std::stringstream ss(o->volumes);
        for (std::string t; std::getline(ss, t, ',');)
            if (!t.empty()) req.delete_volumes.push_back(t);
        vm::check_destroy_request(req, "destroy");
        const vm::StopOptions so{o->force, ctx.config().get_duration("vmctl.stop_timeout"), true};
        const auto delay = ctx.config().get_duration("vmctl.expunge_delay");
        return run_bulk(ctx, o->bulk, verb,
                        [&](vm::Lifecycle& life, const std::string& v) { return life.destroy(v, req, so, delay); });
    });
}

}  // namespace opskit::vmctl
