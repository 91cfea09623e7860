// What the vmctl verbs share: the fleet of hosts from -c/--host/VMCTL_CONNECT/config, the
// selector options (names, globs, --all, --state) with VM-name completion, running a verb
// over the fleet, and turning per-VM results into one Result (array, most severe exit code,
// one stderr line per failure).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/cli.hpp"
#include "opskit/vm/fleet.hpp"
#include "opskit/vm/lifecycle.hpp"
#include "opskit/vm/select.hpp"

namespace opskit::vmctl {

/// `--host NAME` values (repeatable), set by main.cpp's global option.
std::vector<std::string>& host_flags();

/// The hosts this invocation works: -c (repeatable), vmctl.hosts or vmctl.connect, --host.
vm::FleetSpec fleet_spec(const cli::Context& ctx);

/// Checks the selector's host parts (an unknown host is exit 2 before connecting), then
/// connects to every host (vmctl.connect_timeout). On a single host (not a fleet) a host
/// that cannot be reached is thrown, as vmctl always did.
std::vector<vm::HostScan> connect_fleet(const cli::Context& ctx, const vm::FleetSpec& spec,
                                        const vm::Selector& selector, vm::Listing listing);

/// The VM of a single-VM verb (snapshot, wait), `VM` or `HOST:VM`, located on the fleet.
struct OneVm {
    vm::FleetSpec spec;
    std::vector<vm::HostScan> scan;
    vm::PlannedVm target;

    vm::Backend& backend() const { return *scan[target.host].backend; }
    const std::string& host() const { return scan[target.host].host.name; }
    /// A Lifecycle on the VM's host (locks carry the host on a fleet).
    vm::Lifecycle lifecycle(vm::EngineOptions options) const;
    /// single_result() of `result`, marked with the VM's host.
    Result result(vm::OpResult result) const;
};
OneVm locate(const cli::Context& ctx, const std::string& word);

/// Selector options of a bulk verb, kept alive by the handler.
struct SelectorOptions {
    std::vector<std::string> patterns;
    bool all = false;
    std::string state;

    vm::Selector selector() const;
};

/// Adds `SELECTOR…`, `--all` and `--state S` (with completion) to `cmd`.
void add_selector(CLI::App* cmd, cli::Context& ctx, SelectorOptions& options, const std::string& help);

/// Completes VM names from the hosts (`HOST:VM` on a fleet, and the bare names found on one
/// host only); nothing from a host that cannot be reached.
std::vector<std::string> complete_vm_names(const cli::Context& ctx);
/// Completes the fleet's host names (from config, no connection).
std::vector<std::string> complete_host_names(const cli::Context& ctx);

/// `--parallel N` bound to vmctl.parallel; returns the validated value.
void add_parallel(CLI::App* cmd, cli::Context& ctx);
int parallel(const cli::Context& ctx);

/// How a bulk verb selects and runs: `--parallel N` (else one VM at a time), `--no-wait`
/// (else it always waits for the target state), Destroyed VMs selectable or not.
struct BulkVerb {
    bool parallel = true;
    bool no_wait = true;
    bool destroyed = false;
};

/// The options of a bulk verb (selector, --dry-run, --no-wait), kept alive by the handler.
struct BulkOptions {
    SelectorOptions sel;
    bool dry_run = false, no_wait = false;
};

/// Adds the selector, --parallel and --no-wait (as `verb` allows) and --dry-run to `cmd`.
void add_bulk_options(CLI::App* cmd, cli::Context& ctx, BulkOptions& options, const BulkVerb& verb);

using VmOp = std::function<vm::OpResult(vm::Lifecycle&, const std::string&)>;

/// What a verb run over the fleet selects and how.
struct FleetRequest {
    vm::Selector selector;
    bool destroyed = false;         ///< Destroyed VMs selectable by globs and --all
    bool empty_means_all = false;   ///< no selector: every VM (expunge --due)
    bool parallel = true;           ///< --parallel applies (else one VM per host at a time)
    vm::EngineOptions engine;
    std::function<bool(const vm::VmInfo&)> keep;   ///< a further filter on the selection
};

/// Selects the VMs on every host and runs `op` on each (hosts in parallel), as one Result.
Result run_fleet(const cli::Context& ctx, const FleetRequest& request, const VmOp& op);

/// run_fleet() with a bulk verb's options.
Result run_bulk(const cli::Context& ctx, const BulkOptions& options, const BulkVerb& verb, const VmOp& op);

/// One result per VM as a Result: an array, the most severe exit code, and one
/// `vmctl: error: …` line on stderr per failed VM.
Result bulk_result(const std::vector<vm::OpResult>& results, bool fleet = false);

/// The stderr line of one failed VM or host.
void print_vm_error(const Error& error);

/// A single-VM result: the object, or the VM's error thrown for the wrapper to report.
Result single_result(const vm::OpResult& result);

/// Completion: the positional words typed after `GROUP SUB` (`volume detach`), without the
/// word being completed.
std::vector<std::string> typed_after(const cli::Context& ctx, const std::string& group, const std::string& sub);

/// What a VM has for its second positional (snapshot names, disk targets).
using VmItems = std::function<std::vector<std::string>(vm::Backend&, const std::string&)>;
/// Completes `GROUP SUB`'s positionals: a VM name, then `second` of that VM (null: nothing).
void complete_vm_then(CLI::App* cmd, cli::Context& ctx, const std::string& group, const std::string& sub,
                      const VmItems& second);

}  // namespace opskit::vmctl
