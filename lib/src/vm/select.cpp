// Selecting VMs (names, globs, --all, --state) and the JSON of list/status rows.
#include "opskit/vm/select.hpp"

#include <fnmatch.h>

#include <algorithm>

#include "opskit/core/error.hpp"
#include "opskit/vm/rules.hpp"

namespace opskit::vm {

bool is_glob(const std::string& text) { return text.find_first_of("*?[") != std::string::npos; }

void require_selection(const Selector& sel, bool empty_means_all) {
    if (!sel.all && sel.patterns.empty() && !empty_means_all)
        throw Error(ErrorKind::usage, "no VM selected: name one or more VMs or globs, or use --all");
}

std::vector<std::string> select_vms(Backend& backend, const Selector& sel, bool include_destroyed, bool empty_means_all) {
    require_selection(sel, empty_means_all);
    const bool everything = sel.all || (sel.patterns.empty() && empty_means_all);
    const bool need_info = sel.state.has_value() || !include_destroyed;
    const bool any_glob = everything || std::any_of(sel.patterns.begin(), sel.patterns.end(), is_glob);
    std::vector<VmInfo> vms;
    if (need_info && (any_glob || sel.state)) vms = backend.list_states();
    else if (any_glob)
        for (auto& n : backend.names()) vms.push_back(VmInfo{n, {}, PowerState::unknown, {}, 0, 0, 0, true, {}});

    std::sort(vms.begin(), vms.end(), [](const VmInfo& a, const VmInfo& b) { return a.name < b.name; });
    const auto state_ok = [&](const VmInfo& vm) {
        const auto s = state_of(vm);
        if (sel.state) return s == *sel.state;
        return include_destroyed || (s != VmState::destroyed && s != VmState::expunging);
    };
    std::vector<std::string> out;
    const auto add = [&](const std::string& n) {
        if (std::find(out.begin(), out.end(), n) == out.end()) out.push_back(n);
    };
    if (everything) {
        for (const auto& vm : vms)
            if (state_ok(vm)) add(vm.name);
        return out;
    }
    for (const auto& p : sel.patterns) {
        if (!is_glob(p)) {
            // A plain name is the operator's explicit choice: kept even when absent (its
            // operation reports not found); --state still filters it.
            if (sel.state) {
                const auto it = std::find_if(vms.begin(), vms.end(), [&](const VmInfo& v) { return v.name == p; });
                if (it != vms.end() && !state_ok(*it)) continue;
            }
            add(p);
            continue;
        }
        bool matched = false;
        for (const auto& vm : vms)
            if (::fnmatch(p.c_str(), vm.name.c_str(), 0) == 0) {
                matched = true;
                if (state_ok(vm)) add(vm.name);
            }
        if (!matched) throw Error(ErrorKind::not_found, "VM selection", p, "no VM matches this pattern");
    }
    return out;
}

std::vector<std::string> due_for_expunge(Backend& backend, TimePoint now) {
    std::vector<std::string> out;
    for (const auto& vm : backend.list_states())
        if (due_for_expunge(vm, now)) out.push_back(vm.name);
    return out;
}

bool due_for_expunge(const VmInfo& vm, TimePoint now) { return vm.record && vm.record->expunge_at <= now; }

Json status_json(const VmInfo& vm) {
    const auto detail = state_detail(vm);
    return {
        {"name", vm.name},
        {"uuid", vm.uuid},
        {"state", std::string(to_string(state_of(vm)))},
        {"reason", vm.reason},
        {"detail", detail.empty() ? Json(nullptr) : Json(detail)},
        {"vcpus", vm.vcpus},
        {"memory", vm.memory_bytes},
        {"snapshots", vm.snapshots},
        {"persistent", vm.persistent},
        {"destroyed_at", vm.record ? Json(to_rfc3339(vm.record->destroyed_at)) : Json(nullptr)},
        {"expunge_at", vm.record ? Json(to_rfc3339(vm.record->expunge_at)) : Json(nullptr)},
    };
}

Json snapshot_json(const SnapshotInfo& s) {
    return {
        {"name", s.name},
        {"description", s.description},
        {"parent", s.parent.empty() ? Json(nullptr) : Json(s.parent)},
        {"vm_state", s.vm_state},
        {"memory", s.memory},
        {"current", s.current},
        {"created", s.created ? Json(to_rfc3339(*s.created)) : Json(nullptr)},
    };
}

}  // namespace opskit::vm
