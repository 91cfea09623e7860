// What the vmctl verbs share: opening the backend from --connect/VMCTL_CONNECT/config, the
// selector options (names, globs, --all, --state) with VM-name completion, and turning
// per-VM results into one Result (array, most severe exit code, one stderr line per failure).
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

/// The backend named by vmctl.connect (flag, env, config), else libvirt's default.
std::unique_ptr<vm::Backend> open_backend(const cli::Context& ctx);

/// `--host NAME` values (repeatable), set by main.cpp's global option.
std::vector<std::string>& host_flags();

/// The hosts this invocation works: -c (repeatable), vmctl.hosts or vmctl.connect, --host.
vm::FleetSpec fleet_spec(const cli::Context& ctx);

/// Connects to every host (vmctl.connect_timeout). On a single host (not a fleet) a host
/// that cannot be reached is thrown, as vmctl always did.
std::vector<vm::HostScan> scan_fleet(const cli::Context& ctx, const vm::FleetSpec& spec, bool list_vms);

/// Selector options of a bulk verb, kept alive by the handler.
struct SelectorOptions {
    std::vector<std::string> patterns;
    bool all = false;
    std::string state;

    vm::Selector selector() const;
};

/// Adds `SELECTOR…`, `--all` and `--state S` (with completion) to `cmd`.
void add_selector(CLI::App* cmd, cli::Context& ctx, SelectorOptions& options, const std::string& help);

/// Completes VM names from the connection (nothing when it cannot be reached).
std::vector<std::string> complete_vm_names(const cli::Context& ctx);

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

/// Selects the VMs and runs `op` on each through one Lifecycle, as one Result (see bulk_result).
using VmOp = std::function<vm::OpResult(vm::Lifecycle&, const std::string&)>;
Result run_bulk(const cli::Context& ctx, const BulkOptions& options, const BulkVerb& verb, const VmOp& op);

/// One result per VM as a Result: an array, the most severe exit code, and one
/// `vmctl: error: …` line on stderr per failed VM.
Result bulk_result(const std::vector<vm::OpResult>& results, bool fleet = false);

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
