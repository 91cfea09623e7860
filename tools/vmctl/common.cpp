// Shared pieces of the vmctl verbs (see common.hpp).
#include "common.hpp"

#include <cstdio>

#include "opskit/core/redact.hpp"

namespace opskit::vmctl {

std::unique_ptr<vm::Backend> open_backend(const cli::Context& ctx) {
    return vm::open_libvirt(ctx.config().get_string("vmctl.connect"));
}

vm::Selector SelectorOptions::selector() const {
    vm::Selector s;
    s.patterns = patterns;
    s.all = all;
    if (!state.empty()) s.state = vm::parse_state(state);
    return s;
}

std::vector<std::string> complete_vm_names(const cli::Context& ctx) {
    try {
        return open_backend(ctx)->names();
    } catch (const std::exception&) {
        return {};
    }
}

void add_selector(CLI::App* cmd, cli::Context& ctx, SelectorOptions& o, const std::string& help) {
    cmd->add_option("selector", o.patterns, help);
    cmd->add_flag("--all", o.all, "every VM (Destroyed VMs only where the verb says so)");
    auto* st = cmd->add_option("--state", o.state, "only VMs in this state (Running, Stopped, Destroyed, ...)");
    ctx.complete(st, [] {
        std::vector<std::string> out;
        for (auto s : vm::all_states()) out.emplace_back(vm::to_string(s));
        return out;
    });
    ctx.complete_positional(cmd, [&ctx] { return complete_vm_names(ctx); });
}

void add_parallel(CLI::App* cmd, cli::Context& ctx) {
    ctx.config_option(cmd, "--parallel", "vmctl.parallel", "handle up to N VMs at once (default 1)");
}

int parallel(const cli::Context& ctx) {
    const auto n = ctx.config().get_int("vmctl.parallel");
    if (n < 1 || n > 256)
        throw Error(ErrorKind::usage, "--parallel", std::to_string(n), "expected a number from 1 to 256");
    return static_cast<int>(n);
}

void add_bulk_options(CLI::App* cmd, cli::Context& ctx, BulkOptions& o, const BulkVerb& verb) {
    add_selector(cmd, ctx, o.sel, verb.destroyed ? "VM names or globs (Destroyed VMs)" : "VM names or globs");
    if (verb.parallel) add_parallel(cmd, ctx);
    if (verb.no_wait) cmd->add_flag("--no-wait", o.no_wait, "return after the request");
    cmd->add_flag("--dry-run", o.dry_run, "report what would be done, change nothing");
}

Result run_bulk(const cli::Context& ctx, const BulkOptions& o, const BulkVerb& verb, const VmOp& op) {
    // Usage errors (no selection, a bad --state or --parallel) come before connecting.
    const auto selector = o.sel.selector();
    vm::require_selection(selector);
    const int n = verb.parallel ? parallel(ctx) : 1;
    auto backend = open_backend(ctx);
    const auto names = vm::select_vms(*backend, selector, verb.destroyed);
    vm::Lifecycle life(*backend, {o.dry_run, !o.no_wait});
    return bulk_result(vm::for_each_vm(names, n, [&](const std::string& v) { return op(life, v); }));
}

Result bulk_result(const std::vector<vm::OpResult>& results) {
    Result r;
    r.value = Json::array();
    Json rows = Json::array();
    for (const auto& one : results) {
        auto j = vm::to_json(one);
        r.value.push_back(j);
        Json row = {{"name", one.name},
                    {"from_state", j["from_state"]},
                    {"to_state", j["to_state"]},
                    {"changed", one.changed},
                    {"forced", one.forced},
                    {"elapsed_s", j["elapsed_s"]},
                    {"error", one.error ? Json(one.error->what()) : Json("")}};
        rows.push_back(row);
        if (one.error) std::fprintf(stderr, "vmctl: error: %s\n", redact(one.error->what()).c_str());
    }
    r.table_value = rows;
    r.columns = {{"name", ""}, {"from_state", "FROM"}, {"to_state", "TO"}, {"changed", ""},
                 {"forced", ""}, {"elapsed_s", "ELAPSED_S"}, {"error", ""}};
    r.exit_code = vm::most_severe(results);
    return r;
}

Result single_result(const vm::OpResult& result) {
    if (result.error) throw *result.error;
    Result r;
    r.value = vm::to_json(result);
    return r;
}

}  // namespace opskit::vmctl
