// The engine interface: what a dispatcher needs from whatever runs containers for it (this
// host, Slurm, Docker Swarm). One engine job per container, named by the container uuid.
// The dispatcher loop (lock, submit, track, ingest, finalise, retry, orphan cleanup; see
// engine_dispatch.hpp) is written once above this interface; an engine only translates.
//
// Rules every engine keeps:
// - Methods that talk to the engine throw Error(unavailable) when it cannot be reached
//   (the loop then loses nothing and tries again next pass), Error(failed) when the engine
//   refused one request (the container goes back to Queued with the error and a back-off),
//   Error(usage) when a request can never run there (Cancelled, the message naming the
//   constraint).
// - poll() is one look at all our jobs; the other calls act on one job each.
// - Nothing here opens the store: only the loop writes it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "opskit/core/units.hpp"
#include "opskit/cr/lifecycle/model.hpp"
#include "opskit/cr/runtime/runtime.hpp"

namespace opskit::cr {

/// Where an engine job is in its life, as the loop needs it.
enum class JobPhase {
    pending,   ///< accepted, waiting for resources/priority (reason says why)
    running,   ///< the container runs (the loop moves Locked → Running)
    ended,     ///< the job is over; outcome() says what happened
    unknown,   ///< a state the engine reported that we do not know: left alone
};

std::string_view to_string(JobPhase phase) noexcept;

/// The engine's view of one of our jobs.
struct EngineJob {
    std::string uuid;                       ///< container uuid (= job name)
    std::string job_id;                     ///< the engine's id (Slurm job id, service id), may be empty
    std::string state;                      ///< the engine's own state word (PENDING, RUNNING, …)
    JobPhase phase = JobPhase::unknown;
    std::string reason;                     ///< why it waits (Resources, Priority, …), may be empty
    std::optional<std::int64_t> nice;       ///< engine-level ordering knob, when the engine has one
    std::optional<std::int64_t> priority;   ///< the engine's own priority number, when it has one
};

/// What one ended job produced, as the node (or the engine) reported it.
struct JobOutcome {
    std::optional<std::int64_t> exit_code;
    /// Set: the result cannot be trusted (garbage/missing record, killed, rejected): the
    /// container ends Cancelled with this reason, never Complete.
    std::optional<std::string> error;
    std::optional<std::string> output_pdh;  ///< output collection, already in the store's data dir
    std::optional<std::filesystem::path> output_dir;  ///< or: a tree the loop stores as output
    std::string stdout_text, stderr_text;   ///< the container's log
    std::string run_log;                    ///< the node's own lines (start, node, exit, times)
    std::optional<std::string> started_at, finished_at, node;  ///< RFC 3339 / host name
};

/// One engine. Instances are used by one dispatcher thread.
class Engine {
public:
    virtual ~Engine() = default;

    /// `local`, `slurm`, `swarm`: shown in `container show` and events.
    virtual std::string_view name() const = 0;
    /// The holder identity containers are locked with. A remote engine returns a stable
    /// name (jobs outlive the dispatcher and the next one adopts them); the local engine a
    /// lock-file holder that dies with its process.
    virtual std::string holder() const = 0;
    /// True when jobs run without the dispatcher (Slurm, Swarm): `--once` never waits for
    /// them, SIGTERM leaves them running.
    virtual bool remote() const = 0;

    /// Empty when the engine could ever run `spec`; else why not, naming the constraint
    /// (the container is then Cancelled). May throw Error(unavailable).
    virtual std::optional<std::string> impossible(const RunSpec& spec) = 0;
    /// True when a job can be submitted now (the local engine's free CPUs/RAM); remote
    /// engines queue everything.
    virtual bool has_room(const RunSpec& spec) = 0;
    /// Submits one job for a Locked container at `priority`; returns the job as submitted.
    virtual EngineJob submit(const Container& container, const RunSpec& spec, std::int64_t priority) = 0;
    /// The engine's view of all our jobs (any container uuid it runs for us).
    virtual std::vector<EngineJob> poll() = 0;
    /// Makes the engine order our jobs by `wanted` (uuid → container priority, all our live
    /// jobs); `jobs` is the last poll. Changes only what needs changing; returns how many
    /// jobs it changed.
    virtual int reprioritise(const std::vector<EngineJob>& jobs,
                             const std::vector<std::pair<std::string, std::int64_t>>& wanted) = 0;
    /// Stops and removes one job (TERM, then kill after the engine's grace). Returns what the
    /// job left behind (its log so far) when the engine has it at once, as the local engine
    /// does after waiting for the process; nullopt otherwise.
    virtual std::optional<JobOutcome> cancel(const EngineJob& job) = 0;
    /// The outcome of an ended (or vanished) job; nullopt when nothing was reported (a job
    /// that vanished without a word).
    virtual std::optional<JobOutcome> outcome(const EngineJob& job) = 0;
    /// One line for operators: why a pending job waits ("Slurm job 12 PENDING (Resources)").
    virtual std::string why_waiting(const EngineJob& job) const = 0;
    /// Empty while a pending job may still start; else why it never will, naming the
    /// constraint (Slurm accepts a job no partition can hold and leaves it pending with reason
    /// PartitionConfig). The loop then cancels the job and the container, as for impossible().
    virtual std::optional<std::string> never_starts(const EngineJob& /*job*/) const { return std::nullopt; }
    /// Drops what the engine keeps for a finished container (spool folder, work dir, a
    /// leftover runtime container).
    virtual void forget(std::string_view uuid) = 0;
    /// Waits up to `max` for one of our jobs to change, returning early on an interrupt. A
    /// remote engine cannot tell without polling, so it just sleeps; the local engine wakes
    /// as soon as a child exits.
    virtual void wait(Duration max);
};

}  // namespace opskit::cr
