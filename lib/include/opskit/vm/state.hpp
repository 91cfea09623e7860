// The VM vocabulary of vmctl, independent of any hypervisor: CloudStack's state names, what a
// backend reports about a VM (its power state and the destroy record vmctl keeps on it), and
// the small value types that snapshots and volumes are described by. A libvirt backend and a
// future CloudStack/Mold API backend both speak these types.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "opskit/core/time.hpp"

namespace opskit::vm {

/// The user-visible lifecycle state (CloudStack's names).
enum class VmState { running, stopped, starting, stopping, destroyed, expunging, error, unknown };

/// `Running`, `Stopped`, … as printed and accepted by `--state`.
std::string_view to_string(VmState state) noexcept;
/// Parses a state name case-insensitively; throws Error(usage) naming the text otherwise.
VmState parse_state(std::string_view text);
/// Every state, in table order.
const std::vector<VmState>& all_states();

/// What the hypervisor says about power, before vmctl's destroy record is applied.
enum class PowerState { running, paused, stopped, shutting_down, crashed, suspended, unknown };

/// vmctl's own soft-delete record, kept on the VM itself (libvirt: domain metadata).
struct DestroyRecord {
    TimePoint destroyed_at{};
    TimePoint expunge_at{};
    std::vector<std::string> delete_volumes;   ///< disk targets (`vdb`) chosen for deletion
    bool delete_all_volumes = false;
    bool expunging = false;                    ///< set when an expunge has begun
};

/// One VM as a backend reports it.
struct VmInfo {
    std::string name;
    std::string uuid;
    PowerState power = PowerState::unknown;
    std::string reason;                        ///< backend's reason for the power state (`shutdown`, `booted`)
    int vcpus = 0;
    std::uint64_t memory_bytes = 0;
    int snapshots = 0;
    bool persistent = true;
    std::optional<DestroyRecord> record;
};

/// A VM snapshot.
struct SnapshotInfo {
    std::string name;
    std::string description;
    std::string parent;                        ///< empty for a root
    std::string vm_state;                      ///< state recorded: `running`, `shutoff`, `disk-snapshot`, …
    bool memory = false;                       ///< holds guest memory (revert resumes the guest)
    bool current = false;
    std::optional<TimePoint> created;
};

/// A disk of a VM and whether the backend manages its storage (and so can delete it).
struct Volume {
    std::string target;                        ///< `vda`, `vdb`
    std::string path;                          ///< file or device; pool/volume otherwise
    bool root = false;                         ///< the first disk
    bool managed = false;                      ///< a storage volume the backend can delete
    std::string type = "file";                 ///< how the disk names its storage: `file`, `block`, `volume`
    std::string format{};                      ///< `raw`, `qcow2` (empty: not known)
    std::optional<std::uint64_t> capacity{};   ///< guest-visible size in bytes, when known
    bool live = false;                         ///< attached to the running guest
    bool config = true;                        ///< in the persistent definition
};

}  // namespace opskit::vm
