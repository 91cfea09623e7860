// The seam between vmctl's lifecycle logic and a hypervisor. The lifecycle engine only ever
// talks to this interface, so a CloudStack/Mold API backend can come later without touching
// the rules or the verbs. Every call names the VM; errors are opskit::Error with the VM name
// and the backend's own message (not_found for a missing VM or snapshot).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "opskit/vm/rules.hpp"
#include "opskit/vm/state.hpp"

namespace opskit::vm {

/// What a request actually used, when the backend had to fall back to weaker flags.
struct Applied {
    std::string fallback;   ///< empty when the preferred form was accepted
};

/// What a host says about itself (`vmctl hosts`).
struct HostFacts {
    std::string hypervisor;           ///< `QEMU`, `Test`
    std::string hypervisor_version;   ///< `7.2.22`
    std::string libvirt_version;      ///< `9.0.0`
};

class Backend {
public:
    virtual ~Backend() = default;

    /// False once the connection to the host is lost (a libvirtd that died mid-run).
    virtual bool alive() { return true; }
    /// The hypervisor and library versions of the host.
    virtual HostFacts facts() { return {}; }

    /// Where this backend points (a libvirt URI), for messages and lock names.
    virtual std::string location() const = 0;

    /// Every VM the backend knows.
    virtual std::vector<VmInfo> list() = 0;
    /// Names only (cheap; used for completion and globbing).
    virtual std::vector<std::string> names() = 0;
    /// One VM; Error(not_found) when it does not exist.
    virtual VmInfo info(const std::string& vm) = 0;
    /// One VM with what state_of() reads (power state, persistence, destroy record) and
    /// nothing more; sizes and the snapshot count may be left 0. For polls and the state a
    /// verb ends in, where info()'s extra round trips per VM add up over a fleet.
    virtual VmInfo state(const std::string& vm) { return info(vm); }
    /// The power state alone (libvirt: one round trip). For the polls of a verb that holds
    /// the VM's lock: the destroy record and persistence its state() read still hold, as
    /// only a verb under that lock changes them.
    virtual PowerState power(const std::string& vm) { return state(vm).power; }
    /// Every VM, each as state() describes it: what a selection filters on.
    virtual std::vector<VmInfo> list_states() { return list(); }

    virtual void start(const std::string& vm) = 0;
    /// Asks the guest to shut down (power button); returns at once.
    virtual Applied request_shutdown(const std::string& vm) = 0;
    /// Pulls the plug.
    virtual void power_off(const std::string& vm) = 0;
    /// Asks the guest to reboot (power button); returns at once.
    virtual Applied request_reboot(const std::string& vm) = 0;
    /// Hardware reset.
    virtual void reset(const std::string& vm) = 0;

    virtual std::vector<SnapshotInfo> snapshots(const std::string& vm) = 0;
    virtual std::pair<SnapshotInfo, Applied> create_snapshot(const std::string& vm, const SnapshotRequest& request) = 0;
    /// Reverts; the end state is the recorded one unless `end` says otherwise.
    virtual Applied revert_snapshot(const std::string& vm, const std::string& snapshot, RevertEnd end) = 0;
    virtual void delete_snapshot(const std::string& vm, const std::string& snapshot, bool children) = 0;
    /// True when a guest agent channel is configured and connected.
    virtual bool guest_agent_connected(const std::string& vm) = 0;

    /// Writes (or with nullopt removes) vmctl's destroy record on the VM's persistent config.
    virtual void set_record(const std::string& vm, const std::optional<DestroyRecord>& record) = 0;
    virtual std::vector<Volume> volumes(const std::string& vm) = 0;
    /// Removes the VM definition with its snapshot metadata and managed save.
    virtual Applied undefine(const std::string& vm) = 0;
    /// Deletes one managed volume's storage.
    virtual void delete_volume(const std::string& vm, const Volume& volume) = 0;

    // Volume verbs. The defaults refuse, so a backend without them still builds.

    /// The disks attached now: the persistent definition merged with the live one (each
    /// Volume says where it is), with capacity and format where the backend knows them.
    virtual std::vector<Volume> disks(const std::string& vm) { return volumes(vm); }
    /// What `source` (an absolute path, or POOL/VOLUME) names, as the Volume it would become
    /// (target empty). Error(not_found) for a missing pool, volume or local file; Error(usage)
    /// for a source that is neither form.
    virtual Volume resolve_source(const std::string& source);
    /// Attaches `source` as `target`: to the running guest and the persistent definition, as
    /// the VM's state allows.
    virtual Applied attach_volume(const std::string& vm, const Volume& source, const std::string& target);
    /// Detaches an attached disk (from where disks() says it is).
    virtual Applied detach_volume(const std::string& vm, const Volume& disk);
    /// Grows (or with `shrink`, shrinks) an attached disk to `bytes`: live when the guest runs,
    /// else through its storage volume.
    virtual Applied resize_volume(const std::string& vm, const Volume& disk, std::uint64_t bytes, bool shrink);
};

/// Opens the libvirt backend on `uri` (empty: libvirt's default). Error(unavailable) when the
/// connection cannot be opened.
std::unique_ptr<Backend> open_libvirt(const std::string& uri);

}  // namespace opskit::vm
