// Names of the engine interface's enums (see engine.hpp).
#include "opskit/cr/dispatch/engine.hpp"

namespace opskit::cr {

std::string_view to_string(JobPhase phase) noexcept {
    switch (phase) {
        case JobPhase::pending: return "pending";
        case JobPhase::running: return "running";
        case JobPhase::ended: return "ended";
        case JobPhase::unknown: break;
    }
    return "unknown";
}

}  // namespace opskit::cr
