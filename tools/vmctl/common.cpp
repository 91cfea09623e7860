// Shared pieces of the vmctl verbs (see common.hpp).
#include "common.hpp"

#include <cstdio>

#include "opskit/core/redact.hpp"

namespace opskit::vmctl {

std::unique_ptr<vm::Backend> open_backend(const cli::Context& ctx) {
    return vm::open_libvirt(ctx.config().get_string("vmctl.connect"));
}

std::vector<std::string>& host_flags() {
    static std::vector<std::string> hosts;
    return hosts;
}

namespace {
int layer_rank(const std::string& origin) {
    if (origin.starts_with("flag")) return 4;
    if (origin.starts_with("env")) return 3;
    if (origin.starts_with("file")) return 2;
    return 0;
}
}  // namespace

vm::FleetSpec fleet_spec(const cli::Context& ctx) {
    const auto& cfg = ctx.config();
    vm::HostSources src;
    const auto& connect = cfg.at("vmctl.connect");
    if (connect.value.is_string()) {
        // A repeated -c arrives joined by newlines.
        std::string text = connect.value.get<std::string>();
        std::size_t start = 0;
        while (start <= text.size()) {
            auto nl = text.find('\n', start);
            if (nl == std::string::npos) nl = text.size();
            if (nl > start) src.connect.push_back(text.substr(start, nl - start));
            start = nl + 1;
        }
        if (src.connect.empty()) src.connect.push_back("");
    }
    src.connect_origin = connect.origin;
    const auto& hosts = cfg.at("vmctl.hosts");
    src.connect_overrides = layer_rank(connect.origin) > layer_rank(hosts.origin);
    src.hosts = cfg.get_map("vmctl.hosts");
    src.host_origins = hosts.entry_origins;
    src.only = host_flags();
    return vm::resolve_hosts(src);
}

std::vector<vm::HostScan> scan_fleet(const cli::Context& ctx, const vm::FleetSpec& spec, bool list_vms) {
    auto scan = vm::scan_hosts(spec.hosts, ctx.config().get_duration("vmctl.connect_timeout"), list_vms);
    if (!spec.fleet && scan.size() == 1 && scan[0].error) throw *scan[0].error;
    return scan;
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
    const auto spec = fleet_spec(ctx);
    vm::check_selector_hosts(spec.hosts, selector);   // an unknown host: exit 2 before connecting
    const auto scan = scan_fleet(ctx, spec, true);
    const auto plan = vm::plan_selection(scan, selector, verb.destroyed);
    vm::FleetRunOptions ro;
    const auto per_host = ctx.config().get_int("vmctl.per_host_parallel");
    const bool parallel_given = ctx.config().at("vmctl.parallel").origin != "default";
    // Default on a fleet: one VM per host at a time, all hosts at once.
    ro.per_host = verb.parallel ? static_cast<int>(per_host) : 1;
    ro.parallel = parallel_given || !verb.parallel
                      ? (verb.parallel ? n : static_cast<int>(scan.size()))
                      : static_cast<int>(scan.size()) * std::max(1, static_cast<int>(per_host));
    if (!spec.fleet) ro.parallel = n;
    ro.engine = {o.dry_run, !o.no_wait};
    ro.scope_locks = spec.fleet;
    return bulk_result(vm::run_plan(scan, plan, ro, op), spec.fleet);
}

Result bulk_result(const std::vector<vm::OpResult>& results, bool fleet) {
    Result r;
    r.value = Json::array();
    Json rows = Json::array();
    for (const auto& one : results) {
        auto j = vm::to_json(one);
        r.value.push_back(j);
        Json row = {{"host", one.host},
                    {"name", one.name},
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
    if (fleet) r.columns.insert(r.columns.begin(), {"host", ""});
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
