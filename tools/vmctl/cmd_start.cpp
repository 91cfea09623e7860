// vmctl start SELECTOR…: start VMs; a Running VM is a no-op, a Destroyed one a conflict.
#include "commands.hpp"

namespace opskit::vmctl {

void set_start_command(CLI::App* cmd, cli::Context& ctx) {
    auto o = std::make_shared<BulkOptions>();
    const BulkVerb verb;
    add_bulk_options(cmd, ctx, *o, verb);
    ctx.on(cmd, [&ctx, o, verb] {
        return run_bulk(ctx, *o, verb, [](vm::Lifecycle& life, const std::string& v) { return life.start(v); });
    });
}

}  // namespace opskit::vmctl
