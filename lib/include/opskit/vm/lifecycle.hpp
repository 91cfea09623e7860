// The VM lifecycle engine: each verb of vmctl as one call that takes the VM's lock, asks the
// rules, drives the backend and reports one result object — start, graceful stop with its
// poll/deadline/escalation algorithm, reboot, destroy/recover/expunge, snapshots and wait.
// Calls never throw for a per-VM failure: the error goes into the result, so bulk runs can
// report every VM and exit with the most severe code.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "opskit/core/error.hpp"
#include "opskit/core/output.hpp"
#include "opskit/core/units.hpp"
#include "opskit/vm/backend.hpp"

namespace opskit::vm {

/// The outcome of one operation on one VM (the `name, uuid, from_state, to_state, changed,
/// forced, elapsed_s, error` object of the JSON schema, plus verb-specific fields in `extra`).
struct OpResult {
    std::string host;                  ///< the fleet host (empty: no host part, printed as null)
    std::string name;
    std::string uuid;
    std::string operation;
    std::optional<VmState> from_state;
    std::optional<VmState> to_state;
    bool changed = false;
    bool forced = false;
    bool dry_run = false;
    bool expunged = false;             ///< the VM no longer exists (to_state prints `Expunged`)
    double elapsed_s = 0;
    std::string detail;                ///< why nothing changed, or which fallback was used
    Json extra = Json::object();       ///< destroyed_at, expunge_at, volumes, snapshot, …
    std::optional<Error> error;

    ExitCode exit_code() const { return error ? error->exit_code() : ExitCode::ok; }
};

/// The JSON object of one result.
Json to_json(const OpResult& result);

/// The most severe exit code of a bulk run (see vmctl(1): internal, unavailable, failed,
/// timeout, busy, conflict, not found, usage, warning, ok).
ExitCode most_severe(const std::vector<OpResult>& results);

struct EngineOptions {
    bool dry_run = false;              ///< decide and report, change nothing
    bool wait = true;                  ///< wait for the end state (false: --no-wait)
    Duration poll_interval{200};       ///< how often a wait looks at the state
};

struct StopOptions {
    bool force = false;                ///< power off at once
    Duration timeout{120000};          ///< graceful deadline
    bool force_on_timeout = false;     ///< power off at the deadline instead of failing with exit 8
};

class Lifecycle {
public:
    Lifecycle(Backend& backend, EngineOptions options);

    OpResult start(const std::string& vm);
    /// Graceful: shutdown request, poll until the deadline, re-send once half-way; at the
    /// deadline power off with `forced: true` (force_on_timeout) or fail with timeout.
    OpResult stop(const std::string& vm, const StopOptions& options);
    OpResult reboot(const std::string& vm, bool force);
    /// Stops a running VM (graceful then forced, or forced at once), deletes its snapshots and
    /// marks it Destroyed with expunge_at = now + delay; with request.expunge, expunges now.
    OpResult destroy(const std::string& vm, const DestroyRequest& request, const StopOptions& stop,
                     Duration expunge_delay);
    /// Destroyed → Stopped (never starts it).
    OpResult recover(const std::string& vm);
    /// Expunges a Destroyed VM now: undefine, delete the planned volumes, report the rest.
    OpResult expunge(const std::string& vm);
    /// Waits until the VM is in `state`; timeout → error.
    OpResult wait(const std::string& vm, VmState state, Duration timeout);

    OpResult snapshot_create(const std::string& vm, const SnapshotRequest& request);
    OpResult snapshot_revert(const std::string& vm, const std::string& snapshot, RevertEnd end);
    OpResult snapshot_delete(const std::string& vm, const std::string& snapshot, bool children);

    /// Attaches `source` (absolute path or POOL/VOLUME) as `target` (empty: the first free
    /// vdX), refused while the VM has snapshots (Mold). The same source already at that
    /// target is a no-op; a taken target or the source at another target is a conflict.
    OpResult volume_attach(const std::string& vm, const std::string& source, const std::string& target);
    /// Detaches the disk at `target` (not_found when there is none), refused while the VM has
    /// snapshots; the root disk only while the VM is Stopped (CloudStack's rule).
    OpResult volume_detach(const std::string& vm, const std::string& target);
    /// Resizes the disk at `target` to `bytes`, refused while the VM has snapshots (Mold); the
    /// same size is a no-op, a smaller one a conflict unless `shrink`.
    OpResult volume_resize(const std::string& vm, const std::string& target, std::uint64_t bytes, bool shrink);

    Backend& backend() { return m_backend; }
    /// Fleet runs: locks become `vmctl.HOST.VM`, so same-named VMs on two hosts do not clash.
    void set_lock_scope(std::string host) { m_lock_scope = std::move(host); }

private:
    OpResult run(const std::string& vm, std::string_view operation, const std::function<void(OpResult&)>& body);
    /// Reads the VM (after its lock is held) and fills uuid and from_state. `full` reads
    /// info() — sizes and the snapshot count, for the volume guards — instead of state().
    VmInfo begin(const std::string& vm, OpResult& r, bool full = false);
    /// For a no-op decision: fills to_state and detail and returns true.
    static bool no_op(const Decision& d, OpResult& r);
    /// The state during a verb that holds the VM's lock: the power state read now, the
    /// destroy record as begin() read it (only a verb under the lock changes it).
    VmState now(const std::string& vm, const VmInfo& begun);
    /// Polls until `done` or the timeout: with `begun` (a verb under the VM's lock) through
    /// now(), else (wait, which takes no lock) the whole state each time.
    VmState poll_until(const std::string& vm, const std::function<bool(VmState)>& done, Duration timeout,
                       const VmInfo* begun = nullptr);
    void stop_running(const std::string& vm, const VmInfo& begun, const StopOptions& options, OpResult& r, bool wait);
    void expunge_now(const std::string& vm, const VmInfo& info, OpResult& r);

    Backend& m_backend;
    EngineOptions m_options;
    std::string m_lock_scope;
};

/// One disk as JSON (`target, path, type, format, capacity_bytes, root, managed, live, config`).
Json disk_json(const Volume& volume);

/// The lock name of a VM (`vmctl.NAME`), so scripts and tests can find its lock file.
std::string lock_name(const std::string& vm);

/// Runs `op` for every name, `parallel` at a time (≥ 1), results in the order of `names`.
std::vector<OpResult> for_each_vm(const std::vector<std::string>& names, int parallel,
                                  const std::function<OpResult(const std::string&)>& op);

}  // namespace opskit::vm
