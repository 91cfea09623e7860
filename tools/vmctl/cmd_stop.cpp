// vmctl stop SELECTOR…: graceful stop with a deadline (re-sent half-way), --force-on-timeout
// to power off at the deadline, --force to power off at once. A Stopped VM is a no-op.
#include "commands.hpp"

namespace opskit::vmctl {

void set_stop_command(CLI::App& app, cli::Context& ctx) {
    auto* cmd = app.add_subcommand("stop", "stop VMs gracefully within a deadline, or power them off");
    struct Opts {
        SelectorOptions sel;
        bool force = false, force_on_timeout = false, no_wait = false, dry_run = false;
    };
    auto o = std::make_shared<Opts>();
    add_selector(cmd, ctx, o->sel, "VM names or globs");
    add_parallel(cmd, ctx);
    cmd->add_flag("--force", o->force, "power off at once (pull the plug)");
    ctx.config_option(cmd, "--timeout", "vmctl.stop_timeout", "graceful stop deadline (default 120s)");
    cmd->add_flag("--force-on-timeout", o->force_on_timeout, "power off when the deadline passes (else exit 8)");
    cmd->add_flag("--no-wait", o->no_wait, "return after the shutdown request");
    cmd->add_flag("--dry-run", o->dry_run, "report what would be done, change nothing");
    ctx.on(cmd, [&ctx, o] {
        const int n = parallel(ctx);
        const vm::StopOptions so{o->force, ctx.config().get_duration("vmctl.stop_timeout"), o->force_on_timeout};
        auto backend = open_backend(ctx);
        const auto names = vm::select_vms(*backend, o->sel.selector(), false);
        vm::Lifecycle life(*backend, {o->dry_run, !o->no_wait});
        return bulk_result(vm::for_each_vm(names, n, [&](const std::string& v) { return life.stop(v, so); }));
    });
}

}  // namespace opskit::vmctl
