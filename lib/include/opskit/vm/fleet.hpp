// vmctl over a fleet of libvirt hosts: which hosts there are (vmctl.hosts, -c URI, or the one
// vmctl.connect), host-qualified selectors (`HOST:VM`, `HOST:*`, `*:web*`), one connection
// per host opened in parallel under a connect deadline, and the bounded pool that runs a
// verb's unchanged per-VM algorithm on every host at once. A host that cannot be reached,
// or drops during the run, fails only its own VMs (exit 7, libvirt's message); the other
// hosts' work completes. The selection is pure (HostScan in, names out) so it is unit tested
// without a daemon.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "opskit/vm/lifecycle.hpp"
#include "opskit/vm/select.hpp"

namespace opskit::vm {

/// One libvirt host of the fleet.
struct Host {
    std::string name;     ///< `kvm07`; letters, digits, `_`, `-`, `.`
    std::string uri;      ///< as configured (may hold credentials: print redact_uri())
    std::string origin;   ///< where it came from (`file /etc/opskit/config.yaml:7`, `flag --connect`)
};

/// The host name a URI implies: its server part (`kvm07` in `qemu+ssh://root@kvm07/system`),
/// else `local` (`qemu:///system`, `test+unix:///default?socket=…`).
std::string host_name_for(std::string_view uri);

/// The URI with the password of its user part (`user:secret@`) shown as `***`.
std::string redact_uri(std::string_view uri);

/// Error(usage) naming `origin` unless `name` is a valid host name.
void check_host_name(std::string_view name, std::string_view origin);

/// Where hosts may come from, already resolved by the config loader.
struct HostSources {
    std::vector<std::string> connect;             ///< -c values (repeatable; `URI` or `NAME=URI`), or vmctl.connect
    std::string connect_origin;                   ///< origin of those
    bool connect_overrides = false;               ///< connect came from a higher layer than hosts
    std::map<std::string, std::string> hosts;     ///< vmctl.hosts
    std::map<std::string, std::string> host_origins;
    std::vector<std::string> only;                ///< --host NAME (repeatable): restrict to these
};

/// The hosts to work, sorted by name. `fleet` is false for the classic single URI
/// (vmctl.connect alone, or one -c): output and errors then stay as they always were.
struct FleetSpec {
    std::vector<Host> hosts;
    bool fleet = false;
};

/// Resolves the sources: -c (or vmctl.connect when it comes from a higher layer) wins over
/// vmctl.hosts; with neither, one host on libvirt's default URI. Unknown --host names,
/// duplicate names and bad names are Error(usage) — all before any connection.
FleetSpec resolve_hosts(const HostSources& sources);

/// A selector word split at its first `:`: `kvm1:web1` → host `kvm1`, vm `web1`; a word
/// without `:` has no host part. VM names may contain further colons (`h:a:b` → vm `a:b`).
/// An empty host or VM part is Error(usage).
struct HostPattern {
    std::optional<std::string> host;   ///< a name or a glob (`*`, `kvm*`)
    std::string vm;                    ///< a name or a glob
};
HostPattern parse_host_pattern(std::string_view word);

/// Error(usage) for a selector word whose host part names or matches no host of `hosts`
/// (and for empty parts): the check made before connecting.
void check_selector_hosts(const std::vector<Host>& hosts, const Selector& selector);

/// One host after connecting: its backend and VMs, or why it could not be reached.
struct HostScan {
    Host host;
    std::shared_ptr<Backend> backend;   ///< null when unreachable
    std::optional<Error> error;         ///< set when unreachable
    std::vector<VmInfo> vms;            ///< filled when listing was asked for
};

/// Opens one host (tests substitute their own).
using Opener = std::function<std::unique_ptr<Backend>(const Host&)>;

/// How much of each host's VMs a scan reads: nothing, what selection needs (Backend::
/// list_states: names, states, destroy records), or everything `list` and `status` print.
enum class Listing { none, states, full };

/// Connects to every host at once; a host whose connection is not set up within
/// `connect_timeout` (or fails) is unreachable, Error(unavailable). Unless `listing` is
/// none, each reachable host's VMs are read too (in parallel).
std::vector<HostScan> scan_hosts(const std::vector<Host>& hosts, Duration connect_timeout, Listing listing,
                                 const Opener& open = {});

/// What a run does: per host (same index as the scan) the VM names in order, and results
/// already known without running anything (an unreachable host's part of the selection, a
/// bare name found on no host).
struct FleetPlan {
    std::vector<std::vector<std::string>> names;
    std::vector<OpResult> settled;
};

/// Resolves the selector over the scanned hosts. Qualified words apply to the hosts their
/// host part names or matches (unknown host: Error(usage)); bare globs and --all to every
/// host; a bare plain name to the one host that has it — on two or more it is Error(usage)
/// naming them, on none a not-found (or, when a host is down, unavailable) result. With one
/// host, a bare name always goes to it. A glob that matches nothing on any host, when every
/// host was reached, is Error(not_found) as on one host. Destroyed VMs as select_vms().
FleetPlan plan_selection(const std::vector<HostScan>& scan, const Selector& selector, bool include_destroyed,
                         bool empty_means_all = false);

/// Keeps in `plan` only the VMs of each host for which `keep` is true (expunge --due).
void filter_plan(FleetPlan& plan, const std::vector<HostScan>& scan,
                 const std::function<bool(const VmInfo&)>& keep);

/// One VM of a plan with what the scan knows of it.
struct PlannedVm {
    std::size_t host;           ///< index into the scan
    std::string name;
    const VmInfo* info;         ///< null: the host has no VM of that name
};

/// The plan's VMs host by host (scan order); each host's sorted by name when `by_name`,
/// else in plan order. Pointers stay valid while `scan` lives.
std::vector<PlannedVm> planned_vms(const std::vector<HostScan>& scan, const FleetPlan& plan, bool by_name);

/// The one VM a single-VM verb (snapshot, wait) means by `word` (`VM` or `HOST:VM`, no
/// glob in the VM part): on one host, that host; a bare name on a fleet, the one host that
/// has it. Error(usage) for a glob, an unknown host, or a name on two or more hosts (naming
/// them); Error(not_found) when no host has it; the host's own error when it is unreachable.
PlannedVm locate_vm(const std::vector<HostScan>& scan, std::string_view word);

struct FleetRunOptions {
    int parallel = 1;        ///< VMs at once over the whole fleet (≥ 1)
    int per_host = 0;        ///< VMs at once on one host (0: as many as `parallel`)
    EngineOptions engine;    ///< dry run, wait, poll interval
    bool scope_locks = false;///< lock names carry the host (`vmctl.HOST.VM`) — fleet runs

    /// The pool of a run over `hosts` hosts. `parallel` is --parallel when given,
    /// `per_host` vmctl.per_host_parallel when set. One host (`fleet` false): `parallel` VMs
    /// at once (default 1). A fleet with --parallel: that many overall, `per_host` at most
    /// on one host (default: no own cap). A fleet without: `per_host` (default 1) on each
    /// host, every host at once — so a fleet run takes about as long as its slowest host.
    static FleetRunOptions pool(std::optional<int> parallel, std::optional<int> per_host, std::size_t hosts,
                                bool fleet);
};

using FleetOp = std::function<OpResult(Lifecycle&, const std::string&)>;

/// Runs `op` on every planned VM: each host's VMs by up to `per_host` workers, at most
/// `parallel` at once overall. Results come sorted by host then in plan order, each with
/// its host; the settled ones are merged in. After SIGINT/SIGTERM nothing new starts and
/// the VMs not begun report "interrupted". A VM whose host dropped reports unavailable.
std::vector<OpResult> run_plan(const std::vector<HostScan>& scan, const FleetPlan& plan, const FleetRunOptions& options,
                               const FleetOp& op);

/// The per-host report of `vmctl hosts`: URI redacted, reachable or the error, hypervisor
/// and libvirt versions, VM counts by state.
Json host_report(const HostScan& scan);

/// The order in which per-VM exit codes win when a run reports one code (vmctl(1)):
/// internal 10, unavailable 7, failed 1, timeout 8, busy 6, conflict 5, not found 4,
/// usage 2, warning 3, ok 0.
const std::vector<ExitCode>& exit_code_order();
/// The worst code of `codes` by exit_code_order() (ok when empty).
ExitCode worst_exit_code(const std::vector<ExitCode>& codes);

}  // namespace opskit::vm
