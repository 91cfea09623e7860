// vmctl wait VM --state S [--timeout D]: block until the VM is in state S (exit 8 at the
// deadline) — for scripts that sent a --no-wait request. VM is `VM` or `HOST:VM` on a fleet.
#include "commands.hpp"

namespace opskit::vmctl {

void set_wait_command(CLI::App* cmd, cli::Context& ctx) {
    struct Opts {
        std::string vm, state;
    };
    auto o = std::make_shared<Opts>();
    cmd->add_option("vm", o->vm, "the VM")->required();
    auto* st = cmd->add_option("--state", o->state, "the state to wait for")->required();
    ctx.complete(st, [] {
        std::vector<std::string> out;
        for (auto s : vm::all_states()) out.emplace_back(vm::to_string(s));
        return out;
    });
    ctx.config_option(cmd, "--timeout", "vmctl.stop_timeout", "how long to wait (default: vmctl.stop_timeout)");
    ctx.complete_positional(cmd, [&ctx] { return complete_vm_names(ctx); });
    ctx.on(cmd, [&ctx, o] {
        const auto state = vm::parse_state(o->state);
        const auto one = locate(ctx, o->vm);
        auto life = one.lifecycle({false, true});
        return one.result(life.wait(one.target.name, state, ctx.config().get_duration("vmctl.stop_timeout")));
    });
}

}  // namespace opskit::vmctl
