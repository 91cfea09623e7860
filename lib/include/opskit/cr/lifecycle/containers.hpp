// Containers as a dispatcher drives them: the plumbing verbs lock, unlock, start, complete,
// cancel and set_progress, with the state machine and rules of reference §1.2, §3.4 and §7,
// and what follows a container's end (§6): retry with a fresh container, finalization of
// its requests with output/log records, and the cascade to child requests.
//
// For the dispatcher: poll queued_containers() (Queued, priority > 0, priority desc), lock
// with a holder identity that lets another process tell a dead holder from a live one (for
// example "pid:<pid>:boot:<boot id>" or a lock file path), start, then complete or cancel.
// A container whose priority dropped to 0 while Locked/Running should be cancelled (the
// local dispatcher's rule). Running a container's own process: CRCTL_CONTAINER_UUID and
// CRCTL_STORE in its environment make its own `crctl request create` a child request.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "opskit/cr/lifecycle/model.hpp"
#include "opskit/cr/store/store.hpp"

namespace opskit::cr {

/// The container, or Error(not_found) naming the uuid.
Container get_container(Tx& tx, std::string_view uuid);
std::optional<Container> find_container(Tx& tx, std::string_view uuid);

/// A place in container order (priority desc, created_at, uuid): where a page ended, so the
/// next page starts after this container.
struct QueuePosition {
    std::int64_t priority = 0;
    std::int64_t created_at = 0;
    std::string uuid;
};

struct ContainerFilter {
    std::optional<ContainerState> state;
    std::optional<std::int64_t> min_priority;  ///< priority >= this
    std::optional<std::string> locked_by;
    std::int64_t limit = 0;                    ///< 0 = all
    std::optional<QueuePosition> after;        ///< only containers after this place in the order
};
/// Containers ordered by priority desc, then created_at, then uuid.
std::vector<Container> list_containers(Tx& tx, const ContainerFilter& filter = {});

/// Queued containers with priority > 0, highest priority first (the dispatch queue).
std::vector<Container> queued_containers(Tx& tx, std::int64_t limit = 0);

/// The next `limit` containers of the dispatch queue after `after` (from the head when
/// empty), in queue order. A dispatcher that stops at the head of the line reads one page,
/// not the whole queue; the position holds across transactions, so locking containers
/// between pages neither skips nor repeats one.
std::vector<Container> queued_page(Tx& tx, const std::optional<QueuePosition>& after, std::int64_t limit);

/// How many containers wait in the dispatch queue (Queued, priority > 0), every partition.
std::int64_t count_queued(Tx& tx);

/// Queued → Locked by `holder` (non-empty). Not Queued or priority 0 → Error(conflict).
/// lock_count += 1.
Container lock_container(Tx& tx, std::string_view uuid, std::string_view holder);

/// Locked → Queued (runtime_status reset to {}), or → Cancelled when lock_count reached
/// max_dispatch_attempts (then retry/finalize as for any cancel). Another holder →
/// Error(conflict). `runtime_status` (an object) is set after the reset, so a dispatcher can
/// say why it handed the container back (a failed submission, a back-off time).
Container unlock_container(Tx& tx, std::string_view uuid, std::string_view holder,
                           const Json& runtime_status = Json::object());

/// Locked → Running (started_at set). Another holder → Error(conflict).
Container start_container(Tx& tx, std::string_view uuid, std::string_view holder);

/// What a dispatcher reports; absent fields stay as they are. runtime_status keys are
/// merged over the current ones; error/errorDetail/warning/warningDetail/activity/
/// preemptionNotice must be strings.
struct ContainerReport {
    std::optional<std::int64_t> exit_code;
    std::optional<std::string> output;      ///< portable data hash
    std::optional<std::string> log;         ///< portable data hash
    std::optional<double> progress;         ///< 0..1
    std::optional<Json> runtime_status;
};

/// Progress while Running (or runtime_status/log while Locked) by the holder.
Container set_progress(Tx& tx, std::string_view uuid, std::string_view holder, const ContainerReport& report);

/// Running → Complete by the holder (finished_at set), then finalization (§6).
Container complete_container(Tx& tx, std::string_view uuid, std::string_view holder, const ContainerReport& report);

/// Queued/Locked/Running → Cancelled (finished_at set), then retry or finalization (§6).
/// Empty holder = administrative cancel (allowed whoever holds the lock); a non-empty holder
/// must match while Locked/Running. Complete → Cancelled is allowed to stop reuse (no other
/// field may change then). Already Cancelled → returned unchanged.
Container cancel_container(Tx& tx, std::string_view uuid, std::string_view holder = {},
                           const ContainerReport& report = {});

/// The requests pointing at a container (any state), oldest first.
std::vector<ContainerRequest> requests_of_container(Tx& tx, std::string_view container_uuid);

/// UUIDs of containers starting with `prefix` (for shell completion).
std::vector<std::string> container_uuids(Tx& tx, std::string_view prefix, std::int64_t limit = 200);

}  // namespace opskit::cr
