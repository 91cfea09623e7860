// vmctl stop SELECTOR…: graceful stop with a deadline (re-sent half-way), --force-on-timeout
// to power off at the deadline, --force to power off at once. A Stopped VM is a no-op.
#include "commands.hpp"

namespace opskit::vmctl {

void set_stop_command(CLI::App* cmd, cli::Context& ctx) {
    struct Opts {
        BulkOptions bulk;
        bool force = false, force_on_timeout = false;
    };
    auto o = std::make_shared<Opts>();
    const BulkVerb verb;
    add_bulk_options(cmd, ctx, o->bulk, verb);
    cmd->add_flag("--force", o->force, "power off at once (pull the plug)");
    ctx.config_option(cmd, "--timeout", "vmctl.stop_timeout", "graceful stop deadline (default 120s)");
    cmd->add_flag("--force-on-timeout", o->force_on_timeout, "power off when the deadline passes (else exit 8)");
    ctx.on(cmd, [&ctx, o, verb] {
        const vm::StopOptions so{o->force, ctx.config().get_duration("vmctl.stop_timeout"), o->force_on_timeout};
        return run_bulk(ctx, o->bulk, verb, [&](vm::Lifecycle& life, const std::string& v) { return life.stop(v, so); });
    });
}

}  // namespace opskit::vmctl
