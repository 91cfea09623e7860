// vmctl status SELECTOR…: the full status object of each selected VM (Destroyed included,
// since a named VM is asked for explicitly), over the fleet. On one host a missing VM is its
// error, as always; on a fleet each VM that cannot be shown is one stderr line, the rest
// are shown, and the exit code is the worst.
#include "commands.hpp"

namespace opskit::vmctl {

void set_status_command(CLI::App* cmd, cli::Context& ctx) {
    auto o = std::make_shared<SelectorOptions>();
    add_selector(cmd, ctx, *o, "VM names or globs, HOST:VM");
    ctx.on(cmd, [&ctx, o] {
        const auto sel = o->selector();
        vm::require_selection(sel);
        const auto spec = fleet_spec(ctx);
        const auto scan = connect_fleet(ctx, spec, sel, vm::Listing::full);
        const auto plan = vm::plan_selection(scan, sel, true);
        std::vector<Error> errors;
        for (const auto& s : plan.settled) errors.push_back(*s.error);
        Result r;
        r.value = Json::array();
        for (const auto& p : vm::planned_vms(scan, plan, false)) {
            try {
                // A name the listing did not show: ask the host, for libvirt's own error.
                auto v = vm::status_json(p.info ? *p.info : scan[p.host].backend->info(p.name));
                v["host"] = scan[p.host].host.name;
                r.value.push_back(v);
            } catch (const Error& e) {
                errors.push_back(e);
            }
        }
        if (!spec.fleet && !errors.empty()) throw errors.front();
        std::vector<ExitCode> codes;
        for (const auto& e : errors) {
            print_vm_error(e);
            codes.push_back(e.exit_code());
        }
        r.exit_code = vm::worst_exit_code(codes);
        if (r.value.size() == 1) r.value = r.value[0];
        return r;
    });
}

}  // namespace opskit::vmctl
