// libvirt's power states and reasons as vmctl reports them (see power.hpp).
#include "power.hpp"

#include <cstring>
#include <iterator>

namespace opskit::vm::lv {
namespace {

// libvirt calls a forced power-off "destroyed"; beside CloudStack's Destroyed state that
// would read as a deleted VM, so vmctl says what happened instead.
const char* shutoff_reason(int r) {
    static const char* names[] = {"unknown", "shutdown", "powered off", "crashed", "migrated",
                                  "saved", "failed", "from snapshot", "daemon"};
    return r >= 0 && r < static_cast<int>(std::size(names)) ? names[r] : "unknown";
}
const char* running_reason(int r) {
    static const char* names[] = {"unknown", "booted", "migrated", "restored", "from snapshot", "unpaused",
                                  "migration canceled", "save canceled", "wakeup", "crashed", "post-copy",
                                  "post-copy failed"};
    return r >= 0 && r < static_cast<int>(std::size(names)) ? names[r] : "unknown";
}
const char* paused_reason(int r) {
    static const char* names[] = {"unknown", "user", "migration", "save", "dump", "ioerror", "watchdog",
                                  "from snapshot", "shutting down", "snapshot", "api error", "starting up",
                                  "post-copy", "post-copy failed"};
    return r >= 0 && r < static_cast<int>(std::size(names)) ? names[r] : "unknown";
}

}  // namespace

void set_power(VmInfo& vm, int state, int reason) {
    switch (state) {
        case VIR_DOMAIN_RUNNING:
        case VIR_DOMAIN_BLOCKED:
            vm.power = PowerState::running;
            vm.reason = running_reason(reason);
            break;
        case VIR_DOMAIN_PAUSED:
            vm.power = PowerState::paused;
            vm.reason = paused_reason(reason);
            break;
        case VIR_DOMAIN_SHUTDOWN:
            vm.power = PowerState::shutting_down;
            vm.reason = "shutting down";
            break;
        case VIR_DOMAIN_SHUTOFF:
            vm.power = PowerState::stopped;
            vm.reason = shutoff_reason(reason);
            break;
        case VIR_DOMAIN_CRASHED:
            vm.power = PowerState::crashed;
            vm.reason = "crashed";
            break;
        case VIR_DOMAIN_PMSUSPENDED:
            vm.power = PowerState::suspended;
            vm.reason = "pmsuspended";
            break;
        default:
            vm.power = PowerState::unknown;
            vm.reason = "nostate";
    }
}

bool stats_state(const virDomainStatsRecord& record, int& state, int& reason) {
    // The fields are read from the array directly: virTypedParamsGetInt is a logged API
    // call, and this runs once per VM of a listing.
    bool found = false;
    reason = 0;
    for (int i = 0; i < record.nparams; ++i) {
        const auto& p = record.params[i];
        if (p.type != VIR_TYPED_PARAM_INT) continue;
        if (std::strcmp(p.field, "state.state") == 0) {
            state = p.value.i;
            found = true;
        } else if (std::strcmp(p.field, "state.reason") == 0) {
            reason = p.value.i;
        }
    }
    return found;
}

}  // namespace opskit::vm::lv
