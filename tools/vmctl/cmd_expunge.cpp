// vmctl expunge (SELECTOR… --yes | --due): remove Destroyed VMs for good — named ones now
// (with --yes), or every one whose expunge_at has passed (--due, for cron), on every host of
// the fleet: each host's destroy records are its own, an unreachable host is reported
// (exit 7) and the reachable ones are swept.
#include "commands.hpp"

#include "opskit/core/time.hpp"

namespace opskit::vmctl {

void set_expunge_command(CLI::App* cmd, cli::Context& ctx) {
    struct Opts {
        SelectorOptions sel;
        bool yes = false, due = false, dry_run = false;
    };
    auto o = std::make_shared<Opts>();
    add_selector(cmd, ctx, o->sel, "VM names or globs, HOST:VM (Destroyed VMs)");
    cmd->add_flag("--yes", o->yes, "confirm: expunging cannot be undone");
    cmd->add_flag("--due", o->due, "every Destroyed VM whose expunge_at has passed");
    cmd->add_flag("--dry-run", o->dry_run, "report what would be done, change nothing");
    ctx.on(cmd, [&ctx, o] {
        FleetRequest req;
        req.selector = o->sel.selector();
        req.destroyed = true;
        req.parallel = false;
        req.engine = {o->dry_run, true};
        if (o->due) {
            req.empty_means_all = true;
            const auto now = now_ms();
            req.keep = [now](const vm::VmInfo& v) { return vm::due_for_expunge(v, now); };
        } else {
            // Usage errors (nothing selected, no --yes) come before connecting.
            vm::require_selection(req.selector);
            if (!o->dry_run) cli::require_yes(o->yes, "expunge", o->sel.patterns.empty() ? "--all" : o->sel.patterns.front());
        }
        return run_fleet(ctx, req, [](vm::Lifecycle& life, const std::string& v) { return life.expunge(v); });
    });
}

}  // namespace opskit::vmctl
