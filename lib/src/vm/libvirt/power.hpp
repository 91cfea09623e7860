// Private: libvirt's (state, reason) pair in vmctl's words. Read three ways — one VM's
// virDomainGetState, a host's virConnectGetAllDomainStats listing and a poll — and decoded
// in one place so the three cannot drift apart.
#pragma once

#include <libvirt/libvirt.h>

#include "opskit/vm/state.hpp"

namespace opskit::vm::lv {

/// Sets vm.power and vm.reason from a virDomainState and its reason.
void set_power(VmInfo& vm, int state, int reason);

/// The state.state and state.reason fields of a stats record (VIR_DOMAIN_STATS_STATE);
/// false when the record lacks state.state.
bool stats_state(const virDomainStatsRecord& record, int& state, int& reason);

}  // namespace opskit::vm::lv
