// vmctl reboot SELECTOR…: graceful reboot request, or --force for a hardware reset. A
// Stopped VM is a conflict (start it instead).
#include "commands.hpp"

namespace opskit::vmctl {

void set_reboot_command(CLI::App& app, cli::Context& ctx) {
    auto* cmd = app.add_subcommand("reboot", "reboot VMs gracefully, or reset them with --force");
    struct Opts {
        SelectorOptions sel;
        bool force = false, no_wait = false, dry_run = false;
    };
    auto o = std::make_shared<Opts>();
    add_selector(cmd, ctx, o->sel, "VM names or globs");
    add_parallel(cmd, ctx);
    cmd->add_flag("--force", o->force, "hardware reset instead of a reboot request");
    cmd->add_flag("--no-wait", o->no_wait, "return after the request");
    cmd->add_flag("--dry-run", o->dry_run, "report what would be done, change nothing");
    ctx.on(cmd, [&ctx, o] {
        const int n = parallel(ctx);
        auto backend = open_backend(ctx);
        const auto names = vm::select_vms(*backend, o->sel.selector(), false);
        vm::Lifecycle life(*backend, {o->dry_run, !o->no_wait});
        return bulk_result(vm::for_each_vm(names, n, [&](const std::string& v) { return life.reboot(v, o->force); }));
    });
}

}  // namespace opskit::vmctl
