// The rules of the VM lifecycle in one table: which operation is allowed in which state,
// which is an idempotent no-op, which is a conflict — plus the snapshot and destroy rules.
// Nothing here knows about libvirt; every backend and every verb asks this module, so the
// answer to "may I stop a Destroyed VM?" is written exactly once.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "opskit/vm/state.hpp"

namespace opskit::vm {

/// Operations that the rules know.
enum class Operation {
    start, stop, reboot, destroy, recover, expunge,
    snapshot_create, snapshot_list, snapshot_revert, snapshot_delete,
    volume_attach, volume_detach, volume_resize,
};

std::string_view to_string(Operation op) noexcept;

/// What the table says about an operation in a state.
enum class Verdict {
    proceed,    ///< do it
    no_op,      ///< already there: succeed with `changed: false`
    conflict,   ///< not allowed in this state (exit 5)
};

struct Decision {
    Verdict verdict;
    std::string why;   ///< for conflicts and no-ops, a sentence that names what to do
};

/// The state a VM is in, from its power state and vmctl's destroy record.
VmState state_of(const VmInfo& vm) noexcept;

/// A detail worth printing beside the state (PAUSED counts as Running and says so here).
std::string state_detail(const VmInfo& vm);

/// The table lookup.
Decision decide(Operation op, VmState state);

/// Throws Error(conflict) with `op (VM): why` when decide() says conflict; returns the decision.
Decision check(Operation op, const VmInfo& vm);

/// Longest snapshot name and description (CloudStack's limit).
constexpr std::size_t max_snapshot_text = 255;

/// What a snapshot create asks for.
struct SnapshotRequest {
    std::string name;
    std::string description;
    bool memory = false;
    bool quiesce = false;
};

/// Snapshot-create rules beyond the state table: name and description shape (usage), name
/// unique per VM, memory only when Running, quiesce only with a connected guest agent
/// (conflict). Throws the first violation.
void check_snapshot_create(const SnapshotRequest& request, VmState state,
                           const std::vector<std::string>& existing_names, bool agent_connected,
                           std::string_view vm_name);

/// Revert end state choices.
enum class RevertEnd { as_recorded, stopped, running };

/// Destroy options as the operator gives them.
struct DestroyRequest {
    bool force = false;                        ///< power off at once instead of a graceful stop
    bool expunge = false;                      ///< expunge right away
    bool yes = false;                          ///< confirmation for expunge and volume deletion
    std::vector<std::string> delete_volumes;   ///< disk targets
    bool delete_all_volumes = false;
};

/// Destroy option rules (usage errors): --expunge and volume deletion need --yes;
/// --delete-volumes and --delete-all-volumes exclude each other; targets are well-formed.
void check_destroy_request(const DestroyRequest& request, std::string_view vm_name);

/// Which volumes an expunge deletes: the root when managed, the chosen data volumes when
/// managed; a chosen target the VM lacks is Error(usage). `kept` gets the rest, each with a
/// reason.
struct VolumePlan {
    std::vector<Volume> deleted;
    std::vector<std::pair<Volume, std::string>> kept;
};
VolumePlan plan_volumes(const std::vector<Volume>& volumes, const std::vector<std::string>& chosen,
                        bool all, std::string_view vm_name);

/// Mold's volume guards (CloudStack VolumeApiServiceImpl, spec vm-power §2.4): while a VM has
/// VM snapshots, attaching a volume, detaching one and resizing an attached one are refused.
/// Returns Mold's reason for `op` (empty for operations the guard does not cover).
std::string_view snapshot_guard_reason(Operation op) noexcept;

/// Throws Error(conflict) `op (input): Mold's reason (…)` when `snapshots` > 0.
void check_snapshot_guard(Operation op, int snapshots, std::string_view vm_name, std::string_view input);

/// A disk target as vmctl accepts it: `vd`, `sd`, `hd` or `xvd` and one or two letters
/// (`vdb`, `sdaa`). Throws Error(usage) otherwise.
void check_disk_target(std::string_view target);

/// The bus libvirt expects for a target's prefix (`vd` → virtio, `sd` → scsi, …).
std::string_view bus_for_target(std::string_view target);

/// The first free `vdX` target (vdb … vdz) beside `used`; Error(conflict) when none is left.
std::string next_free_target(const std::vector<std::string>& used, std::string_view vm_name);

}  // namespace opskit::vm
