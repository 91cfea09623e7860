// The local dispatcher loop (see dispatch.hpp): schedule what fits, watch what runs, record
// what ended, sweep what a dead dispatcher left behind. One process, many children: every
// container is an opskit::Subprocess (own process group, killed with us), polled without
// threads; every store change is one short transaction of the core plumbing verbs.
#include "opskit/cr/dispatch/local/dispatch.hpp"

#include <fmt/format.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <memory>
#include <random>
#include <system_error>

#include "opskit/core/audit.hpp"
#include "opskit/core/error.hpp"
#include "opskit/core/fs.hpp"
#include "opskit/core/process.hpp"
#include "opskit/core/time.hpp"
#include "opskit/cr/lifecycle/canonical.hpp"
#include "opskit/cr/collections/collection.hpp"
#include "opskit/cr/lifecycle/containers.hpp"

namespace fs = std::filesystem;

namespace opskit::cr {

namespace {

constexpr std::string_view k_holder_prefix = "lock:";

long steady_ms() {
    return static_cast<long>(
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count());
}

std::string now_text() { return to_rfc3339(now_ms()); }

/// Sleeps up to `ms`, waking early on an interrupt.
void nap(long ms) {
    if (ms <= 0) return;
    pollfd p{interrupt_fd(), POLLIN, 0};
    if (interrupt_fd() >= 0 && interrupted_by() == 0) ::poll(&p, 1, static_cast<int>(ms));
    else ::usleep(static_cast<useconds_t>(std::min(ms, 1000L) * 1000));
}

std::string read_or_empty(const fs::path& file) {
    try {
        return read_file(file);
    } catch (const Error&) {
        return {};
    }
}

std::string lock_key(const Store& store) { return sha256_hex(fs::absolute(store.path()).lexically_normal().string()).substr(0, 16); }

struct Demand {
    int vcpus = 1;
    std::uint64_t ram = 0;
};

Demand demand_of(const RunSpec& s) {
    Demand d;
    d.vcpus = std::max(1, static_cast<int>(std::ceil(s.vcpus)));
    d.ram = s.ram;
    return d;
}

enum class StopKind { none, priority, max_run_time, shutdown, lost };

struct Run {
    Container container;
    RunSpec spec;
    Demand demand;
    fs::path work_dir;
    PreparedMounts mounts;
    std::unique_ptr<Subprocess> proc;
    long started_steady = 0;
    std::string started_text;
    std::vector<std::string> argv;
    StopKind stop = StopKind::none;
    std::string stop_note;
};

}  // namespace

Json DispatchSummary::to_json() const {
    Json list = Json::array();
    for (const auto& r : containers)
        list.push_back({{"uuid", r.uuid},
                        {"state", r.state},
                        {"exit_code", r.exit_code ? Json(*r.exit_code) : Json()},
                        {"output", r.output ? Json(*r.output) : Json()},
                        {"log", r.log ? Json(*r.log) : Json()},
                        {"note", r.note}});
    return Json{{"started", started},     {"completed", completed}, {"cancelled", cancelled},
                {"orphans", orphans},     {"impossible", impossible}, {"interrupted", interrupted},
                {"queue_depth", queue_depth},
                {"containers", list}};
}

bool holder_is_dead(std::string_view holder) {
    if (holder.substr(0, k_holder_prefix.size()) != k_holder_prefix) return false;
    return !lock_is_held(fs::path(std::string(holder.substr(k_holder_prefix.size()))));
}

Lock acquire_dispatch_lock(const Store& store, const std::optional<std::string>& partition) {
    const auto name = fmt::format("crctl-dispatch-{}{}", lock_key(store), partition ? "-" + *partition : std::string());
    return acquire_lock(name, fmt::format("dispatcher of store {}{}", store.path().string(),
                                          partition ? " partition " + *partition : std::string()),
                        Duration(0));
}

bool dispatcher_is_serving(const Store& store) {
    return lock_is_held(lock_path_for(fmt::format("crctl-dispatch-{}", lock_key(store))));
}

std::vector<std::pair<std::string, std::string>> log_collection_files(
    std::string_view container_uuid, const std::string& stdout_text, const std::string& stderr_text,
    const std::string& run_log,
    const std::vector<std::pair<std::string, std::vector<std::pair<std::string, std::string>>>>& earlier) {
    std::vector<std::pair<std::string, std::string>> files = {
        {"stdout.txt", stdout_text}, {"stderr.txt", stderr_text}, {"run.log", run_log}};
    const auto sub = fmt::format("log for container {}/", container_uuid);
    files.emplace_back(sub + "stdout.txt", stdout_text);
    files.emplace_back(sub + "stderr.txt", stderr_text);
    files.emplace_back(sub + "run.log", run_log);
    for (const auto& [uuid, attempt] : earlier)
        for (const auto& [name, content] : attempt) files.emplace_back(fmt::format("log for container {}/{}", uuid, name), content);
    return files;
}

std::string log_tail(const CollectionStorage& storage, std::string_view log_pdh, std::size_t lines) {
    if (!storage.contains(log_pdh)) return {};
    const auto dir = storage.content_dir(log_pdh);
    std::string text = read_or_empty(dir / "stderr.txt");
    if (text.empty()) text = read_or_empty(dir / "stdout.txt");
    std::size_t pos = text.size();
    if (pos > 0 && text.back() == '\n') --pos;
    for (std::size_t n = 0; n < lines && pos != std::string::npos && pos > 0; ++n) pos = text.rfind('\n', pos - 1);
    return pos == std::string::npos || pos == 0 ? text : text.substr(pos + 1);
}

struct Dispatcher::Impl {
    Store& store;
    DispatchOptions opt;
    Lock holder_lock;
    std::string holder;
    CollectionStorage storage;
    fs::path work_root;
    HostResources host;
    std::uint64_t ram_budget = 0;
    EngineOptions engine;
    std::map<std::string, RootLayout> layouts;
    std::vector<std::unique_ptr<Run>> runs;
    DispatchSummary summary;

    Impl(Store& s, DispatchOptions o)
        : store(s), opt(std::move(o)), storage(s.data_dir()), work_root(s.data_dir() / "work") {
        if (opt.program.empty()) opt.program = default_runtime_program(opt.runtime);
        engine.kind = opt.runtime;
        engine.program = opt.program;
        engine.extra_args = opt.engine_extra_args;
        static std::mt19937_64 rng{std::random_device{}()};
        const fs::path file = lock_dir() / fmt::format("crctl-holder-{:016x}.lock", rng());
        holder_lock = acquire_lock_file(file, "crctl dispatcher", Duration(0));
        holder = std::string(k_holder_prefix) + file.string();
    }

    ~Impl() {
        // Whatever still runs (an exception unwound us) is stopped and handed back.
        for (auto& r : runs) {
            try {
                if (!r->proc->finished()) r->proc->terminate_group();
                if (opt.runtime != RuntimeKind::host) remove_engine_container(engine, r->spec.uuid);
                store.write([&](Tx& tx) {
                    ContainerReport rep;
                    rep.runtime_status = Json{{"error", "dispatcher stopped before the container finished"}};
                    cancel_container(tx, r->spec.uuid, holder, rep);
                });
            } catch (...) {
            }
        }
        holder_lock.release_and_remove();
    }

    void event(const std::string& line) {
        if (opt.on_event) opt.on_event(line);
    }

    void record(const std::string& uuid, std::string state, std::optional<std::int64_t> exit_code,
                std::optional<std::string> output, std::optional<std::string> log, std::string note) {
        if (state == "Complete") ++summary.completed;
        if (state == "Cancelled") ++summary.cancelled;
        summary.containers.push_back({uuid, std::move(state), exit_code, std::move(output), std::move(log), std::move(note)});
    }

    const RootLayout& layout_for(const std::string& image) {
        const std::string root = image == "host" ? "/" : image;
        auto it = layouts.find(root);
        if (it == layouts.end()) it = layouts.emplace(root, scan_root(root)).first;
        return it->second;
    }

    /// Log files of earlier cancelled attempts of the same work, for the requests of `c`.
    std::vector<std::pair<std::string, std::vector<std::pair<std::string, std::string>>>> earlier_attempts(const Container& c) {
        std::vector<std::pair<std::string, std::vector<std::pair<std::string, std::string>>>> out;
        std::vector<std::pair<std::string, std::string>> prev;  // uuid, log pdh
        store.read([&](Tx& tx) {
            std::int64_t since = c.created_at;
            for (const auto& r : requests_of_container(tx, c.uuid)) since = std::min(since, r.created_at);
            auto st = tx.prepare(
                "SELECT uuid, log FROM containers WHERE reuse_hash = ?1 AND state = 'Cancelled' AND log IS NOT NULL "
                "AND uuid <> ?2 AND finished_at >= ?3 ORDER BY finished_at, uuid");
            st.bind(1, c.reuse_hash).bind(2, c.uuid).bind(3, since);
            while (st.step()) prev.emplace_back(st.get_text(0), st.get_text(1));
        });
        for (const auto& [uuid, pdh] : prev) {
            if (!storage.contains(pdh)) continue;
            const auto m = storage.manifest(pdh);
            const auto dir = storage.content_dir(pdh);
            const auto sub = fmt::format("log for container {}/", uuid);
            std::vector<std::pair<std::string, std::string>> files;
            for (const auto& f : m.files)
                if (f.path.rfind(sub, 0) == 0) files.emplace_back(f.path.substr(sub.size()), read_or_empty(dir / f.path));
            out.emplace_back(uuid, std::move(files));
        }
        return out;
    }

    std::string store_log(const Container& c, const fs::path& work_dir, const std::string& run_log) {
        const auto files = log_collection_files(c.uuid, read_or_empty(work_dir / "log" / "stdout.txt"),
                                                read_or_empty(work_dir / "log" / "stderr.txt"), run_log,
                                                earlier_attempts(c));
        return storage.store_files(files).pdh;
    }

    void remove_work(const fs::path& dir) {
        std::error_code ec;
        fs::remove_all(dir, ec);
    }

    /// Cancels a container we hold, with an error, before or instead of running it.
    void cancel_with_error(const Container& c, const fs::path& work_dir, const std::string& why) {
        std::optional<std::string> log;
        try {
            log = store_log(c, work_dir, fmt::format("{} not started: {}\n", now_text(), why));
        } catch (const Error&) {
        }
        try {
            store.write([&](Tx& tx) {
                ContainerReport rep;
                rep.log = log;
                rep.runtime_status = Json{{"error", why}};
                cancel_container(tx, c.uuid, holder, rep);
            });
        } catch (const Error& e) {
            event(fmt::format("{}: cannot record cancel: {}", c.uuid, e.what()));
        }
        audit("dispatch.cancel", c.uuid, "cancelled", why);
        event(fmt::format("{}: cancelled: {}", c.uuid, why));
        record(c.uuid, "Cancelled", std::nullopt, std::nullopt, log, why);
        remove_work(work_dir);
    }

    bool serves(const Container& c, const RunSpec& s) const {
        if (opt.only_container && c.uuid != *opt.only_container) return false;
        if (opt.partition && !s.partitions.empty() &&
            std::find(s.partitions.begin(), s.partitions.end(), *opt.partition) == s.partitions.end())
            return false;
        return true;
    }

    /// Locks, prepares and starts one container; false when someone else got it first.
    bool start(const Container& queued, RunSpec spec, Demand demand) {
        Container c;
        try {
            c = store.write([&](Tx& tx) { return lock_container(tx, queued.uuid, holder); });
        } catch (const Error& e) {
            if (e.kind() == ErrorKind::conflict || e.kind() == ErrorKind::not_found) return false;
            throw;
        }
        auto run = std::make_unique<Run>();
        run->container = c;
        run->spec = std::move(spec);
        run->demand = demand;
        run->work_dir = work_root / c.uuid;
        remove_work(run->work_dir);
        make_private_dir(work_root);
        make_private_dir(run->work_dir);
        make_private_dir(run->work_dir / "log");
        try {
            run->mounts = prepare_mounts(run->spec, run->work_dir, storage);
            run->argv = opt.runtime == RuntimeKind::host
                            ? sandbox_argv(run->spec, run->mounts, layout_for(run->spec.image), SandboxOptions{opt.program})
                            : engine_argv(run->spec, run->mounts, engine);
        } catch (const Error& e) {
            cancel_with_error(c, run->work_dir, e.what());
            return true;
        }
        try {
            run->container = store.write([&](Tx& tx) { return start_container(tx, c.uuid, holder); });
        } catch (const Error& e) {
            cancel_with_error(c, run->work_dir, e.what());
            return true;
        }
        ProcessSpec ps;
        ps.argv = run->argv;
        ps.stdout_file = run->work_dir / "log" / "stdout.txt";
        ps.stderr_file = run->work_dir / "log" / "stderr.txt";
        ps.kill_grace = opt.kill_grace;
        ps.die_with_parent = true;
        run->started_text = now_text();
        run->started_steady = steady_ms();
        try {
            run->proc = std::make_unique<Subprocess>(std::move(ps));
        } catch (const Error& e) {
            cancel_with_error(run->container, run->work_dir, e.what());
            return true;
        }
        ++summary.started;
        audit("dispatch.start", c.uuid, "ok", fmt::format("runtime={}", to_string(opt.runtime)));
        event(fmt::format("{}: started ({})", c.uuid, to_string(opt.runtime)));
        runs.push_back(std::move(run));
        return true;
    }

    void stop(Run& run, StopKind kind, std::string note) {
        if (run.stop != StopKind::none) return;
        run.stop = kind;
        run.stop_note = std::move(note);
        event(fmt::format("{}: stopping: {}", run.spec.uuid, run.stop_note));
        run.proc->terminate_group();
        if (opt.runtime != RuntimeKind::host) remove_engine_container(engine, run.spec.uuid);
    }

    std::string run_log(const Run& run, const ProcessResult& r, std::optional<std::int64_t> exit_code) {
        std::string log;
        log += fmt::format("{} started container {} on runtime {}\n", run.started_text, run.spec.uuid, to_string(opt.runtime));
        log += fmt::format("{} command {}\n", run.started_text, Json(run.spec.command).dump());
        const auto end = now_text();
        if (exit_code) log += fmt::format("{} exit code {}\n", end, *exit_code);
        if (r.term_signal != 0) log += fmt::format("{} ended by signal {}\n", end, r.term_signal);
        if (run.stop != StopKind::none) log += fmt::format("{} stopped: {}\n", end, run.stop_note);
        log += fmt::format("{} rusage elapsed_s={:.3f} user_s={:.3f} system_s={:.3f} max_rss_kb={}\n", end,
                           to_seconds(r.elapsed), r.user_s, r.system_s, r.max_rss_kb);
        return log;
    }

    void finish(Run& run) {
        const ProcessResult r = run.proc->wait();
        std::optional<std::int64_t> exit_code;
        if (r.exit_code >= 0) exit_code = r.exit_code;
        else if (r.term_signal != 0) exit_code = 128 + r.term_signal;
        const auto& uuid = run.spec.uuid;
        std::optional<std::string> output, log;
        std::string collect_error;
        if (run.stop == StopKind::none) {
            try {
                output = storage.store(run.mounts.output_source).pdh;
            } catch (const Error& e) {
                collect_error = fmt::format("cannot collect output: {}", e.what());
            }
        }
        try {
            log = store_log(run.container, run.work_dir, run_log(run, r, exit_code));
        } catch (const Error& e) {
            if (collect_error.empty()) collect_error = fmt::format("cannot store log: {}", e.what());
        }
        std::string state = "Cancelled", note = run.stop_note;
        try {
            if (run.stop == StopKind::lost) {
                state = "lost";
            } else if (run.stop == StopKind::none && collect_error.empty()) {
                store.write([&](Tx& tx) {
                    ContainerReport rep;
                    rep.exit_code = exit_code;
                    rep.output = output;
                    rep.log = log;
                    rep.progress = 1.0;
                    complete_container(tx, uuid, holder, rep);
                });
                state = "Complete";
            } else {
                if (!collect_error.empty()) note = collect_error;
                store.write([&](Tx& tx) {
                    ContainerReport rep;
                    rep.exit_code = exit_code;
                    rep.log = log;
                    if (run.stop != StopKind::priority) rep.runtime_status = Json{{"error", note}};
                    cancel_container(tx, uuid, holder, rep);
                });
            }
        } catch (const Error& e) {
            state = "lost";
            note = e.what();
        }
        if (state == "Complete") {
            audit("dispatch.complete", uuid, "ok", fmt::format("exit_code={}", exit_code ? *exit_code : -1));
            event(fmt::format("{}: complete, exit code {}", uuid, exit_code ? *exit_code : -1));
        } else {
            audit("dispatch.cancel", uuid, state == "lost" ? "failed" : "cancelled", note);
            event(fmt::format("{}: {}: {}", uuid, state == "lost" ? "taken away" : "cancelled", note));
        }
        record(uuid, state, exit_code, output, log, note);
        remove_work(run.work_dir);
    }

    /// Reaps finished children; true when any finished.
    bool reap() {
        bool any = false;
        for (auto it = runs.begin(); it != runs.end();) {
            if ((*it)->proc->poll(0)) {
                finish(**it);
                it = runs.erase(it);
                any = true;
            } else {
                ++it;
            }
        }
        return any;
    }

    /// Re-reads what runs: priority 0, a changed state, or max_run_time stop it.
    void check_running() {
        if (runs.empty()) return;
        std::map<std::string, std::optional<Container>> now;
        store.read([&](Tx& tx) {
            for (const auto& r : runs) now[r->spec.uuid] = find_container(tx, r->spec.uuid);
        });
        for (auto& r : runs) {
            if (r->stop != StopKind::none) continue;
            const auto& c = now[r->spec.uuid];
            if (!c || (c->state != ContainerState::locked && c->state != ContainerState::running) || c->locked_by != holder) {
                stop(*r, StopKind::lost, "the container changed outside this dispatcher");
            } else if (c->priority == 0) {
                stop(*r, StopKind::priority, "priority dropped to 0");
            } else if (r->spec.max_run_time > 0 && steady_ms() - r->started_steady >= r->spec.max_run_time * 1000) {
                stop(*r, StopKind::max_run_time, fmt::format("max_run_time of {}s exceeded", r->spec.max_run_time));
            }
        }
    }

    /// Cancels containers whose holder died; their retry rules then apply.
    void sweep_orphans() {
        std::vector<Container> held;
        store.read([&](Tx& tx) {
            for (auto state : {ContainerState::locked, ContainerState::running}) {
                ContainerFilter f;
                f.state = state;
                for (auto& c : list_containers(tx, f)) held.push_back(std::move(c));
            }
        });
        for (const auto& c : held) {
            if (!c.locked_by || *c.locked_by == holder || !holder_is_dead(*c.locked_by)) continue;
            if (opt.runtime != RuntimeKind::host) remove_engine_container(engine, c.uuid);
            const fs::path work = work_root / c.uuid;
            const auto why = fmt::format("the dispatcher holding the container is gone ({})", *c.locked_by);
            std::optional<std::string> log;
            try {
                log = store_log(c, work, fmt::format("{} orphaned: {}\n", now_text(), why));
            } catch (const Error&) {
            }
            try {
                store.write([&](Tx& tx) {
                    const auto fresh = find_container(tx, c.uuid);
                    if (!fresh || fresh->locked_by != c.locked_by) return;  // someone else got there first
                    ContainerReport rep;
                    rep.log = log;
                    rep.runtime_status = Json{{"error", why}};
                    cancel_container(tx, c.uuid, {}, rep);
                });
            } catch (const Error& e) {
                event(fmt::format("{}: cannot cancel orphan: {}", c.uuid, e.what()));
                continue;
            }
            std::error_code ec;
            const fs::path holder_file(c.locked_by->substr(k_holder_prefix.size()));
            if (!lock_is_held(holder_file)) fs::remove(holder_file, ec);
            remove_work(work);
            ++summary.orphans;
            audit("dispatch.orphan", c.uuid, "cancelled", why);
            event(fmt::format("{}: orphan cancelled: {}", c.uuid, why));
            record(c.uuid, "Cancelled", std::nullopt, std::nullopt, log, why);
        }
    }

    /// Starts what fits; returns how many containers it started or settled.
    int schedule() {
        const auto queue = store.read([&](Tx& tx) { return queued_containers(tx); });
        int acted = 0;
        for (const auto& c : queue) {
            if (opt.max_parallel > 0 && static_cast<int>(runs.size()) >= opt.max_parallel) break;
            RunSpec spec;
            try {
                spec = run_spec_from(c, store.path());
            } catch (const Error& e) {
                if (opt.only_container && c.uuid != *opt.only_container) continue;
                if (start_impossible(c, e.what())) ++acted;
                continue;
            }
            if (!serves(c, spec)) continue;
            const Demand d = demand_of(spec);
            if (d.vcpus > host.vcpus || d.ram > host.ram_total) {
                const auto why = fmt::format("impossible request: needs {} vcpus and {} bytes of RAM, this host has {} vcpus and {} bytes",
                                             d.vcpus, d.ram, host.vcpus, host.ram_total);
                if (start_impossible(c, why)) ++acted;
                continue;
            }
            int used_vcpus = 0;
            std::uint64_t used_ram = 0;
            for (const auto& r : runs) {
                used_vcpus += r->demand.vcpus;
                used_ram += r->demand.ram;
            }
            if (used_vcpus + d.vcpus > host.vcpus || used_ram + d.ram > ram_budget) break;  // head of line waits
            if (start(c, std::move(spec), d)) ++acted;
        }
        return acted;
    }

    bool start_impossible(const Container& c, const std::string& why) {
        Container locked;
        try {
            locked = store.write([&](Tx& tx) { return lock_container(tx, c.uuid, holder); });
        } catch (const Error& e) {
            if (e.kind() == ErrorKind::conflict || e.kind() == ErrorKind::not_found) return false;
            throw;
        }
        ++summary.impossible;
        cancel_with_error(locked, work_root / c.uuid, why);
        return true;
    }

    DispatchSummary run() {
        host = opt.host ? *opt.host : read_host_resources();
        ram_budget = host.ram_available > 0 ? host.ram_available : host.ram_total;
        long next_queue = 0, next_check = 0, next_sweep = 0, last_activity = steady_ms();
        const long idle = std::max<long>(10, opt.poll_interval.count());
        for (;;) {
            if (interrupted_by() != 0) {
                summary.interrupted = true;
                for (auto& r : runs)
                    stop(*r, StopKind::shutdown, fmt::format("dispatcher stopped by signal {}", interrupted_by()));
                for (auto& r : runs) finish(*r);
                runs.clear();
                break;
            }
            const bool finished = reap();
            const long now = steady_ms();
            if (now >= next_check) {
                check_running();
                next_check = now + 200;
            }
            if (now >= next_sweep) {
                sweep_orphans();
                next_sweep = now + idle;
            }
            int acted = 0;
            if (finished || now >= next_queue) {
                acted = schedule();
                next_queue = now + idle;
            }
            if (!opt.follow && runs.empty() && acted == 0 && !finished) break;
            if (acted > 0 || finished) last_activity = steady_ms();
            if (acted > 0) {  // what it settled may have queued retries: look again at once
                next_queue = 0;
                continue;
            }
            if (runs.empty()) nap(std::max(0L, std::min(next_queue, next_sweep) - steady_ms()));
            else nap(steady_ms() - last_activity < 200 ? 2 : 25);
        }
        summary.queue_depth = store.read([](Tx& tx) { return count_queued(tx); });
        return summary;
    }
};

Dispatcher::Dispatcher(Store& store, DispatchOptions options) : m_impl(new Impl(store, std::move(options))) {}
Dispatcher::~Dispatcher() { delete m_impl; }
DispatchSummary Dispatcher::run() { return m_impl->run(); }
const std::string& Dispatcher::holder() const { return m_impl->holder; }

}  // namespace opskit::cr
