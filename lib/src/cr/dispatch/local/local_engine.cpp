// The local engine (see local_engine.hpp): one child process per container, polled without
// threads. It keeps nothing the store does not: a job is its process, its work folder
// (mounts, stdout/stderr) and what the child's exit left, until the loop forgets it.
#include "opskit/cr/dispatch/local/local_engine.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <map>
#include <random>
#include <system_error>

#include "opskit/core/error.hpp"
#include "opskit/core/fs.hpp"
#include "opskit/core/lock.hpp"
#include "opskit/core/output.hpp"
#include "opskit/core/process.hpp"
#include "opskit/core/time.hpp"
#include "opskit/cr/collections/collection.hpp"
#include "opskit/cr/dispatch/dispatch.hpp"

namespace fs = std::filesystem;

namespace opskit::cr {

namespace {

long steady_ms() {
    return static_cast<long>(
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count());
}

void remove_tree(const fs::path& dir) {
    std::error_code ec;
    fs::remove_all(dir, ec);
}

struct Demand {
    int vcpus = 1;
    std::uint64_t ram = 0;
};

Demand demand_of(const RunSpec& s) { return {std::max(1, static_cast<int>(std::ceil(s.vcpus))), s.ram}; }

/// One container's child and what it leaves behind.
struct LocalJob {
    RunSpec spec;
    Demand demand;
    fs::path work_dir;
    PreparedMounts mounts;
    std::unique_ptr<Subprocess> proc;
    std::string started_text;
    long started_steady = 0;
    bool stopped = false;                ///< ended by cancel(), not by itself
    std::optional<ProcessResult> result; ///< set once the child has been reaped
};

class LocalEngine final : public Engine {
public:
    LocalEngine(const Store& store, LocalEngineOptions o)
        : m_opt(std::move(o)), m_storage(store.data_dir()), m_data_dir(store.data_dir()) {
        if (m_opt.program.empty()) m_opt.program = default_runtime_program(m_opt.runtime);
        m_runtime.kind = m_opt.runtime;
        m_runtime.program = m_opt.program;
        m_runtime.extra_args = m_opt.engine_extra_args;
        static std::mt19937_64 rng{std::random_device{}()};
        const fs::path file = lock_dir() / fmt::format("crctl-holder-{:016x}.lock", rng());
        m_holder_lock = acquire_lock_file(file, "crctl dispatcher", Duration(0));
        m_holder = std::string(lock_holder_prefix) + file.string();
        m_host = m_opt.host ? *m_opt.host : read_host_resources();
        m_ram_budget = m_host.ram_available > 0 ? m_host.ram_available : m_host.ram_total;
    }

    ~LocalEngine() override {
        // What still runs (the loop unwound) is stopped; its containers are then held by a
        // dead holder, which the next dispatcher sweeps.
        for (auto& [uuid, job] : m_jobs) {
            try {
                if (!job.result) job.proc->terminate_group();
                if (m_opt.runtime != RuntimeKind::host) remove_engine_container(m_runtime, uuid);
                remove_tree(job.work_dir);
            } catch (...) {
            }
        }
        m_holder_lock.release_and_remove();
    }

    std::string_view name() const override { return "local"; }
    std::string holder() const override { return m_holder; }
    bool remote() const override { return false; }

    std::optional<std::string> impossible(const RunSpec& spec) override {
        const Demand d = demand_of(spec);
        if (d.vcpus <= m_host.vcpus && d.ram <= m_host.ram_total) return std::nullopt;
        return fmt::format("impossible request: needs {} vcpus and {} bytes of RAM, this host has {} vcpus and {} bytes",
                           d.vcpus, d.ram, m_host.vcpus, m_host.ram_total);
    }

    bool has_room(const RunSpec& spec) override {
        if (m_opt.max_parallel > 0 && static_cast<int>(live_count()) >= m_opt.max_parallel) return false;
        const Demand d = demand_of(spec);
        int vcpus = 0;
        std::uint64_t ram = 0;
        for (const auto& [uuid, job] : m_jobs) {
            if (job.result) continue;
            vcpus += job.demand.vcpus;
            ram += job.demand.ram;
        }
        return vcpus + d.vcpus <= m_host.vcpus && ram + d.ram <= m_ram_budget;
    }

    EngineJob submit(const Container& c, const RunSpec& spec, std::int64_t) override {
        LocalJob job;
        job.spec = spec;
        job.demand = demand_of(spec);
        job.work_dir = local_work_dir(m_data_dir, c.uuid);
        remove_tree(job.work_dir);
        make_private_dir(job.work_dir.parent_path());
        make_private_dir(job.work_dir);
        make_private_dir(job.work_dir / "log");
        std::vector<std::string> argv;
        try {
            job.mounts = prepare_mounts(job.spec, job.work_dir, m_storage);
            const RootLayout* layout = m_runtime.kind == RuntimeKind::host ? &layout_for(job.spec.image) : nullptr;
            argv = runtime_argv(job.spec, job.mounts, m_runtime, layout);
        } catch (const Error& e) {
            remove_tree(job.work_dir);
            throw Error(ErrorKind::usage, e.what());  // this container can never run: Cancelled
        }
        ProcessSpec ps;
        ps.argv = std::move(argv);
        ps.stdout_file = job.work_dir / "log" / "stdout.txt";
        ps.stderr_file = job.work_dir / "log" / "stderr.txt";
        ps.kill_grace = m_opt.kill_grace;
        ps.die_with_parent = true;
        job.started_text = to_rfc3339(now_ms());
        job.started_steady = steady_ms();
        try {
            job.proc = std::make_unique<Subprocess>(std::move(ps));
        } catch (const Error&) {
            remove_tree(job.work_dir);
            throw;  // the runtime program cannot run here: unavailable, the container waits
        }
        const auto pid = job.proc->pid();
        m_jobs.insert_or_assign(c.uuid, std::move(job));
        return view(c.uuid, m_jobs.at(c.uuid), pid);
    }

    std::vector<EngineJob> poll() override {
        std::vector<EngineJob> out;
        for (auto& [uuid, job] : m_jobs) {
            reap(job);
            out.push_back(view(uuid, job, job.proc->pid()));
        }
        return out;
    }

    int reprioritise(const std::vector<EngineJob>&, const std::vector<std::pair<std::string, std::int64_t>>&) override {
        return 0;  // what runs here runs; the queue order is the loop's submission order
    }

    std::optional<JobOutcome> cancel(const EngineJob& ej) override {
        const auto it = m_jobs.find(ej.uuid);
        if (it == m_jobs.end()) return std::nullopt;
        auto& job = it->second;
        if (!job.result) {
            job.stopped = true;
            job.proc->terminate_group();
            job.result = job.proc->wait();
            if (m_opt.runtime != RuntimeKind::host) remove_engine_container(m_runtime, ej.uuid);
        }
        return outcome(ej);
    }

    std::optional<JobOutcome> outcome(const EngineJob& ej) override {
        const auto it = m_jobs.find(ej.uuid);
        if (it == m_jobs.end() || !it->second.result) return std::nullopt;
        const auto& job = it->second;
        const auto& r = *job.result;
        JobOutcome o;
        if (r.exit_code >= 0) o.exit_code = r.exit_code;
        else if (r.term_signal != 0) o.exit_code = 128 + r.term_signal;
        if (job.stopped) o.error = "stopped by the dispatcher";
        else o.output_dir = job.mounts.output_source;
        o.stdout_text = read_file_or_empty(job.work_dir / "log" / "stdout.txt");
        o.stderr_text = read_file_or_empty(job.work_dir / "log" / "stderr.txt");
        o.started_at = job.started_text;
        o.finished_at = to_rfc3339(now_ms());
        o.run_log = run_log(ej.uuid, job, *o.finished_at, o.exit_code);
        return o;
    }

    std::string why_waiting(const EngineJob& job) const override {
        return fmt::format("running on this host as pid {} ({})", job.job_id, to_string(m_opt.runtime));
    }

    void forget(std::string_view uuid) override {
        const auto it = m_jobs.find(std::string(uuid));
        if (it == m_jobs.end()) {
            // Not ours: the container of a dead dispatcher. Its runtime container may live on.
            if (m_opt.runtime != RuntimeKind::host) remove_engine_container(m_runtime, uuid);
            remove_tree(local_work_dir(m_data_dir, uuid));
            return;
        }
        remove_tree(it->second.work_dir);
        m_jobs.erase(it);
    }

    void wait(Duration max) override {
        // Children are reaped by polling: briefly at first (short containers are the common
        // case), then more slowly.
        const long until = steady_ms() + max.count();
        for (;;) {
            long youngest = 0;
            for (auto& [uuid, job] : m_jobs) {
                if (job.result) continue;
                if (job.proc->poll(0)) return;
                youngest = std::max(youngest, job.started_steady);
            }
            const long now = steady_ms();
            if (now >= until || interrupted_by() != 0) return;
            const long step = m_jobs.empty() ? until - now : now - youngest < 200 ? 2 : 25;
            sleep_unless_interrupted(Duration(std::min(step, until - now)));
        }
    }

private:
    std::size_t live_count() const {
        std::size_t n = 0;
        for (const auto& [uuid, job] : m_jobs) n += job.result ? 0 : 1;
        return n;
    }

    void reap(LocalJob& job) {
        if (!job.result && job.proc->poll(0)) job.result = job.proc->wait();
    }

    EngineJob view(const std::string& uuid, const LocalJob& job, pid_t pid) const {
        EngineJob j;
        j.uuid = uuid;
        j.job_id = std::to_string(pid);
        j.state = !job.result ? "RUNNING" : job.stopped ? "STOPPED" : "EXITED";
        j.phase = job.result ? JobPhase::ended : JobPhase::running;
        return j;
    }

    const RootLayout& layout_for(const std::string& image) {
        const std::string root = image == "host" ? "/" : image;
        auto it = m_layouts.find(root);
        if (it == m_layouts.end()) it = m_layouts.emplace(root, scan_root(root)).first;
        return it->second;
    }

    std::string run_log(const std::string& uuid, const LocalJob& job, const std::string& end, std::optional<std::int64_t> exit_code) const {
        const auto& r = *job.result;
        std::string log;
        log += fmt::format("{} started container {} on runtime {}\n", job.started_text, uuid, to_string(m_opt.runtime));
        log += fmt::format("{} command {}\n", job.started_text, Json(job.spec.command).dump());
        if (exit_code) log += fmt::format("{} exit code {}\n", end, *exit_code);
        if (r.term_signal != 0) log += fmt::format("{} ended by signal {}\n", end, r.term_signal);
        if (job.stopped) log += fmt::format("{} stopped by the dispatcher\n", end);
        log += fmt::format("{} rusage elapsed_s={:.3f} user_s={:.3f} system_s={:.3f} max_rss_kb={}\n", end,
                           to_seconds(r.elapsed), r.user_s, r.system_s, r.max_rss_kb);
        return log;
    }

    LocalEngineOptions m_opt;
    EngineOptions m_runtime;
    CollectionStorage m_storage;
    fs::path m_data_dir;
    Lock m_holder_lock;
    std::string m_holder;
    HostResources m_host;
    std::uint64_t m_ram_budget = 0;
    std::map<std::string, RootLayout> m_layouts;
    std::map<std::string, LocalJob> m_jobs;
};

}  // namespace

fs::path local_work_dir(const fs::path& data_dir, std::string_view uuid) { return data_dir / "work" / std::string(uuid); }

std::unique_ptr<Engine> make_local_engine(const Store& store, LocalEngineOptions options) {
    return std::make_unique<LocalEngine>(store, std::move(options));
}

}  // namespace opskit::cr
