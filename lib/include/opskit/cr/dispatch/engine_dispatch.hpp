// The dispatcher loop above the engine interface, written once for every engine: it locks
// Queued containers, submits one engine job each, tracks them with one poll per pass,
// keeps the engine's order equal to container priority order, ingests what an ended job
// produced (Complete or, when the result cannot be trusted, Cancelled: then the retry rules
// of container_count_max apply), cancels jobs whose container went final or to priority 0,
// cleans up vanished jobs (Running → Cancelled, Locked → Queued), orphans (jobs named like
// our final containers) and the containers of dead local dispatchers, and stops what
// outlives its max_run_time. With a remote engine a pass never waits for jobs to end.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "opskit/core/units.hpp"
#include "opskit/cr/collections/collection.hpp"
#include "opskit/cr/dispatch/dispatch.hpp"
#include "opskit/cr/dispatch/engine.hpp"
#include "opskit/cr/store/store.hpp"

namespace opskit::cr {

struct EngineDispatchOptions {
    bool follow = false;                         ///< keep making passes until SIGTERM/SIGINT
    Duration poll_interval{1000};                ///< between passes
    Duration backoff{10000};                     ///< a container whose submission failed waits this long
    std::optional<std::string> only_container;   ///< submit just this one (crctl run)
    std::optional<std::string> partition;        ///< serve only containers whose partitions include it or are empty
    std::function<void(std::string_view)> on_event;
};

class EngineDispatcher {
public:
    EngineDispatcher(Store& store, Engine& engine, EngineDispatchOptions options);
    /// One pass. Error(unavailable) when the engine could not be asked (nothing is lost:
    /// the next pass carries on). The summary's queue_depth is counted by run() only, once,
    /// when the run ends: a count of 100k queued rows per pass would cost more than the pass.
    DispatchSummary pass();
    /// `--once`: a remote engine makes one pass; the local engine makes passes until what it
    /// started has ended and nothing more fits. `--follow`: passes until interrupted (the
    /// local engine then stops its children and cancels their containers; remote jobs keep
    /// running for the next dispatcher); an unavailable engine is reported and waited out.
    DispatchSummary run();

private:
    void event(const std::string& line) const;
    void note(const std::string& uuid, std::string state, std::optional<std::int64_t> code, std::optional<std::string> output,
              std::optional<std::string> log, std::string why);
    /// Stores a log collection for `c` (with its earlier attempts); nullopt when it cannot.
    std::optional<std::string> store_log(const Container& c, const std::string& out, const std::string& err,
                                         const std::string& run_log);
    void sweep_dead_holders(const std::vector<Container>& dead);
    void cancel_live(const Container& c, const EngineJob& job, const std::string& why, std::optional<std::string> error);
    void ingest(const Container& c, const EngineJob* job, const JobOutcome& out);
    void vanished(const Container& c, const EngineJob* job);
    /// Step 6 of a pass: locks and submits queued containers, highest priority first, until
    /// the head of the line has no room. Returns why the engine is unavailable, if it is.
    std::optional<std::string> submit_queued(const std::map<std::string, const EngineJob*>& job_of,
                                             std::vector<std::pair<std::string, Json>>& status_updates, std::int64_t now);
    /// Stops every job this dispatcher runs and cancels its container (local engine, shutdown).
    void stop_all(const std::string& why);
    DispatchSummary run_remote();
    /// The summary with queue_depth counted now (the end of a run).
    DispatchSummary finished();

    Store& m_store;
    Engine& m_engine;
    EngineDispatchOptions m_opt;
    CollectionStorage m_storage;
    DispatchSummary m_summary;
    int m_live = 0;    ///< jobs still pending or running after the last pass
    int m_acted = 0;   ///< containers the last pass submitted or settled
};

}  // namespace opskit::cr
