// State names as operators type and read them.
#include "opskit/vm/state.hpp"

#include <algorithm>
#include <cctype>

#include "opskit/core/error.hpp"

namespace opskit::vm {

std::string_view to_string(VmState state) noexcept {
    switch (state) {
        case VmState::running: return "Running";
        case VmState::stopped: return "Stopped";
        case VmState::starting: return "Starting";
        case VmState::stopping: return "Stopping";
        case VmState::destroyed: return "Destroyed";
        case VmState::expunging: return "Expunging";
        case VmState::error: return "Error";
        case VmState::unknown: return "Unknown";
    }
    return "Unknown";
}

const std::vector<VmState>& all_states() {
    static const std::vector<VmState> states{VmState::running,   VmState::stopped,   VmState::starting,
                                             VmState::stopping,  VmState::destroyed, VmState::expunging,
                                             VmState::error,     VmState::unknown};
    return states;
}

VmState parse_state(std::string_view text) {
    std::string lower(text);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    for (auto s : all_states()) {
        std::string name(to_string(s));
        std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
        if (name == lower) return s;
    }
    throw Error(ErrorKind::usage, "unknown VM state", text,
                "expected Running, Stopped, Starting, Stopping, Destroyed, Expunging, Error or Unknown");
}

}  // namespace opskit::vm
