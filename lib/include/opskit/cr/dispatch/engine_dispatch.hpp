// The dispatcher loop above the engine interface, written once for every engine: it locks
// Queued containers, submits one engine job each, tracks them with one poll per pass,
// keeps the engine's order equal to container priority order, ingests what an ended job
// produced (Complete or, when the result cannot be trusted, Cancelled: then the retry rules
// of container_count_max apply), cancels jobs whose container went final or to priority 0,
// cleans up vanished jobs (Running → Cancelled, Locked → Queued) and orphans (jobs named like
// our final containers). With a remote engine a pass never waits for jobs to end.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "opskit/core/units.hpp"
#include "opskit/cr/dispatch/local/dispatch.hpp"
#include "opskit/cr/dispatch/engine.hpp"
#include "opskit/cr/store/store.hpp"

namespace opskit::cr {

struct EngineDispatchOptions {
    bool follow = false;                         ///< keep making passes until SIGTERM/SIGINT
    Duration poll_interval{1000};                ///< between passes
    Duration backoff{10000};                     ///< a container whose submission failed waits this long
    std::optional<std::string> only_container;   ///< submit just this one (crctl run --engine)
    std::function<void(std::string_view)> on_event;
};

class EngineDispatcher {
public:
    EngineDispatcher(Store& store, Engine& engine, EngineDispatchOptions options);
    /// One pass. Error(unavailable) when the engine could not be asked (nothing is lost:
    /// the next pass carries on).
    DispatchSummary pass();
    /// `--once`: one pass. `--follow`: passes until interrupted; an unavailable engine is
    /// reported as an event and waited out.
    DispatchSummary run();

private:
    Store& m_store;
    Engine& m_engine;
    EngineDispatchOptions m_opt;
    DispatchSummary m_summary;
    bool m_first = true;
};

}  // namespace opskit::cr
