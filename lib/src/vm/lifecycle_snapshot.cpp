// Snapshot verbs of the lifecycle engine: create (with the snapshot rules), revert (only a
// Stopped VM, Mold's rule; end state as recorded, or --stopped/--start) and delete.
#include <fmt/format.h>

#include <algorithm>

#include "opskit/vm/lifecycle.hpp"
#include "opskit/vm/select.hpp"

namespace opskit::vm {
namespace {

const SnapshotInfo& find_snapshot(const std::vector<SnapshotInfo>& snaps, const std::string& vm, const std::string& name) {
    const auto it = std::find_if(snaps.begin(), snaps.end(), [&](const SnapshotInfo& s) { return s.name == name; });
    if (it == snaps.end()) throw Error(ErrorKind::not_found, "snapshot", vm + " " + name, "no snapshot with this name");
    return *it;
}

}  // namespace

OpResult Lifecycle::snapshot_create(const std::string& vm, const SnapshotRequest& request) {
    return run(vm, "snapshot create", [&](OpResult& r) {
        begin(vm, r);
        std::vector<std::string> names;
        for (const auto& s : m_backend.snapshots(vm)) names.push_back(s.name);
        const bool agent = request.quiesce && m_backend.guest_agent_connected(vm);
        check_snapshot_create(request, *r.from_state, names, agent, vm);
        r.changed = true;
        if (m_options.dry_run) {
            r.to_state = r.from_state;
            r.extra["snapshot"] = {{"name", request.name}, {"description", request.description},
                                   {"memory", request.memory}};
            return;
        }
        auto [snap, applied] = m_backend.create_snapshot(vm, request);
        if (!applied.fallback.empty()) r.detail = applied.fallback;
        r.extra["snapshot"] = snapshot_json(snap);
        r.to_state = state_of(m_backend.state(vm));
    });
}

OpResult Lifecycle::snapshot_revert(const std::string& vm, const std::string& snapshot, RevertEnd end) {
    return run(vm, "snapshot revert", [&](OpResult& r) {
        begin(vm, r);
        const auto snaps = m_backend.snapshots(vm);
        const auto& snap = find_snapshot(snaps, vm, snapshot);
        const auto d = decide(Operation::snapshot_revert, *r.from_state);
        if (d.verdict == Verdict::conflict) throw Error(ErrorKind::conflict, "snapshot revert", vm + " " + snapshot, d.why);
        r.changed = true;
        r.extra["snapshot"] = snapshot_json(snap);
        if (m_options.dry_run) {
            const bool runs = end == RevertEnd::running || (end == RevertEnd::as_recorded && snap.memory);
            r.to_state = runs ? VmState::running : VmState::stopped;
            return;
        }
        const auto applied = m_backend.revert_snapshot(vm, snapshot, end);
        if (!applied.fallback.empty()) r.detail = applied.fallback;
        r.to_state = state_of(m_backend.state(vm));
    });
}

OpResult Lifecycle::snapshot_delete(const std::string& vm, const std::string& snapshot, bool children) {
    return run(vm, "snapshot delete", [&](OpResult& r) {
        begin(vm, r);
        r.to_state = r.from_state;
        const auto snaps = m_backend.snapshots(vm);
        find_snapshot(snaps, vm, snapshot);
        const auto d = decide(Operation::snapshot_delete, *r.from_state);
        if (d.verdict == Verdict::conflict) throw Error(ErrorKind::conflict, "snapshot delete", vm + " " + snapshot, d.why);
        // What goes: the snapshot, and with --children its descendants.
        std::vector<std::string> gone{snapshot};
        if (children)
            for (std::size_t i = 0; i < gone.size(); ++i)
                for (const auto& s : snaps)
                    if (s.parent == gone[i]) gone.push_back(s.name);
        r.extra["snapshots_deleted"] = gone;
        r.changed = true;
        if (m_options.dry_run) return;
        m_backend.delete_snapshot(vm, snapshot, children);
    });
}

}  // namespace opskit::vm
