// The lifecycle table of vmctl (CloudStack's state machine as seen by an operator) and the
// snapshot/destroy rules around it. One row per operation; the verbs never test states
// themselves.
#include "opskit/vm/rules.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <map>
#include <set>

#include "opskit/core/error.hpp"

namespace opskit::vm {
namespace {

constexpr Verdict P = Verdict::proceed;
constexpr Verdict N = Verdict::no_op;
constexpr Verdict C = Verdict::conflict;

// Columns: Running, Stopped, Starting, Stopping, Destroyed, Expunging, Error, Unknown.
struct Row {
    Operation op;
    std::array<Verdict, 8> verdicts;
};

constexpr std::array<Row, 13> table{{
    //                               Run Stop Stg Stpg Des Exp Err Unk
    {Operation::start,             {{N,  P,   C,  C,   C,  C,  C,  C}}},
    {Operation::stop,              {{P,  N,   C,  P,   N,  N,  P,  C}}},
    {Operation::reboot,            {{P,  C,   C,  C,   C,  C,  C,  C}}},
    {Operation::destroy,           {{P,  P,   C,  C,   N,  N,  P,  C}}},
    {Operation::recover,           {{C,  C,   C,  C,   P,  C,  C,  C}}},
    {Operation::expunge,           {{C,  C,   C,  C,   P,  P,  C,  C}}},
    {Operation::snapshot_create,   {{P,  P,   C,  C,   C,  C,  C,  C}}},
    {Operation::snapshot_list,     {{P,  P,   P,  P,   P,  P,  P,  P}}},
    {Operation::snapshot_revert,   {{C,  P,   C,  C,   C,  C,  C,  C}}},
    {Operation::snapshot_delete,   {{P,  P,   C,  C,   C,  C,  C,  C}}},
    {Operation::volume_attach,     {{P,  P,   C,  C,   C,  C,  C,  C}}},
    {Operation::volume_detach,     {{P,  P,   C,  C,   C,  C,  C,  C}}},
    {Operation::volume_resize,     {{P,  P,   C,  C,   C,  C,  C,  C}}},
}};

std::size_t column(VmState s) { return static_cast<std::size_t>(s); }

std::string why(Operation op, VmState s, Verdict v) {
    const auto state = to_string(s);
    if (v == Verdict::no_op) {
        switch (op) {
            case Operation::start: return "already running";
            case Operation::stop:
                return s == VmState::stopped ? "already stopped" : fmt::format("{}: not running", state);
            case Operation::destroy: return fmt::format("already {}", s == VmState::destroyed ? "destroyed" : "expunging");
            default: return fmt::format("already {}", state);
        }
    }
    switch (op) {
        case Operation::start:
            if (s == VmState::destroyed) return "VM is Destroyed; recover it first";
            break;
        case Operation::reboot:
            if (s == VmState::stopped) return "VM is Stopped; start it instead";
            break;
        case Operation::recover: return fmt::format("VM is {}, only a Destroyed VM can be recovered", state);
        case Operation::expunge: return fmt::format("VM is {}; destroy it first", state);
        case Operation::snapshot_revert:
            if (s == VmState::running) return "VM is Running; stop it before reverting";
            break;
        case Operation::volume_attach:
        case Operation::volume_detach:
        case Operation::volume_resize:
            if (s == VmState::destroyed) return "VM is Destroyed; recover it first";
            break;
        default: break;
    }
    return fmt::format("not allowed while the VM is {}", state);
}

bool valid_target(const std::string& t) {
    if (t.empty() || t.size() > 32) return false;
    return std::all_of(t.begin(), t.end(), [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '_'; });
}

}  // namespace

std::string_view to_string(Operation op) noexcept {
    switch (op) {
        case Operation::start: return "start";
        case Operation::stop: return "stop";
        case Operation::reboot: return "reboot";
        case Operation::destroy: return "destroy";
        case Operation::recover: return "recover";
        case Operation::expunge: return "expunge";
        case Operation::snapshot_create: return "snapshot create";
        case Operation::snapshot_list: return "snapshot list";
        case Operation::snapshot_revert: return "snapshot revert";
        case Operation::snapshot_delete: return "snapshot delete";
        case Operation::volume_attach: return "volume attach";
        case Operation::volume_detach: return "volume detach";
        case Operation::volume_resize: return "volume resize";
    }
    return "?";
}

VmState state_of(const VmInfo& vm) noexcept {
    if (vm.record) return vm.record->expunging ? VmState::expunging : VmState::destroyed;
    switch (vm.power) {
        case PowerState::running:
        case PowerState::paused:
        case PowerState::suspended: return VmState::running;
        case PowerState::stopped: return VmState::stopped;
        case PowerState::shutting_down: return VmState::stopping;
        case PowerState::crashed: return VmState::error;
        case PowerState::unknown: return VmState::unknown;
    }
    return VmState::unknown;
}

std::string state_detail(const VmInfo& vm) {
    if (vm.record) return {};
    if (vm.power == PowerState::paused) return "paused";
    if (vm.power == PowerState::suspended) return "pmsuspended";
    return {};
}

Decision decide(Operation op, VmState state) {
    for (const auto& row : table)
        if (row.op == op) {
            const auto v = row.verdicts[column(state)];
            return {v, v == Verdict::proceed ? std::string() : why(op, state, v)};
        }
    throw Error(ErrorKind::internal, "rules table", to_string(op), "operation missing from the table");
}

Decision check(Operation op, const VmInfo& vm) {
    auto d = decide(op, state_of(vm));
    if (d.verdict == Verdict::conflict) throw Error(ErrorKind::conflict, to_string(op), vm.name, d.why);
    return d;
}

void check_snapshot_create(const SnapshotRequest& request, VmState state, const std::vector<std::string>& existing_names,
                           bool agent_connected, std::string_view vm_name) {
    const auto& n = request.name;
    if (n.empty()) throw Error(ErrorKind::usage, "snapshot name", vm_name, "must not be empty");
    if (n.size() > max_snapshot_text)
        throw Error(ErrorKind::usage, "snapshot name", n.substr(0, 40) + "...",
                    fmt::format("longer than {} characters", max_snapshot_text));
    if (n.find('/') != std::string::npos || n.front() == '-' || n.find_first_of("<>&'\"") != std::string::npos)
        throw Error(ErrorKind::usage, "snapshot name", n, "must not contain / < > & quotes or start with -");
    if (request.description.size() > max_snapshot_text)
        throw Error(ErrorKind::usage, "snapshot description", n, fmt::format("longer than {} characters", max_snapshot_text));
    const auto d = decide(Operation::snapshot_create, state);
    if (d.verdict == Verdict::conflict) throw Error(ErrorKind::conflict, "snapshot create", std::string(vm_name), d.why);
    if (std::find(existing_names.begin(), existing_names.end(), n) != existing_names.end())
        throw Error(ErrorKind::conflict, "snapshot create", fmt::format("{} {}", vm_name, n),
                    "a snapshot with this name already exists");
    if (request.memory && state != VmState::running)
        throw Error(ErrorKind::conflict, "snapshot create --memory", std::string(vm_name),
                    fmt::format("memory can only be saved while the VM is Running (it is {})", to_string(state)));
    if (request.quiesce && !agent_connected)
        throw Error(ErrorKind::conflict, "snapshot create --quiesce", std::string(vm_name),
                    "the guest agent channel is not connected");
}

void check_destroy_request(const DestroyRequest& request, std::string_view vm_name) {
    if (!request.delete_volumes.empty() && request.delete_all_volumes)
        throw Error(ErrorKind::usage, "destroy", std::string(vm_name),
                    "--delete-volumes and --delete-all-volumes exclude each other");
    for (const auto& t : request.delete_volumes)
        if (!valid_target(t)) throw Error(ErrorKind::usage, "volume target", t, "expected a disk target such as vdb");
    if (request.expunge && !request.yes)
        throw Error(ErrorKind::usage, "destroy --expunge", std::string(vm_name), "irreversible; add --yes to confirm");
    if ((!request.delete_volumes.empty() || request.delete_all_volumes) && !request.yes)
        throw Error(ErrorKind::usage, "volume deletion", std::string(vm_name), "irreversible; add --yes to confirm");
}

VolumePlan plan_volumes(const std::vector<Volume>& volumes, const std::vector<std::string>& chosen, bool all,
                        std::string_view vm_name) {
    std::set<std::string> wanted(chosen.begin(), chosen.end());
    for (const auto& t : wanted)
        if (std::none_of(volumes.begin(), volumes.end(), [&](const Volume& v) { return v.target == t; }))
            throw Error(ErrorKind::usage, "volume target", fmt::format("{} {}", vm_name, t), "the VM has no disk with this target");
    VolumePlan plan;
    for (const auto& v : volumes) {
        const bool asked = v.root || all || wanted.count(v.target) > 0;
        if (!asked)
            plan.kept.emplace_back(v, "data volume not chosen for deletion");
        else if (!v.managed)
            plan.kept.emplace_back(v, "storage not managed by the backend; remove it yourself");
        else
            plan.deleted.push_back(v);
    }
    return plan;
}

std::string_view snapshot_guard_reason(Operation op) noexcept {
    // Mold's own wording (CloudStack VolumeApiServiceImpl), so operators recognise it.
    switch (op) {
        case Operation::volume_attach: return "Unable to attach volume, please specify a VM that does not have VM snapshots";
        case Operation::volume_detach: return "Unable to detach volume, please specify a VM that does not have VM snapshots";
        case Operation::volume_resize: return "A volume that is attached to a VM with any VM snapshots cannot be resized.";
        default: return {};
    }
}

void check_snapshot_guard(Operation op, int snapshots, std::string_view vm_name, std::string_view input) {
    const auto reason = snapshot_guard_reason(op);
    if (snapshots <= 0 || reason.empty()) return;
    throw Error(ErrorKind::conflict, to_string(op), input,
                fmt::format("{} ({} has {} snapshot{}: see vmctl snapshot list {})", reason, vm_name, snapshots,
                            snapshots == 1 ? "" : "s", vm_name));
}

void check_disk_target(std::string_view t) {
    std::size_t prefix = 0;
    for (std::string_view p : {"xvd", "vd", "sd", "hd"})
        if (t.starts_with(p)) {
            prefix = p.size();
            break;
        }
    const auto letters = t.substr(prefix);
    const bool ok = prefix > 0 && !letters.empty() && letters.size() <= 2 &&
                    std::all_of(letters.begin(), letters.end(), [](char c) { return c >= 'a' && c <= 'z'; });
    if (!ok) throw Error(ErrorKind::usage, "volume target", t, "expected vd, sd, hd or xvd and one or two letters, such as vdb");
}

std::string_view bus_for_target(std::string_view t) {
    if (t.starts_with("vd")) return "virtio";
    if (t.starts_with("sd")) return "scsi";
    if (t.starts_with("hd")) return "ide";
    return "xen";
}

std::string next_free_target(const std::vector<std::string>& used, std::string_view vm_name) {
    for (char c = 'b'; c <= 'z'; ++c) {
        std::string t = std::string("vd") + c;
        if (std::find(used.begin(), used.end(), t) == used.end()) return t;
    }
    throw Error(ErrorKind::conflict, "volume attach", vm_name, "no free target from vdb to vdz; name one with --target");
}

}  // namespace opskit::vm
