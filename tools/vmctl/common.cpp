// Shared pieces of the vmctl verbs (see common.hpp).
#include "common.hpp"

#include <algorithm>
#include <cstdio>
#include <map>

#include "opskit/core/redact.hpp"

namespace opskit::vmctl {

std::vector<std::string>& host_flags() {
    static std::vector<std::string> hosts;
    return hosts;
}

vm::FleetSpec fleet_spec(const cli::Context& ctx) {
    const auto& cfg = ctx.config();
    vm::HostSources src;
    src.connect = cfg.get_list("vmctl.connect");
    src.connect_origin = cfg.at("vmctl.connect").origin;
    src.connect_overrides = cfg.overrides("vmctl.connect", "vmctl.hosts");
    src.hosts = cfg.get_map("vmctl.hosts");
    src.host_origins = cfg.at("vmctl.hosts").entry_origins;
    src.only = host_flags();
    return vm::resolve_hosts(src);
}

std::vector<vm::HostScan> connect_fleet(const cli::Context& ctx, const vm::FleetSpec& spec, const vm::Selector& selector,
                                        vm::Listing listing) {
    vm::check_selector_hosts(spec.hosts, selector);
    auto scan = vm::scan_hosts(spec.hosts, ctx.config().get_duration("vmctl.connect_timeout"), listing);
    if (!spec.fleet && scan.size() == 1 && scan[0].error) throw *scan[0].error;
    return scan;
}

vm::Lifecycle OneVm::lifecycle(vm::EngineOptions options) const {
    vm::Lifecycle life(backend(), options);
    if (spec.fleet) life.set_lock_scope(host());
    return life;
}

Result OneVm::result(vm::OpResult r) const {
    r.host = host();
    return single_result(r);
}

OneVm locate(const cli::Context& ctx, const std::string& word) {
    OneVm one;
    one.spec = fleet_spec(ctx);
    vm::Selector sel;
    sel.patterns = {word};
    one.scan = connect_fleet(ctx, one.spec, sel, vm::Listing::states);
    one.target = vm::locate_vm(one.scan, word);
    return one;
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
        const auto spec = fleet_spec(ctx);
        // Completion must not hang the prompt on a slow host.
        const auto timeout = std::min(ctx.config().get_duration("vmctl.connect_timeout"), Duration(3000));
        std::vector<std::string> out;
        std::map<std::string, int> seen;
        for (const auto& s : vm::scan_hosts(spec.hosts, timeout, vm::Listing::states))
            for (const auto& v : s.vms) {
                if (spec.fleet) out.push_back(s.host.name + ":" + v.name);
                ++seen[v.name];
            }
        std::sort(out.begin(), out.end());
        for (const auto& [name, count] : seen)
            if (count == 1) out.push_back(name);
        return out;
    } catch (const std::exception&) {
        return {};
    }
}

std::vector<std::string> complete_host_names(const cli::Context& ctx) {
    try {
        std::vector<std::string> out;
        for (const auto& h : fleet_spec(ctx).hosts) out.push_back(h.name);
        return out;
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

namespace {
int bounded_parallel(const cli::Context& ctx, const char* key, const char* label) {
    const auto n = ctx.config().get_int(key);
    if (n < 1 || n > 256) throw Error(ErrorKind::usage, label, std::to_string(n), "expected a number from 1 to 256");
    return static_cast<int>(n);
}
}  // namespace

int parallel(const cli::Context& ctx) { return bounded_parallel(ctx, "vmctl.parallel", "--parallel"); }

void add_bulk_options(CLI::App* cmd, cli::Context& ctx, BulkOptions& o, const BulkVerb& verb) {
    add_selector(cmd, ctx, o.sel, verb.destroyed ? "VM names or globs (Destroyed VMs)" : "VM names or globs");
    if (verb.parallel) add_parallel(cmd, ctx);
    if (verb.no_wait) cmd->add_flag("--no-wait", o.no_wait, "return after the request");
    cmd->add_flag("--dry-run", o.dry_run, "report what would be done, change nothing");
}

Result run_fleet(const cli::Context& ctx, const FleetRequest& req, const VmOp& op) {
    // Usage errors (no selection, a bad --state, --parallel or host) come before connecting.
    vm::require_selection(req.selector, req.empty_means_all);
    const auto& cfg = ctx.config();
    std::optional<int> n, per_host;
    if (!req.parallel) per_host = 1;
    else {
        if (cfg.at("vmctl.parallel").layer != ConfigLayer::builtin) n = parallel(ctx);
        if (cfg.is_set("vmctl.per_host_parallel")) per_host = bounded_parallel(ctx, "vmctl.per_host_parallel", "vmctl.per_host_parallel");
    }
    const auto spec = fleet_spec(ctx);
    const auto scan = connect_fleet(ctx, spec, req.selector, vm::Listing::states);
    auto plan = vm::plan_selection(scan, req.selector, req.destroyed, req.empty_means_all);
    if (req.keep) vm::filter_plan(plan, scan, req.keep);
    auto ro = vm::FleetRunOptions::pool(n, per_host, scan.size(), spec.fleet);
    ro.engine = req.engine;
    return bulk_result(vm::run_plan(scan, plan, ro, op), spec.fleet);
}

Result run_bulk(const cli::Context& ctx, const BulkOptions& o, const BulkVerb& verb, const VmOp& op) {
    FleetRequest req;
    req.selector = o.sel.selector();
    req.destroyed = verb.destroyed;
    req.parallel = verb.parallel;
    req.engine = {o.dry_run, !o.no_wait};
    return run_fleet(ctx, req, op);
}

void print_vm_error(const Error& error) { std::fprintf(stderr, "vmctl: error: %s\n", redact(error.what()).c_str()); }

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
        if (one.error) print_vm_error(*one.error);
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
