// vmctl list [--all] [--state S] [SELECTOR…]: VMs with state, reason, vcpus, memory,
// snapshots and the destroy record. Without --all, Destroyed VMs are left out.
#include "commands.hpp"

namespace opskit::vmctl {

void set_list_command(CLI::App& app, cli::Context& ctx) {
    auto* cmd = app.add_subcommand("list", "list VMs with their state (Destroyed ones only with --all or --state)");
    auto o = std::make_shared<SelectorOptions>();
    add_selector(cmd, ctx, *o, "VM names or globs (default: every VM)");
    ctx.on(cmd, [&ctx, o] {
        auto backend = open_backend(ctx);
        const auto sel = o->selector();
        const auto names = vm::select_vms(*backend, sel, o->all, true);
        Result r;
        r.value = Json::array();
        const auto all = backend->list();
        for (const auto& n : names)
            for (const auto& info : all)
                if (info.name == n) r.value.push_back(vm::status_json(info));
        Json rows = Json::array();
        for (const auto& v : r.value) {
            Json row = v;
            row["memory"] = format_size(v["memory"].get<std::uint64_t>());
            if (row["expunge_at"].is_null()) row["expunge_at"] = "";
            if (!row["detail"].is_null()) row["state"] = row["state"].get<std::string>() + " (" + row["detail"].get<std::string>() + ")";
            rows.push_back(row);
        }
        r.table_value = rows;
        r.columns = {{"name", ""}, {"state", ""}, {"reason", ""}, {"vcpus", ""},
                     {"memory", ""}, {"snapshots", ""}, {"expunge_at", ""}};
        return r;
    });
}

}  // namespace opskit::vmctl
