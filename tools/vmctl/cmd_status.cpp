// vmctl status SELECTOR…: the full status object of each selected VM (Destroyed included,
// since a named VM is asked for explicitly).
#include "commands.hpp"

namespace opskit::vmctl {

void set_status_command(CLI::App& app, cli::Context& ctx) {
    auto* cmd = app.add_subcommand("status", "show the state, reason, vcpus, memory, snapshots and destroy record of VMs");
    auto o = std::make_shared<SelectorOptions>();
    add_selector(cmd, ctx, *o, "VM names or globs");
    ctx.on(cmd, [&ctx, o] {
        auto backend = open_backend(ctx);
        const auto names = vm::select_vms(*backend, o->selector(), true);
        Result r;
        r.value = Json::array();
        for (const auto& n : names) r.value.push_back(vm::status_json(backend->info(n)));
        if (r.value.size() == 1) r.value = r.value[0];
        return r;
    });
}

}  // namespace opskit::vmctl
