// The engine-independent dispatcher pass (see engine_dispatch.hpp). Every store change is a
// short transaction of the container plumbing verbs; the engine is asked once per pass for
// its view of all our jobs, so the cost of a pass is one poll plus one command per job that
// needs a change.
#include <fmt/format.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <set>

#include "opskit/core/audit.hpp"
#include "opskit/core/error.hpp"
#include "opskit/core/process.hpp"
#include "opskit/core/time.hpp"
#include "opskit/cr/collections/collection.hpp"
#include "opskit/cr/lifecycle/containers.hpp"
#include "opskit/cr/dispatch/engine_dispatch.hpp"

namespace opskit::cr {

namespace {

void nap(long ms) {
    if (ms <= 0) return;
    pollfd p{interrupt_fd(), POLLIN, 0};
    if (interrupt_fd() >= 0 && interrupted_by() == 0) ::poll(&p, 1, static_cast<int>(ms));
    else if (interrupted_by() == 0) ::usleep(static_cast<useconds_t>(std::min(ms, 1000L) * 1000));
}


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

}  // namespace

EngineDispatcher::EngineDispatcher(Store& store, Engine& engine, EngineDispatchOptions options)
    : m_store(store), m_engine(engine), m_opt(std::move(options)) {}

DispatchSummary EngineDispatcher::pass() {
    const std::string holder = m_engine.holder();
    auto event = [&](const std::string& line) {
        if (m_opt.on_event) m_opt.on_event(line);
    };
    auto note = [&](const std::string& uuid, std::string state, std::optional<std::int64_t> code,
                    std::optional<std::string> output, std::optional<std::string> log, std::string why) {
        if (state == "Complete") ++m_summary.completed;
        if (state == "Cancelled") ++m_summary.cancelled;
        m_summary.containers.push_back({uuid, std::move(state), code, std::move(output), std::move(log), std::move(why)});
    };
    CollectionStorage storage(m_store.data_dir());

    // 1. The engine's view (nothing changes when it cannot be asked).
    const auto jobs = m_engine.poll();
    std::map<std::string, const EngineJob*> job_of;
    for (const auto& j : jobs) job_of[j.uuid] = &j;

    // 2. Our view: what this engine holds, and the containers the jobs are named after.
    std::vector<Container> held;
    std::map<std::string, Container> named;
    m_store.read([&](Tx& tx) {
        for (auto state : {ContainerState::locked, ContainerState::running}) {
            ContainerFilter f;
            f.state = state;
            f.locked_by = holder;
            for (auto& c : list_containers(tx, f)) held.push_back(std::move(c));
        }
        for (const auto& j : jobs)
            if (auto c = find_container(tx, j.uuid)) named.emplace(j.uuid, std::move(*c));
    });

    // 3. Orphans: jobs whose container is final, or Queued again (a stale duplicate).
    for (const auto& j : jobs) {
        const auto it = named.find(j.uuid);
        if (it == named.end()) continue;  // not ours (another store on the same cluster)
        const auto& c = it->second;
        const bool ours_live = (c.state == ContainerState::locked || c.state == ContainerState::running) && c.locked_by == holder;
        if (ours_live || j.phase == JobPhase::ended) continue;
        if (!is_final(c.state) && c.state != ContainerState::queued) continue;  // held by someone else
        m_engine.cancel(j);
        ++m_summary.orphans;
        audit("dispatch.orphan", j.uuid, "cancelled", fmt::format("{} job {} of a {} container", m_engine.name(), j.job_id, to_string(c.state)));
        event(fmt::format("{}: orphan {} job {} cancelled", j.uuid, m_engine.name(), j.job_id));
        if (is_final(c.state)) m_engine.forget(j.uuid);
    }

    // 4. Track, ingest, finalise what we hold.
    std::vector<std::pair<std::string, Json>> status_updates;
    std::vector<std::pair<std::string, std::int64_t>> wanted;
    for (const auto& c : held) {
        const auto it = job_of.find(c.uuid);
        const EngineJob* job = it == job_of.end() ? nullptr : it->second;
        if (job && job->phase == JobPhase::unknown) continue;
        if (job && (job->phase == JobPhase::pending || job->phase == JobPhase::running)) {
            // Stops a live job and ends its container Cancelled; `error` goes to runtime_status.
            auto cancel_live = [&](const std::string& why, std::optional<std::string> error) {
                m_engine.cancel(*job);
                m_store.write([&](Tx& tx) {
                    ContainerReport rep;
                    if (error) rep.runtime_status = Json{{"error", *error}};
                    cancel_container(tx, c.uuid, holder, rep);
                });
                m_engine.forget(c.uuid);
                audit("dispatch.cancel", c.uuid, "cancelled", why);
                event(fmt::format("{}: {} job {} cancelled: {}", c.uuid, m_engine.name(), job->job_id, why));
                note(c.uuid, "Cancelled", std::nullopt, std::nullopt, std::nullopt, why);
            };
            if (c.priority <= 0) {
                cancel_live("priority dropped to 0", std::nullopt);
                continue;
            }
            if (job->phase == JobPhase::pending) {
                if (const auto never = m_engine.never_starts(*job)) {
                    const auto why = fmt::format("impossible: {}", *never);
                    ++m_summary.impossible;
                    cancel_live(why, why);
                    continue;
                }
            }
            if (job->phase == JobPhase::running && c.state == ContainerState::locked) {
                m_store.write([&](Tx& tx) { start_container(tx, c.uuid, holder); });
                ++m_summary.started;
                event(fmt::format("{}: running ({} job {})", c.uuid, m_engine.name(), job->job_id));
            }
            const Json st = job_status(m_engine, *job);
            if (status_differs(c.runtime_status, st)) status_updates.emplace_back(c.uuid, st);
            wanted.emplace_back(c.uuid, c.priority);
            continue;
        }
        // The job ended or vanished: what did the node say?
        EngineJob stub;
        stub.uuid = c.uuid;
        const auto out = m_engine.outcome(job ? *job : stub);
        if (!out) {
            const auto why = fmt::format("the {} job vanished{}", m_engine.name(), job ? " (" + job->state + ")" : std::string(" from the queue"));
            if (c.state == ContainerState::running) {
                m_store.write([&](Tx& tx) {
                    ContainerReport rep;
                    rep.runtime_status = Json{{"error", why + " while the container was running"}};
                    cancel_container(tx, c.uuid, holder, rep);
                });
                audit("dispatch.cancel", c.uuid, "cancelled", why);
                event(fmt::format("{}: cancelled: {}", c.uuid, why));
                note(c.uuid, "Cancelled", std::nullopt, std::nullopt, std::nullopt, why);
            } else {
                m_store.write([&](Tx& tx) { unlock_container(tx, c.uuid, holder, Json{{"warning", why + " before it started"}}); });
                event(fmt::format("{}: queued again: {}", c.uuid, why));
            }
            m_engine.forget(c.uuid);
            continue;
        }
        std::optional<std::string> log, output;
        std::string error = out->error.value_or("");
        try {
            auto files = log_collection_files(c.uuid, out->stdout_text, out->stderr_text, out->run_log, {});
            log = storage.store_files(files).pdh;
        } catch (const Error& e) {
            if (error.empty()) error = fmt::format("cannot store log: {}", e.what());
        }
        if (error.empty()) {
            if (out->output_pdh && storage.contains(*out->output_pdh)) output = out->output_pdh;
            else if (out->output_dir) {
                try {
                    output = storage.store(*out->output_dir).pdh;
                } catch (const Error& e) {
                    error = fmt::format("cannot collect output: {}", e.what());
                }
            } else {
                error = out->output_pdh ? fmt::format("the output collection {} the node reported is not stored", *out->output_pdh)
                                        : "the node reported no output collection";
            }
            if (error.empty() && !out->exit_code) error = "the node reported no exit code";
        }
        m_store.write([&](Tx& tx) {
            ContainerReport rep;
            rep.exit_code = out->exit_code;
            rep.log = log;
            rep.runtime_status = Json{{"engine_state", job ? job->state : std::string("ended")}, {"engine_reason", ""}, {"activity", ""}};
            if (error.empty()) {
                rep.output = output;
                rep.progress = 1.0;
                if (c.state == ContainerState::locked) start_container(tx, c.uuid, holder);
                complete_container(tx, c.uuid, holder, rep);
            } else {
                (*rep.runtime_status)["error"] = error;
                cancel_container(tx, c.uuid, holder, rep);
            }
        });
        m_engine.forget(c.uuid);
        if (error.empty()) {
            audit("dispatch.complete", c.uuid, "ok", fmt::format("exit_code={}", *out->exit_code));
            event(fmt::format("{}: complete, exit code {}", c.uuid, *out->exit_code));
            note(c.uuid, "Complete", out->exit_code, output, log, "");
        } else {
            audit("dispatch.cancel", c.uuid, "cancelled", error);
            event(fmt::format("{}: cancelled: {}", c.uuid, error));
            note(c.uuid, "Cancelled", out->exit_code, std::nullopt, log, error);
        }
    }

    // 5. Engine order follows container priority order.
    m_engine.reprioritise(jobs, wanted);

    // 6. Submit what is queued.
    bool unavailable = false;
    std::string unavailable_why;
    const auto queue = m_store.read([&](Tx& tx) { return queued_containers(tx); });
    const auto now = static_cast<std::int64_t>(now_ms().time_since_epoch().count());
    for (const auto& q : queue) {
        if (m_opt.only_container && q.uuid != *m_opt.only_container) continue;
        if (q.runtime_status.contains("retry_after_ms") && q.runtime_status["retry_after_ms"].is_number_integer() &&
            q.runtime_status["retry_after_ms"].get<std::int64_t>() > now)
            continue;
        if (job_of.count(q.uuid)) continue;  // its stale job is being cancelled above
        std::optional<std::string> impossible;
        RunSpec spec;
        try {
            spec = run_spec_from(q, m_store.path());
            impossible = m_engine.impossible(spec);
        } catch (const Error& e) {
            if (e.kind() == ErrorKind::unavailable) throw;
            impossible = e.what();
        }
        if (!m_engine.has_room(spec)) break;
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
                status_updates.emplace_back(c.uuid, job_status(m_engine, job));
                audit("dispatch.submit", c.uuid, "ok", fmt::format("engine={} job={}", m_engine.name(), job.job_id));
                event(fmt::format("{}: submitted ({} job {})", c.uuid, m_engine.name(), job.job_id));
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
                        unavailable = true;
                        unavailable_why = e.what();
                        break;
                    }
                    continue;
                }
            }
        }
        ++m_summary.impossible;
        m_store.write([&](Tx& tx) {
            ContainerReport rep;
            rep.runtime_status = Json{{"error", cancel_why}};
            cancel_container(tx, c.uuid, holder, rep);
        });
        audit("dispatch.cancel", c.uuid, "cancelled", cancel_why);
        event(fmt::format("{}: cancelled: {}", c.uuid, cancel_why));
        note(c.uuid, "Cancelled", std::nullopt, std::nullopt, std::nullopt, cancel_why);
    }

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
    m_first = false;
    m_summary.queue_depth = m_store.read([](Tx& tx) { return count_queued(tx); });
    if (unavailable) throw Error(ErrorKind::unavailable, "engine unavailable", m_engine.name(), unavailable_why);
    return m_summary;
}

DispatchSummary EngineDispatcher::run() {
    if (!m_opt.follow) return pass();
    for (;;) {
        if (interrupted_by() != 0) {
            m_summary.interrupted = true;  // remote jobs keep running: the next dispatcher adopts them
            return m_summary;
        }
        try {
            pass();
        } catch (const Error& e) {
            if (e.kind() != ErrorKind::unavailable) throw;
            if (m_opt.on_event) m_opt.on_event(fmt::format("{} unavailable: {}", m_engine.name(), e.what()));
        }
        nap(std::max<long>(10, m_opt.poll_interval.count()));
    }
}

}  // namespace opskit::cr
