// vmctl recover SELECTOR…: Destroyed → Stopped (never starts the VM).
#include "commands.hpp"

namespace opskit::vmctl {

void set_recover_command(CLI::App* cmd, cli::Context& ctx) {
    auto o = std::make_shared<BulkOptions>();
    const BulkVerb verb{.parallel = false, .no_wait = false, .destroyed = true};
    add_bulk_options(cmd, ctx, *o, verb);
    ctx.on(cmd, [&ctx, o, verb] {
        return run_bulk(ctx, *o, verb, [](vm::Lifecycle& life, const std::string& v) { return life.recover(v); });
    });
}

}  // namespace opskit::vmctl
