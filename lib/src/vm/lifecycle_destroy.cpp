// Destroy as a soft delete, recover, and expunge (Mold's rules): a running VM is stopped
// first (graceful, then forced), its snapshots go, and a destroy record with expunge_at is
// written on the VM; expunge undefines it and deletes the root volume and the chosen data
// volumes when the backend manages them, keeping and reporting every other volume.
#include <fmt/format.h>

#include "opskit/vm/lifecycle.hpp"
#include "opskit/vm/select.hpp"

namespace opskit::vm {
namespace {

Json volume_json(const Volume& v) {
    return {{"target", v.target}, {"path", v.path}, {"root", v.root}, {"managed", v.managed}};
}

void report_plan(const VolumePlan& plan, OpResult& r, bool done) {
    Json deleted = Json::array(), kept = Json::array();
    for (const auto& v : plan.deleted) deleted.push_back(volume_json(v));
    for (const auto& [v, why] : plan.kept) {
        auto j = volume_json(v);
        j["reason"] = why;
        kept.push_back(j);
    }
    r.extra[done ? "volumes_deleted" : "volumes_to_delete"] = deleted;
    r.extra["volumes_kept"] = kept;
}

void report_record(const DestroyRecord& rec, OpResult& r) {
    r.extra["destroyed_at"] = to_rfc3339(rec.destroyed_at);
    r.extra["expunge_at"] = to_rfc3339(rec.expunge_at);
}

}  // namespace

void Lifecycle::expunge_now(const std::string& vm, const VmInfo& info, OpResult& r) {
    if (!info.record) throw Error(ErrorKind::conflict, "expunge", vm, "VM is not Destroyed; destroy it first");
    DestroyRecord rec = *info.record;
    const auto plan = plan_volumes(m_backend.volumes(vm), rec.delete_volumes, rec.delete_all_volumes, vm);
    report_record(rec, r);
    r.changed = true;
    if (m_options.dry_run) {
        report_plan(plan, r, false);
        r.expunged = true;
        return;
    }
    rec.expunging = true;  // a crash from here on leaves the VM visibly Expunging, and expunge resumes it
    m_backend.set_record(vm, rec);
    const auto applied = m_backend.undefine(vm);
    if (!applied.fallback.empty()) r.detail = applied.fallback;
    r.expunged = true;
    VolumePlan done;
    done.kept = plan.kept;
    std::vector<std::string> failures;
    for (const auto& v : plan.deleted) {
        try {
            m_backend.delete_volume(vm, v);
            done.deleted.push_back(v);
        } catch (const Error& e) {
            done.kept.emplace_back(v, fmt::format("deletion failed: {}", e.what()));
            failures.push_back(v.target);
        }
    }
    report_plan(done, r, true);
    if (!failures.empty())
        throw Error(ErrorKind::failed, "expunge", vm,
                    fmt::format("VM removed but {} volume(s) could not be deleted: {}", failures.size(),
                                fmt::join(failures, ", ")));
}

OpResult Lifecycle::destroy(const std::string& vm, const DestroyRequest& request, const StopOptions& stop,
                            Duration expunge_delay) {
    return run(vm, "destroy", [&](OpResult& r) {
        check_destroy_request(request, vm);
        const auto info = begin(vm, r);
        const auto d = check(Operation::destroy, info);
        if (d.verdict == Verdict::no_op) {
            r.to_state = r.from_state;
            if (info.record) report_record(*info.record, r);
            if (request.expunge) {
                expunge_now(vm, info, r);
                return;
            }
            r.detail = d.why;
            return;
        }
        // Validate the volume choice before anything changes.
        const auto plan = plan_volumes(m_backend.volumes(vm), request.delete_volumes, request.delete_all_volumes, vm);
        DestroyRecord rec;
        rec.destroyed_at = now_ms();
        rec.expunge_at = rec.destroyed_at + expunge_delay;
        rec.delete_volumes = request.delete_volumes;
        rec.delete_all_volumes = request.delete_all_volumes;
        r.changed = true;
        if (m_options.dry_run) {
            r.forced = request.force && *r.from_state == VmState::running;
            r.to_state = VmState::destroyed;
            report_record(rec, r);
            if (request.expunge) {
                report_plan(plan, r, false);
                r.expunged = true;
            }
            return;
        }
        if (*r.from_state == VmState::running || *r.from_state == VmState::error) {
            // CloudStack's vm.destroy.forcestop=false: graceful with the stop timeout, then forced.
            StopOptions so = stop;
            so.force = request.force || *r.from_state == VmState::error;
            so.force_on_timeout = true;
            stop_running(vm, info, so, r, true);
        }
        m_backend.set_record(vm, rec);
        report_record(rec, r);
        r.to_state = VmState::destroyed;
        // Mold deletes a destroyed VM's snapshots: delete each root with its children.
        int removed = 0;
        const auto snaps = m_backend.snapshots(vm);
        for (const auto& s : snaps)
            if (s.parent.empty()) m_backend.delete_snapshot(vm, s.name, true);
        removed = static_cast<int>(snaps.size());
        r.extra["snapshots_deleted"] = removed;
        if (request.expunge) expunge_now(vm, m_backend.info(vm), r);
    });
}

OpResult Lifecycle::recover(const std::string& vm) {
    return run(vm, "recover", [&](OpResult& r) {
        const auto info = begin(vm, r);
        check(Operation::recover, info);
        r.changed = true;
        if (m_options.dry_run) {
            r.to_state = VmState::stopped;
            return;
        }
        m_backend.set_record(vm, std::nullopt);
        r.to_state = state_of(m_backend.state(vm));
    });
}

OpResult Lifecycle::expunge(const std::string& vm) {
    return run(vm, "expunge", [&](OpResult& r) {
        const auto info = begin(vm, r);
        check(Operation::expunge, info);
        expunge_now(vm, info, r);
    });
}

}  // namespace opskit::vm
