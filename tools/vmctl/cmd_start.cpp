// vmctl start SELECTOR…: start VMs; a Running VM is a no-op, a Destroyed one a conflict.
#include "commands.hpp"

namespace opskit::vmctl {

void set_start_command(CLI::App& app, cli::Context& ctx) {
    auto* cmd = app.add_subcommand("start", "start VMs (a Running VM is left alone)");
    struct Opts {
        SelectorOptions sel;
        bool dry_run = false, no_wait = false;
    };
    auto o = std::make_shared<Opts>();
    add_selector(cmd, ctx, o->sel, "VM names or globs");
    add_parallel(cmd, ctx);
    cmd->add_flag("--no-wait", o->no_wait, "return after the request");
    cmd->add_flag("--dry-run", o->dry_run, "report what would be done, change nothing");
    ctx.on(cmd, [&ctx, o] {
        const int n = parallel(ctx);
        auto backend = open_backend(ctx);
        const auto names = vm::select_vms(*backend, o->sel.selector(), false);
        vm::Lifecycle life(*backend, {o->dry_run, !o->no_wait});
        return bulk_result(vm::for_each_vm(names, n, [&](const std::string& v) { return life.start(v); }));
    });
}

}  // namespace opskit::vmctl
