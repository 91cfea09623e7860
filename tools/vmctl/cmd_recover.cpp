// vmctl recover SELECTOR…: Destroyed → Stopped (never starts the VM).
#include "commands.hpp"

namespace opskit::vmctl {

void set_recover_command(CLI::App& app, cli::Context& ctx) {
    auto* cmd = app.add_subcommand("recover", "take Destroyed VMs back to Stopped");
    struct Opts {
        SelectorOptions sel;
        bool dry_run = false;
    };
    auto o = std::make_shared<Opts>();
    add_selector(cmd, ctx, o->sel, "VM names or globs");
    cmd->add_flag("--dry-run", o->dry_run, "report what would be done, change nothing");
    ctx.on(cmd, [&ctx, o] {
        auto backend = open_backend(ctx);
        const auto names = vm::select_vms(*backend, o->sel.selector(), true);
        vm::Lifecycle life(*backend, {o->dry_run, true});
        return bulk_result(vm::for_each_vm(names, 1, [&](const std::string& v) { return life.recover(v); }));
    });
}

}  // namespace opskit::vmctl
