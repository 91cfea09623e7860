// Volume verbs of the lifecycle engine: attach, detach and resize with Mold's guards. The
// order of the checks is what a script relies on: the VM (not found), its state (conflict),
// the target or source (not found), then "already so" (a no-op, exit 0 even while snapshots
// exist, since nothing changes), then the snapshot guard and the remaining conflicts, and only
// then the backend call.
#include <fmt/format.h>

#include <algorithm>

#include "opskit/vm/lifecycle.hpp"

namespace opskit::vm {
namespace {

const Volume* find_target(const std::vector<Volume>& disks, const std::string& target) {
    const auto it = std::find_if(disks.begin(), disks.end(), [&](const Volume& v) { return v.target == target; });
    return it == disks.end() ? nullptr : &*it;
}

const Volume& require_target(const std::vector<Volume>& disks, const std::string& vm, const std::string& target) {
    check_disk_target(target);
    if (const auto* d = find_target(disks, target)) return *d;
    throw Error(ErrorKind::not_found, "volume target", fmt::format("{} {}", vm, target),
                "the VM has no disk with this target (see vmctl volume list)");
}

void note(OpResult& r, const Applied& a) {
    if (!a.fallback.empty()) r.detail = a.fallback;
}

}  // namespace

Json disk_json(const Volume& v) {
    return {{"target", v.target},
            {"path", v.path},
            {"type", v.type},
            {"format", v.format.empty() ? Json(nullptr) : Json(v.format)},
            {"capacity_bytes", v.capacity ? Json(*v.capacity) : Json(nullptr)},
            {"root", v.root},
            {"managed", v.managed},
            {"live", v.live},
            {"config", v.config}};
}

OpResult Lifecycle::volume_attach(const std::string& vm, const std::string& source, const std::string& target) {
    return run(vm, "volume attach", [&](OpResult& r) {
        if (!target.empty()) check_disk_target(target);
        const auto info = begin(vm, r, true);
        r.to_state = r.from_state;
        check(Operation::volume_attach, info);
        auto src = m_backend.resolve_source(source);
        const auto disks = m_backend.disks(vm);
        const auto same = std::find_if(disks.begin(), disks.end(), [&](const Volume& d) { return d.path == src.path; });
        if (same != disks.end()) {
            if (target.empty() || target == same->target) {
                r.detail = fmt::format("already attached as {}", same->target);
                r.extra["volume"] = disk_json(*same);
                return;
            }
            throw Error(ErrorKind::conflict, "volume attach", fmt::format("{} {}", vm, source),
                        fmt::format("already attached as {}; detach it first to move it to {}", same->target, target));
        }
        check_snapshot_guard(Operation::volume_attach, info.snapshots, vm, fmt::format("{} {}", vm, source));
        std::vector<std::string> used;
        for (const auto& d : disks) used.push_back(d.target);
        if (!target.empty() && find_target(disks, target))
            throw Error(ErrorKind::conflict, "volume attach", fmt::format("{} {}", vm, target),
                        fmt::format("target already in use by {}", find_target(disks, target)->path));
        src.target = target.empty() ? next_free_target(used, vm) : target;
        src.root = false;
        r.changed = true;
        if (!m_options.dry_run) note(r, m_backend.attach_volume(vm, src, src.target));
        // Report the disk as the VM now has it (live, config) where the backend says so.
        if (!m_options.dry_run)
            for (const auto& d : m_backend.disks(vm))
                if (d.target == src.target) src = d;
        r.extra["volume"] = disk_json(src);
        if (!m_options.dry_run) r.to_state = state_of(m_backend.state(vm));
    });
}

OpResult Lifecycle::volume_detach(const std::string& vm, const std::string& target) {
    return run(vm, "volume detach", [&](OpResult& r) {
        check_disk_target(target);
        const auto info = begin(vm, r, true);
        r.to_state = r.from_state;
        check(Operation::volume_detach, info);
        const auto disks = m_backend.disks(vm);
        const auto disk = require_target(disks, vm, target);
        const auto input = fmt::format("{} {}", vm, target);
        check_snapshot_guard(Operation::volume_detach, info.snapshots, vm, input);
        if (disk.root && *r.from_state != VmState::stopped)
            throw Error(ErrorKind::conflict, "volume detach", input,
                        fmt::format("{} is the root disk; it can only be detached while the VM is Stopped", target));
        r.changed = true;
        r.extra["volume"] = disk_json(disk);
        if (m_options.dry_run) return;
        note(r, m_backend.detach_volume(vm, disk));
        const auto after = m_backend.disks(vm);
        if (const auto* still = find_target(after, target); still && still->live)
            r.detail = "detach requested: the guest has not released the disk yet (it goes once the guest acknowledges)";
        r.to_state = state_of(m_backend.state(vm));
    });
}

OpResult Lifecycle::volume_resize(const std::string& vm, const std::string& target, std::uint64_t bytes, bool shrink) {
    return run(vm, "volume resize", [&](OpResult& r) {
        check_disk_target(target);
        if (bytes == 0) throw Error(ErrorKind::usage, "invalid size", "0", "a volume needs at least one byte");
        const auto info = begin(vm, r, true);
        r.to_state = r.from_state;
        check(Operation::volume_resize, info);
        const auto disks = m_backend.disks(vm);
        const auto disk = require_target(disks, vm, target);
        const auto input = fmt::format("{} {}", vm, target);
        r.extra["volume"] = disk_json(disk);
        r.extra["from_bytes"] = disk.capacity ? Json(*disk.capacity) : Json(nullptr);
        r.extra["to_bytes"] = bytes;
        if (disk.capacity && *disk.capacity == bytes) {
            r.detail = fmt::format("already {}", format_size(bytes));
            return;
        }
        check_snapshot_guard(Operation::volume_resize, info.snapshots, vm, input);
        if (disk.capacity && bytes < *disk.capacity && !shrink)
            throw Error(ErrorKind::conflict, "volume resize", input,
                        fmt::format("{} is smaller than the current {}: shrinking loses data; add --shrink if you mean it",
                                    format_size(bytes), format_size(*disk.capacity)));
        r.changed = true;
        if (m_options.dry_run) return;
        note(r, m_backend.resize_volume(vm, disk, bytes, shrink));
        const auto after = m_backend.disks(vm);
        if (const auto* now = find_target(after, target)) r.extra["volume"] = disk_json(*now);
    });
}

}  // namespace opskit::vm
