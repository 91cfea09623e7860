// vmctl list [--all] [--state S] [SELECTOR…]: VMs with state, reason, vcpus, memory,
// snapshots and the destroy record, over every host of the fleet as one table (HOST column
// on a fleet), sorted by host then name. Without --all, Destroyed VMs are left out. A host
// that cannot be reached is reported on stderr (exit 7); the others are still listed.
#include "commands.hpp"

namespace opskit::vmctl {

void set_list_command(CLI::App* cmd, cli::Context& ctx) {
    auto o = std::make_shared<SelectorOptions>();
    add_selector(cmd, ctx, *o, "VM names or globs, HOST:VM (default: every VM)");
    ctx.on(cmd, [&ctx, o] {
        const auto sel = o->selector();
        const auto spec = fleet_spec(ctx);
        const auto scan = connect_fleet(ctx, spec, sel, vm::Listing::full);
        const auto plan = vm::plan_selection(scan, sel, o->all, true);
        Result r;
        r.value = Json::array();
        std::vector<ExitCode> codes;
        for (const auto& s : plan.settled) {
            print_vm_error(*s.error);
            codes.push_back(s.exit_code());
        }
        Json rows = Json::array();
        for (const auto& p : vm::planned_vms(scan, plan, true)) {
            if (!p.info) continue;  // a plain name that does not exist: nothing to list
            auto v = vm::status_json(*p.info);
            v["host"] = scan[p.host].host.name;
            r.value.push_back(v);
            Json row = v;
            row["memory"] = format_size(v["memory"].get<std::uint64_t>());
            if (row["expunge_at"].is_null()) row["expunge_at"] = "";
            if (!row["detail"].is_null()) row["state"] = row["state"].get<std::string>() + " (" + row["detail"].get<std::string>() + ")";
            rows.push_back(row);
        }
        r.table_value = rows;
        r.columns = {{"name", ""}, {"state", ""}, {"reason", ""}, {"vcpus", ""},
                     {"memory", ""}, {"snapshots", ""}, {"expunge_at", ""}};
        if (spec.fleet) r.columns.insert(r.columns.begin(), {"host", ""});
        r.exit_code = vm::worst_exit_code(codes);
        return r;
    });
}

}  // namespace opskit::vmctl
