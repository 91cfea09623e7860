// The engine interface's enum names and default wait (see engine.hpp).
#include "opskit/cr/dispatch/engine.hpp"

#include "opskit/core/process.hpp"

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

void Engine::wait(Duration max) { sleep_unless_interrupted(max); }

}  // namespace opskit::cr
