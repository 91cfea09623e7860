// What every dispatcher shares, whatever engine runs its containers: the summary a run
// reports, the holder identities containers are locked with, the per-store dispatcher lock,
// and the shape of a log collection. The loop itself is in engine_dispatch.hpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "opskit/core/lock.hpp"
#include "opskit/core/output.hpp"
#include "opskit/cr/collections/collection.hpp"
#include "opskit/cr/lifecycle/model.hpp"
#include "opskit/cr/store/store.hpp"

namespace opskit::cr {

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

/// Holders of the form `lock:<path of a lock file>` die with the process that holds the
/// lock file (the local engine's); holders in other forms (`engine:slurm`, manual plumbing)
/// are taken as alive.
inline constexpr std::string_view lock_holder_prefix = "lock:";

/// True when `holder` names a lock file nobody holds any more (its process died).
bool holder_is_dead(std::string_view holder);

/// The per-store dispatcher lock (`--once` runs must not overlap): Error(busy) at once when
/// another dispatcher of the same store and partition holds it.
Lock acquire_dispatch_lock(const Store& store, const std::optional<std::string>& partition);

/// True when some dispatcher holds the dispatcher lock of `store` (any partition: checks the
/// lock without a partition).
bool dispatcher_is_serving(const Store& store);

/// Log files of one attempt, by name (stdout.txt, stderr.txt, run.log), and those of the
/// earlier attempts of the same work, by their container uuid.
using AttemptFiles = std::vector<std::pair<std::string, std::string>>;
using EarlierAttempts = std::vector<std::pair<std::string, AttemptFiles>>;

/// The files of a log collection: `stdout.txt`, `stderr.txt`, `run.log` at the root and
/// again under `log for container <uuid>/`, plus the subfolders of earlier attempts.
AttemptFiles log_collection_files(std::string_view container_uuid, const std::string& stdout_text,
                                  const std::string& stderr_text, const std::string& run_log,
                                  const EarlierAttempts& earlier);

/// The log folders of the earlier Cancelled attempts of `container`'s work (same reuse
/// hash, since its oldest request was made), oldest first, so a retry's log keeps them.
EarlierAttempts earlier_attempts(Store& store, const CollectionStorage& storage, const Container& container);

/// The last `lines` lines of a log collection's stderr.txt (its stdout.txt when stderr is
/// empty); "" when the collection is not stored.
std::string log_tail(const CollectionStorage& storage, std::string_view log_pdh, std::size_t lines);

}  // namespace opskit::cr
