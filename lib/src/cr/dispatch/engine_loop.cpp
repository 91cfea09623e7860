// The engine-independent dispatcher loop (see engine_dispatch.hpp). Every store change is a
// short transaction of the container plumbing verbs; the engine is asked once per pass for
// its view of all our jobs, so the cost of a pass is one poll plus one command per job that
// needs a change.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <system_error>

#include "opskit/core/audit.hpp"
#include "opskit/core/error.hpp"
#include "opskit/core/process.hpp"
#include "opskit/core/time.hpp"
#include "opskit/cr/dispatch/engine_dispatch.hpp"
#include "opskit/cr/lifecycle/containers.hpp"

namespace fs = std::filesystem;

namespace opskit::cr {

namespace {

/// Between passes while the local engine runs something: how soon priority 0 and
/// max_run_time are noticed (a child's exit wakes the loop at once).
constexpr Duration k_live_check{200};
constexpr std::int64_t k_queue_page = 256;  // containers per read of the dispatch queue

std::int64_t epoch_ms() { return static_cast<std::int64_t>(now_ms().time_since_epoch().count()); }

std::string now_text() { return to_rfc3339(now_ms()); }

/// What `container show` displays about the engine job, kept in runtime_status.
Json job_status(const Engine& engine, const EngineJob& job) {
    return Json{{"engine", std::string(engine.name())},
                {"engine_job_id", job.job_id},
                {"engine_state", job.state},
                {"engine_reason", job.reason},
                {"activity", engine.why_waiting(job)}};
}

bool status_differs(const Json& have, const Json& want) {
    for (const auto& [k, v] : want.items())
        if (!have.contains(k) || have[k] != v) return true;
    return false;
}

/// scheduling_parameters.max_run_time in seconds; 0 = none.
std::int64_t max_run_time_of(const Container& c) {
    const auto it = c.scheduling_parameters.find("max_run_time");
    return it != c.scheduling_parameters.end() && it->is_number() ? static_cast<std::int64_t>(it->get<double>()) : 0;
}

/// Which of two jobs named after one container is the container's job now. An engine keeps
/// ended jobs in its listing for a while (Slurm for MinJobAge, 5 minutes by default) beside
/// the one submitted after them: a job still pending or running wins over an ended one, and
/// among jobs of one kind the later submitted (Slurm's ids grow).
bool supersedes(const EngineJob& candidate, const EngineJob& current) {
    const bool candidate_ended = candidate.phase == JobPhase::ended, current_ended = current.phase == JobPhase::ended;
    if (candidate_ended != current_ended) return current_ended;
    const auto numeric = [](const std::string& id) {
        return !id.empty() && id.size() < 19 && std::all_of(id.begin(), id.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
    };
    return numeric(candidate.job_id) && numeric(current.job_id) && std::stoll(candidate.job_id) > std::stoll(current.job_id);
}

bool serves_partition(const RunSpec& spec, const std::optional<std::string>& partition) {
    return !partition || spec.partitions.empty() ||
           std::find(spec.partitions.begin(), spec.partitions.end(), *partition) != spec.partitions.end();
}

}  // namespace

EngineDispatcher::EngineDispatcher(Store& store, Engine& engine, EngineDispatchOptions options)
    : m_store(store), m_engine(engine), m_opt(std::move(options)), m_storage(store.data_dir()) {}

void EngineDispatcher::event(const std::string& line) const {
    if (m_opt.on_event) m_opt.on_event(line);
}

void EngineDispatcher::note(const std::string& uuid, std::string state, std::optional<std::int64_t> code,
                            std::optional<std::string> output, std::optional<std::string> log, std::string why) {
    if (state == "Complete") ++m_summary.completed;
    if (state == "Cancelled") ++m_summary.cancelled;
    ++m_acted;
    m_summary.containers.push_back({uuid, std::move(state), code, std::move(output), std::move(log), std::move(why)});
}

std::optional<std::string> EngineDispatcher::store_log(const Container& c, const std::string& out, const std::string& err,
                                                       const std::string& run_log) {
    try {
        return m_storage.store_files(log_collection_files(c.uuid, out, err, run_log, earlier_attempts(m_store, m_storage, c))).pdh;
    } catch (const Error& e) {
        event(fmt::format("{}: cannot store log: {}", c.uuid, e.what()));
        return std::nullopt;
    }
}

void EngineDispatcher::sweep_dead_holders(const std::vector<Container>& dead) {
    for (const auto& c : dead) {
        const auto why = fmt::format("the dispatcher holding the container is gone ({})", *c.locked_by);
        const auto log = store_log(c, "", "", fmt::format("{} orphaned: {}\n", now_text(), why));
        bool taken = false;
        try {
            m_store.write([&](Tx& tx) {
                const auto fresh = find_container(tx, c.uuid);
                if (!fresh || fresh->locked_by != c.locked_by) return;  // someone else got there first
                ContainerReport rep;
                rep.log = log;
                rep.runtime_status = Json{{"error", why}};
                cancel_container(tx, c.uuid, {}, rep);
                taken = true;
            });
        } catch (const Error& e) {
            event(fmt::format("{}: cannot cancel orphan: {}", c.uuid, e.what()));
            continue;
        }
        if (!taken) continue;
        m_engine.forget(c.uuid);
        const fs::path holder_file(c.locked_by->substr(lock_holder_prefix.size()));
        std::error_code ec;
        if (!lock_is_held(holder_file)) fs::remove(holder_file, ec);
        ++m_summary.orphans;
        audit("dispatch.orphan", c.uuid, "cancelled", why);
        event(fmt::format("{}: orphan cancelled: {}", c.uuid, why));
        note(c.uuid, "Cancelled", std::nullopt, std::nullopt, log, why);
    }
}

void EngineDispatcher::cancel_live(const Container& c, const EngineJob& job, const std::string& why, std::optional<std::string> error) {
    const auto left = m_engine.cancel(job);
    std::optional<std::string> log;
    if (left) log = store_log(c, left->stdout_text, left->stderr_text, left->run_log + fmt::format("{} stopped: {}\n", now_text(), why));
    m_store.write([&](Tx& tx) {
        ContainerReport rep;
        if (left) rep.exit_code = left->exit_code;
        rep.log = log;
        // What `container show` said about the live job ("task running") no longer holds.
        rep.runtime_status = Json{{"engine_state", "cancelled"}, {"engine_reason", why}, {"activity", ""}};
        if (error) (*rep.runtime_status)["error"] = *error;
        cancel_container(tx, c.uuid, m_engine.holder(), rep);
    });
    m_engine.forget(c.uuid);
    audit("dispatch.cancel", c.uuid, "cancelled", why);
    event(fmt::format("{}: {} job {} cancelled: {}", c.uuid, m_engine.name(), job.job_id, why));
    note(c.uuid, "Cancelled", left ? left->exit_code : std::nullopt, std::nullopt, log, why);
}

void EngineDispatcher::vanished(const Container& c, const EngineJob* job) {
    const auto why = fmt::format("the {} job vanished{}", m_engine.name(), job ? " (" + job->state + ")" : std::string(" from the queue"));
    if (c.state == ContainerState::running) {
        m_store.write([&](Tx& tx) {
            ContainerReport rep;
            rep.runtime_status = Json{{"error", why + " while the container was running"}, {"engine_state", "vanished"}, {"activity", ""}};
            cancel_container(tx, c.uuid, m_engine.holder(), rep);
        });
        audit("dispatch.cancel", c.uuid, "cancelled", why);
        event(fmt::format("{}: cancelled: {}", c.uuid, why));
        note(c.uuid, "Cancelled", std::nullopt, std::nullopt, std::nullopt, why);
    } else {
        m_store.write([&](Tx& tx) { unlock_container(tx, c.uuid, m_engine.holder(), Json{{"warning", why + " before it started"}}); });
        event(fmt::format("{}: queued again: {}", c.uuid, why));
        ++m_acted;
    }
    m_engine.forget(c.uuid);
}

void EngineDispatcher::ingest(const Container& c, const EngineJob* job, const JobOutcome& out) {
    std::optional<std::string> output;
    std::string error = out.error.value_or("");
    const auto log = store_log(c, out.stdout_text, out.stderr_text, out.run_log);
    if (!log && error.empty()) error = "cannot store the container's log";
    if (error.empty()) {
        if (out.output_pdh && m_storage.contains(*out.output_pdh)) output = out.output_pdh;
        else if (out.output_dir) {
            try {
                output = m_storage.store(*out.output_dir).pdh;
            } catch (const Error& e) {
                error = fmt::format("cannot collect output: {}", e.what());
            }
        } else {
            error = out.output_pdh ? fmt::format("the output collection {} the node reported is not stored", *out.output_pdh)
                                   : "the node reported no output collection";
        }
        if (error.empty() && !out.exit_code) error = "the node reported no exit code";
    }
    m_store.write([&](Tx& tx) {
        ContainerReport rep;
        rep.exit_code = out.exit_code;
        rep.log = log;
        rep.runtime_status = Json{{"engine_state", job ? job->state : std::string("ended")}, {"engine_reason", ""}, {"activity", ""}};
        if (error.empty()) {
            rep.output = output;
            rep.progress = 1.0;
            if (c.state == ContainerState::locked) start_container(tx, c.uuid, m_engine.holder());
            complete_container(tx, c.uuid, m_engine.holder(), rep);
        } else {
            (*rep.runtime_status)["error"] = error;
            cancel_container(tx, c.uuid, m_engine.holder(), rep);
        }
    });
    m_engine.forget(c.uuid);
    if (error.empty()) {
        audit("dispatch.complete", c.uuid, "ok", fmt::format("exit_code={}", *out.exit_code));
        event(fmt::format("{}: complete, exit code {}", c.uuid, *out.exit_code));
        note(c.uuid, "Complete", out.exit_code, output, log, "");
    } else {
        audit("dispatch.cancel", c.uuid, "cancelled", error);
        event(fmt::format("{}: cancelled: {}", c.uuid, error));
        note(c.uuid, "Cancelled", out.exit_code, std::nullopt, log, error);
    }
}

std::optional<std::string> EngineDispatcher::submit_queued(const std::map<std::string, const EngineJob*>& job_of,
                                                           std::vector<std::pair<std::string, Json>>& status_updates,
                                                           std::int64_t now) {
    const std::string holder = m_engine.holder();
    std::optional<std::string> unavailable;
    // The queue is read a page at a time: with 100k queued and the head waiting for room, a
    // pass reads one page, not 100k rows.
    bool stop = false;
    std::optional<QueuePosition> after;
    while (!stop) {
        const auto queue = m_store.read([&](Tx& tx) { return queued_page(tx, after, k_queue_page); });
        if (queue.empty()) break;
        after = QueuePosition{queue.back().priority, queue.back().created_at, queue.back().uuid};
        for (const auto& q : queue) {
            if (m_opt.only_container && q.uuid != *m_opt.only_container) continue;
            if (q.runtime_status.contains("retry_after_ms") && q.runtime_status["retry_after_ms"].is_number_integer() &&
                q.runtime_status["retry_after_ms"].get<std::int64_t>() > now)
                continue;
            // A live stale job is being cancelled above; an ended one (still listed by the
            // engine) does not hold the container back.
            if (const auto it = job_of.find(q.uuid); it != job_of.end() && it->second->phase != JobPhase::ended) continue;
            std::optional<std::string> impossible;
            RunSpec spec;
            try {
                spec = run_spec_from(q, m_store.path());
                if (!serves_partition(spec, m_opt.partition)) continue;
                impossible = m_engine.impossible(spec);
            } catch (const Error& e) {
                if (e.kind() == ErrorKind::unavailable) throw;
                impossible = e.what();
            }
            if (!impossible && !m_engine.has_room(spec)) {  // head of line waits
                stop = true;
                break;
            }
            Container c;
            try {
                c = m_store.write([&](Tx& tx) { return lock_container(tx, q.uuid, holder); });
            } catch (const Error& e) {
                if (e.kind() == ErrorKind::conflict || e.kind() == ErrorKind::not_found) continue;
                throw;
            }
            std::string cancel_why;
            if (impossible) {
                cancel_why = *impossible;
            } else {
                try {
                    const auto job = m_engine.submit(c, spec, c.priority);
                    audit("dispatch.submit", c.uuid, "ok", fmt::format("engine={} job={}", m_engine.name(), job.job_id));
                    ++m_acted;
                    ++m_live;
                    if (job.phase == JobPhase::running) {  // the local engine starts at once
                        m_store.write([&](Tx& tx) {
                            start_container(tx, c.uuid, holder);
                            ContainerReport rep;
                            rep.runtime_status = job_status(m_engine, job);
                            set_progress(tx, c.uuid, holder, rep);
                        });
                        ++m_summary.started;
                        event(fmt::format("{}: started ({} job {})", c.uuid, m_engine.name(), job.job_id));
                    } else {
                        status_updates.emplace_back(c.uuid, job_status(m_engine, job));
                        event(fmt::format("{}: submitted ({} job {})", c.uuid, m_engine.name(), job.job_id));
                    }
                    continue;
                } catch (const Error& e) {
                    if (e.kind() == ErrorKind::usage) {
                        cancel_why = e.what();
                    } else {
                        const bool down = e.kind() == ErrorKind::unavailable;
                        Json st{{"error", e.what()}, {"engine", std::string(m_engine.name())}};
                        if (!down) st["retry_after_ms"] = now + m_opt.backoff.count();
                        m_store.write([&](Tx& tx) { unlock_container(tx, c.uuid, holder, st); });
                        audit("dispatch.submit", c.uuid, "failed", e.what());
                        event(fmt::format("{}: queued again: {}", c.uuid, e.what()));
                        if (down) {
                            unavailable = e.what();
                            stop = true;
                            break;
                        }
                        continue;
                    }
                }
            }
            ++m_summary.impossible;
            const auto log = store_log(c, "", "", fmt::format("{} not started: {}\n", now_text(), cancel_why));
            m_store.write([&](Tx& tx) {
                ContainerReport rep;
                rep.log = log;
                rep.runtime_status = Json{{"error", cancel_why}};
                cancel_container(tx, c.uuid, holder, rep);
            });
            audit("dispatch.cancel", c.uuid, "cancelled", cancel_why);
            event(fmt::format("{}: cancelled: {}", c.uuid, cancel_why));
            note(c.uuid, "Cancelled", std::nullopt, std::nullopt, log, cancel_why);
        }
        if (static_cast<std::int64_t>(queue.size()) < k_queue_page) break;
    }
    return unavailable;
}

DispatchSummary EngineDispatcher::pass() {
    const std::string holder = m_engine.holder();
    m_acted = 0;
    m_live = 0;

    // 1. The engine's view (nothing changes when it cannot be asked).
    const auto jobs = m_engine.poll();
    std::map<std::string, const EngineJob*> job_of;
    for (const auto& j : jobs) {
        auto [it, fresh] = job_of.try_emplace(j.uuid, &j);
        if (!fresh && supersedes(j, *it->second)) it->second = &j;
    }

    // 2. Our view: what this engine holds, what dead dispatchers held, and the containers
    //    the jobs are named after.
    std::vector<Container> held, others;
    std::map<std::string, Container> named;
    m_store.read([&](Tx& tx) {
        for (auto state : {ContainerState::locked, ContainerState::running}) {
            ContainerFilter f;
            f.state = state;
            for (auto& c : list_containers(tx, f)) (c.locked_by == holder ? held : others).push_back(std::move(c));
        }
        for (const auto& j : jobs)
            if (auto c = find_container(tx, j.uuid)) named.emplace(j.uuid, std::move(*c));
    });
    std::vector<Container> dead;
    std::map<std::string, bool> holder_dead;  // one lock check per holder, not per container
    for (auto& c : others) {
        if (!c.locked_by) continue;
        auto [it, fresh] = holder_dead.try_emplace(*c.locked_by, false);
        if (fresh) it->second = holder_is_dead(*c.locked_by);
        if (it->second) dead.push_back(std::move(c));
    }
    sweep_dead_holders(dead);

    // 3. Orphans: jobs whose container is final, or Queued again (a stale duplicate).
    for (const auto& j : jobs) {
        const auto it = named.find(j.uuid);
        if (it == named.end()) continue;  // not ours (another store on the same cluster)
        const auto& c = it->second;
        const bool ours_live = (c.state == ContainerState::locked || c.state == ContainerState::running) && c.locked_by == holder;
        if (ours_live) continue;
        if (!is_final(c.state) && c.state != ContainerState::queued) continue;  // held by someone else
        if (j.phase == JobPhase::ended) {  // nothing to stop; drop what the engine kept
            if (job_of.at(j.uuid) == &j) m_engine.forget(j.uuid);  // unless a newer job uses it
            continue;
        }
        m_engine.cancel(j);
        ++m_summary.orphans;
        audit("dispatch.orphan", j.uuid, "cancelled", fmt::format("{} job {} of a {} container", m_engine.name(), j.job_id, to_string(c.state)));
        event(fmt::format("{}: orphan {} job {} cancelled", j.uuid, m_engine.name(), j.job_id));
        if (is_final(c.state)) m_engine.forget(j.uuid);
    }

    // 4. Track, ingest, finalise what we hold.
    std::vector<std::pair<std::string, Json>> status_updates;
    std::vector<std::pair<std::string, std::int64_t>> wanted;
    const auto now = epoch_ms();
    for (const auto& c : held) {
        const auto it = job_of.find(c.uuid);
        const EngineJob* job = it == job_of.end() ? nullptr : it->second;
        if (job && job->phase == JobPhase::unknown) continue;
        if (job && (job->phase == JobPhase::pending || job->phase == JobPhase::running)) {
            if (c.priority <= 0) {
                cancel_live(c, *job, "priority dropped to 0", std::nullopt);
                continue;
            }
            if (job->phase == JobPhase::pending) {
                if (const auto never = m_engine.never_starts(*job)) {
                    const auto why = fmt::format("impossible: {}", *never);
                    ++m_summary.impossible;
                    cancel_live(c, *job, why, why);
                    continue;
                }
            }
            const auto limit = max_run_time_of(c);
            if (limit > 0 && c.started_at && now - *c.started_at >= limit * 1000) {
                const auto why = fmt::format("max_run_time of {}s exceeded", limit);
                cancel_live(c, *job, why, why);
                continue;
            }
            if (job->phase == JobPhase::running && c.state == ContainerState::locked) {
                m_store.write([&](Tx& tx) { start_container(tx, c.uuid, holder); });
                ++m_summary.started;
                event(fmt::format("{}: running ({} job {})", c.uuid, m_engine.name(), job->job_id));
            }
            const Json st = job_status(m_engine, *job);
            if (status_differs(c.runtime_status, st)) status_updates.emplace_back(c.uuid, st);
            wanted.emplace_back(c.uuid, c.priority);
            ++m_live;
            continue;
        }
        // The job ended or vanished: what did the node say?
        EngineJob stub;
        stub.uuid = c.uuid;
        if (const auto out = m_engine.outcome(job ? *job : stub)) ingest(c, job, *out);
        else vanished(c, job);
    }

    // 5. Engine order follows container priority order.
    m_engine.reprioritise(jobs, wanted);

    // 6. Submit what is queued, highest priority first, while the engine has room.
    const auto unavailable = submit_queued(job_of, status_updates, now);

    // 7. What `container show` says about waiting jobs, in one transaction.
    if (!status_updates.empty()) {
        m_store.write([&](Tx& tx) {
            for (const auto& [uuid, st] : status_updates) {
                try {
                    ContainerReport rep;
                    rep.runtime_status = st;
                    set_progress(tx, uuid, holder, rep);
                } catch (const Error&) {
                    // it moved on meanwhile (cancelled by a user): nothing to show
                }
            }
        });
    }
    if (unavailable) throw Error(ErrorKind::unavailable, "engine unavailable", m_engine.name(), *unavailable);
    return m_summary;
}

void EngineDispatcher::stop_all(const std::string& why) {
    const auto jobs = m_engine.poll();
    std::map<std::string, Container> held;
    m_store.read([&](Tx& tx) {
        for (const auto& j : jobs)
            if (auto c = find_container(tx, j.uuid); c && c->locked_by == m_engine.holder()) held.emplace(j.uuid, std::move(*c));
    });
    for (const auto& j : jobs) {
        const auto it = held.find(j.uuid);
        if (it == held.end()) {
            m_engine.cancel(j);
            m_engine.forget(j.uuid);
            continue;
        }
        try {
            cancel_live(it->second, j, why, why);
        } catch (const Error& e) {
            event(fmt::format("{}: cannot record cancel: {}", j.uuid, e.what()));
        }
    }
}

DispatchSummary EngineDispatcher::finished() {
    m_summary.queue_depth = m_store.read([](Tx& tx) { return count_queued(tx); });
    return m_summary;
}

DispatchSummary EngineDispatcher::run_remote() {
    if (!m_opt.follow) {
        pass();
        return finished();
    }
    for (;;) {
        if (interrupted_by() != 0) {
            m_summary.interrupted = true;  // remote jobs keep running: the next dispatcher adopts them
            return finished();
        }
        try {
            pass();
        } catch (const Error& e) {
            if (e.kind() != ErrorKind::unavailable) throw;
            event(fmt::format("{} unavailable: {}", m_engine.name(), e.what()));
        }
        m_engine.wait(Duration(std::max<std::int64_t>(10, m_opt.poll_interval.count())));
    }
}

DispatchSummary EngineDispatcher::run() {
    if (m_engine.remote()) return run_remote();
    const Duration idle(std::max<std::int64_t>(10, m_opt.poll_interval.count()));
    try {
        for (;;) {
            if (interrupted_by() != 0) {
                m_summary.interrupted = true;
                stop_all(fmt::format("dispatcher stopped by signal {}", interrupted_by()));
                break;
            }
            try {
                pass();
            } catch (const Error& e) {
                if (e.kind() != ErrorKind::unavailable || !m_opt.follow) throw;
                event(fmt::format("{} unavailable: {}", m_engine.name(), e.what()));
            }
            if (m_acted > 0) continue;  // what it settled may have queued retries: look again at once
            if (!m_opt.follow && m_live == 0) break;
            m_engine.wait(m_live > 0 ? std::min(idle, k_live_check) : idle);
        }
    } catch (const Error& e) {
        try {
            stop_all(fmt::format("dispatcher stopped: {}", e.what()));
        } catch (...) {
            // the store itself failed: the next dispatcher sweeps what our dead holder held
        }
        throw;
    }
    return finished();
}

}  // namespace opskit::cr
