// The local dispatcher: what turns Queued containers into processes and results. One pass
// (or a polling loop) takes Queued containers with priority > 0, highest first, that fit
// this host's free CPUs and memory, locks them under a holder identity other processes can
// check for life, runs them with the chosen runtime, and records start, exit code, output
// and log collections. It also enforces the rules of a running container (priority 0 →
// stop → Cancelled; max_run_time → Cancelled) and sweeps containers whose holder died
// (Cancelled, which lets the retry rules run). `crctl dispatch` and `crctl run --local`
// are thin wrappers over Dispatcher::run().
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "opskit/core/lock.hpp"
#include "opskit/core/output.hpp"
#include "opskit/core/units.hpp"
#include "opskit/cr/collections/collection.hpp"
#include "opskit/cr/dispatch/local/host_resources.hpp"
#include "opskit/cr/runtime/runtime.hpp"
#include "opskit/cr/store/store.hpp"

namespace opskit::cr {

struct DispatchOptions {
    RuntimeKind runtime = RuntimeKind::host;
    std::string program;                         ///< runtime program; empty = default_runtime_program()
    std::vector<std::string> engine_extra_args;  ///< podman/docker only, after `run`
    int max_parallel = 0;                        ///< 0 = as many as fit
    std::optional<std::string> partition;        ///< serve only containers whose partitions include it or are empty
    bool follow = false;                         ///< keep polling until SIGTERM/SIGINT
    Duration poll_interval{1000};                ///< idle wait between queue polls
    Duration kill_grace{10000};                  ///< SIGTERM → SIGKILL when stopping a container
    std::optional<std::string> only_container;   ///< run just this container (crctl run --local)
    std::optional<HostResources> host;           ///< instead of /proc (tests)
    /// Called with one line per event (started, finished, cancelled…), for -v and progress.
    std::function<void(std::string_view)> on_event;
};

/// What happened to one container during a run of the dispatcher.
struct DispatchRecord {
    std::string uuid;
    std::string state;                           ///< final state we left it in
    std::optional<std::int64_t> exit_code;
    std::optional<std::string> output;
    std::optional<std::string> log;
    std::string note;                            ///< why it was cancelled, if it was
};

struct DispatchSummary {
    std::vector<DispatchRecord> containers;
    int started = 0, completed = 0, cancelled = 0, orphans = 0, impossible = 0;
    bool interrupted = false;
    std::int64_t queue_depth = 0;  ///< containers still Queued when the run ended (metrics)
    Json to_json() const;
};

/// The holder identity of a dispatcher: `lock:<path of a lock file it holds>`.
/// True when `holder` names a lock file nobody holds any more (its process died). Holders
/// in other forms (manual plumbing) are taken as alive.
bool holder_is_dead(std::string_view holder);

/// The per-store dispatcher lock (`--once` runs must not overlap): Error(busy) at once when
/// another dispatcher of the same store and partition holds it.
Lock acquire_dispatch_lock(const Store& store, const std::optional<std::string>& partition);

/// True when some dispatcher holds the dispatcher lock of `store` (any partition: checks the
/// lock without a partition).
bool dispatcher_is_serving(const Store& store);

class Dispatcher {
public:
    Dispatcher(Store& store, DispatchOptions options);
    ~Dispatcher();
    Dispatcher(const Dispatcher&) = delete;
    Dispatcher& operator=(const Dispatcher&) = delete;

    /// Runs until there is nothing more to do (once), or until interrupted (follow).
    DispatchSummary run();
    /// The holder identity this dispatcher locks containers with.
    const std::string& holder() const;

private:
    struct Impl;
    Impl* m_impl;
};

/// The files of a log collection: `stdout.txt`, `stderr.txt`, `run.log` at the root and
/// again under `log for container <uuid>/`, plus the subfolders of earlier attempts.
std::vector<std::pair<std::string, std::string>> log_collection_files(
    std::string_view container_uuid, const std::string& stdout_text, const std::string& stderr_text,
    const std::string& run_log, const std::vector<std::pair<std::string, std::vector<std::pair<std::string, std::string>>>>& earlier);

/// The last `lines` lines of a log collection's stderr.txt (its stdout.txt when stderr is
/// empty); "" when the collection is not stored.
std::string log_tail(const CollectionStorage& storage, std::string_view log_pdh, std::size_t lines);

}  // namespace opskit::cr
