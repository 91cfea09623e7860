// vmctl expunge (SELECTOR… --yes | --due): remove Destroyed VMs for good — named ones now
// (with --yes), or every one whose expunge_at has passed (--due, for cron).
#include "commands.hpp"

#include "opskit/core/time.hpp"

namespace opskit::vmctl {

void set_expunge_command(CLI::App& app, cli::Context& ctx) {
    auto* cmd = app.add_subcommand("expunge", "remove Destroyed VMs now (--yes), or those that are due (--due)");
    struct Opts {
        SelectorOptions sel;
        bool yes = false, due = false, dry_run = false;
    };
    auto o = std::make_shared<Opts>();
    add_selector(cmd, ctx, o->sel, "VM names or globs (Destroyed VMs)");
    cmd->add_flag("--yes", o->yes, "confirm: expunging cannot be undone");
    cmd->add_flag("--due", o->due, "every Destroyed VM whose expunge_at has passed");
    cmd->add_flag("--dry-run", o->dry_run, "report what would be done, change nothing");
    ctx.on(cmd, [&ctx, o] {
        // Usage errors (a bad --state, nothing selected, no --yes) come before connecting.
        const auto selector = o->sel.selector();
        if (!o->due) {
            vm::require_selection(selector);
            if (!o->dry_run) cli::require_yes(o->yes, "expunge", o->sel.patterns.empty() ? "--all" : o->sel.patterns.front());
        }
        auto backend = open_backend(ctx);
        std::vector<std::string> names;
        if (o->due) {
            names = vm::due_for_expunge(*backend, now_ms());
            if (!o->sel.patterns.empty() || o->sel.all || !o->sel.state.empty()) {
                const auto chosen = vm::select_vms(*backend, selector, true);
                std::erase_if(names, [&](const std::string& n) {
                    return std::find(chosen.begin(), chosen.end(), n) == chosen.end();
                });
            }
        } else {
            names = vm::select_vms(*backend, selector, true);
        }
        vm::Lifecycle life(*backend, {o->dry_run, true});
        return bulk_result(vm::for_each_vm(names, 1, [&](const std::string& v) { return life.expunge(v); }));
    });
}

}  // namespace opskit::vmctl
