// vmctl reboot SELECTOR…: graceful reboot request, or --force for a hardware reset. A
// Stopped VM is a conflict (start it instead).
#include "commands.hpp"

namespace opskit::vmctl {

void set_reboot_command(CLI::App* cmd, cli::Context& ctx) {
    struct Opts {
        BulkOptions bulk;
        bool force = false;
    };
    auto o = std::make_shared<Opts>();
    const BulkVerb verb;
    add_bulk_options(cmd, ctx, o->bulk, verb);
    cmd->add_flag("--force", o->force, "hardware reset instead of a reboot request");
    ctx.on(cmd, [&ctx, o, verb] {
        return run_bulk(ctx, o->bulk, verb,
                        [&](vm::Lifecycle& life, const std::string& v) { return life.reboot(v, o->force); });
    });
}

}  // namespace opskit::vmctl
