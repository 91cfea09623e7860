// The Slurm engine (see slurm.hpp): the Engine interface in terms of sbatch, squeue,
// scontrol and scancel, with the run record in the spool and the node side
// (`crctl container exec`) as the batch script. Jobs are named by container uuid, so the
// engine needs no state of its own: any dispatcher of the store can adopt them.
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "opskit/core/error.hpp"
#include "opskit/core/process.hpp"
#include "opskit/cr/dispatch/slurm.hpp"

namespace opskit::cr {

namespace {

std::string first_line(std::string_view text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
    const auto nl = text.rfind('\n');
    return std::string(nl == std::string_view::npos ? text : text.substr(nl + 1));
}

/// Slurm's own words for a controller it cannot reach.
bool says_unavailable(std::string_view err) {
    for (std::string_view s : {"Unable to contact slurm controller", "Socket timed out", "Zero Bytes were transmitted",
                               "Connection refused", "Communication connection failure"})
        if (err.find(s) != std::string_view::npos) return true;
    return false;
}

/// Slurm's words for a request no partition or node can ever hold.
bool says_impossible(std::string_view err) {
    for (std::string_view s : {"Requested node configuration is not available", "Invalid partition name",
                               "Memory required by task is not available", "More processors requested than permitted",
                               "Requested partition configuration not available", "Node count specification invalid",
                               "Requested time limit is invalid"})
        if (err.find(s) != std::string_view::npos) return true;
    return false;
}

class SlurmEngine final : public Engine {
public:
    explicit SlurmEngine(SlurmOptions o) : m_opt(std::move(o)), m_spool(m_opt.spool) {
        if (m_opt.spool.empty()) throw Error(ErrorKind::usage, "missing setting", "crctl.spool", "the Slurm engine needs a spool folder every node mounts");
        check_sbatch_args(m_opt.sbatch_args);
        if (m_opt.crctl_program.empty()) m_opt.crctl_program = default_crctl_program();
    }

    std::string_view name() const override { return "slurm"; }
    std::string holder() const override { return "engine:slurm"; }
    bool remote() const override { return true; }
    std::optional<std::string> impossible(const RunSpec&) override { return std::nullopt; }
    bool has_room(const RunSpec&) override { return true; }

    EngineJob submit(const Container& c, const RunSpec& spec, std::int64_t) override {
        const auto submission = slurm_submission(m_opt, spec);
        RunRecord rec;
        rec.spec = spec;
        rec.data_dir = m_opt.data_dir;
        rec.runtime = m_opt.runtime;
        rec.program = m_opt.runtime_program;
        rec.engine_args = m_opt.engine_args;
        m_spool.write_run(rec);
        ProcessSpec ps;
        ps.argv = submission.argv();
        ps.timeout = m_opt.command_timeout;
        ps.stdin_data = submission.script();
        const auto r = run_process(std::move(ps));
        if (!r.success()) {
            m_spool.remove(c.uuid);
            const auto why = first_line(r.err.empty() ? r.out : r.err);
            const auto msg = why.empty() ? fmt::format("sbatch exited with {}", r.exit_code) : why;
            if (says_unavailable(r.err) || r.timed_out) throw Error(ErrorKind::unavailable, "cannot submit to Slurm", c.uuid, msg);
            if (says_impossible(r.err)) throw Error(ErrorKind::usage, "impossible request", c.uuid, "Slurm refuses it: " + msg);
            throw Error(ErrorKind::failed, "sbatch failed", c.uuid, msg);
        }
        EngineJob job;
        job.uuid = c.uuid;
        job.job_id = first_line(r.out);
        if (const auto semi = job.job_id.find(';'); semi != std::string::npos) job.job_id.resize(semi);
        job.state = "PENDING";
        job.phase = JobPhase::pending;
        job.nice = 0;
        return job;
    }

    std::vector<EngineJob> poll() override {
        ProcessSpec ps;
        ps.argv = {m_opt.squeue, "--all", "--noheader", "--format=%j %y %Q %T %i %r"};
        ps.timeout = m_opt.command_timeout;
        const auto r = run_process(std::move(ps));
        if (!r.success())
            throw Error(ErrorKind::unavailable, "cannot read the Slurm queue", m_opt.squeue,
                        first_line(r.err).empty() ? fmt::format("exit code {}", r.exit_code) : first_line(r.err));
        std::vector<EngineJob> jobs;
        std::size_t pos = 0;
        while (pos < r.out.size()) {
            auto nl = r.out.find('\n', pos);
            if (nl == std::string::npos) nl = r.out.size();
            const auto line = parse_squeue_line(std::string_view(r.out).substr(pos, nl - pos));
            pos = nl + 1;
            if (!line || !is_uuid(line->name, container_infix)) continue;
            EngineJob j;
            j.uuid = line->name;
            j.job_id = line->job_id;
            j.state = line->state;
            j.phase = slurm_phase(line->state);
            j.reason = line->reason;
            j.nice = line->nice;
            j.priority = line->priority;
            jobs.push_back(std::move(j));
        }
        return jobs;
    }

    int reprioritise(const std::vector<EngineJob>& jobs, const std::vector<std::pair<std::string, std::int64_t>>& wanted) override {
        std::map<std::string, const EngineJob*> by_uuid;
        for (const auto& j : jobs)
            if (j.phase == JobPhase::pending) by_uuid[j.uuid] = &j;
        auto order = wanted;
        std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) {
            return a.second != b.second ? a.second > b.second : a.first < b.first;
        });
        std::vector<const EngineJob*> live;
        std::vector<NiceInput> in;
        for (const auto& [uuid, prio] : order) {
            (void)prio;
            const auto it = by_uuid.find(uuid);
            if (it == by_uuid.end()) continue;
            live.push_back(it->second);
            in.push_back({it->second->priority.value_or(0), it->second->nice.value_or(0)});
        }
        const auto nices = plan_nices(in, m_opt.nice_spread);
        // One scontrol for every change, its commands on stdin: a priority raised to the top
        // renices every job below it (Slurm's base priorities follow submission order), and a
        // process per job (fork, exec, a munge credential, an RPC) made that N × ~100 ms.
        std::string commands;
        int sent = 0;
        for (std::size_t i = 0; i < live.size(); ++i) {
            if (live[i]->nice.value_or(0) == nices[i]) continue;
            commands += fmt::format("update JobId={} Nice={}\n", live[i]->job_id, nices[i]);
            ++sent;
        }
        if (sent == 0) return 0;
        ProcessSpec ps;
        ps.argv = {m_opt.scontrol};
        ps.stdin_data = std::move(commands);
        ps.timeout = m_opt.command_timeout;
        const auto r = run_process(std::move(ps));
        if (r.success()) return sent;
        if (says_unavailable(r.err)) throw Error(ErrorKind::unavailable, "cannot change Slurm jobs' nice", m_opt.scontrol, first_line(r.err));
        // A job that ended meanwhile is refused on its own line; the others were changed, and
        // the next poll tells what happened to the rest.
        int refused = 0;
        for (std::size_t at = r.err.find("Invalid job id"); at != std::string::npos; at = r.err.find("Invalid job id", at + 1)) ++refused;
        return std::max(0, sent - refused);
    }

    std::optional<JobOutcome> cancel(const EngineJob& job) override {
        ProcessSpec ps;
        // scancel sends SIGTERM to a running job, then SIGKILL after Slurm's KillWait grace.
        ps.argv = {m_opt.scancel};
        if (!job.job_id.empty()) ps.argv.push_back(job.job_id);
        else ps.argv.push_back("--name=" + job.uuid);
        ps.timeout = m_opt.command_timeout;
        const auto r = run_process(std::move(ps));
        if (!r.success() && says_unavailable(r.err))
            throw Error(ErrorKind::unavailable, "cannot cancel a Slurm job", job.job_id.empty() ? job.uuid : job.job_id, first_line(r.err));
        return std::nullopt;  // the node writes what it had when the signal reaches it
    }

    std::optional<JobOutcome> outcome(const EngineJob& job) override {
        std::optional<FinishedRecord> fin;
        JobOutcome o;
        try {
            fin = m_spool.read_finished(job.uuid);
        } catch (const Error& e) {
            o.error = fmt::format("the node's finished record cannot be trusted: {}", e.what());
            o.stdout_text = m_spool.read_log(job.uuid, "stdout");
            o.stderr_text = m_spool.read_log(job.uuid, "stderr");
            return o;
        }
        if (!fin) return std::nullopt;
        o.exit_code = fin->exit_code;
        o.error = fin->error;
        o.output_pdh = fin->output;
        o.started_at = fin->started_at;
        o.finished_at = fin->finished_at;
        o.node = fin->node;
        o.stdout_text = m_spool.read_log(job.uuid, "stdout");
        o.stderr_text = m_spool.read_log(job.uuid, "stderr");
        o.run_log = fmt::format("{} started container {} on node {} (Slurm job {})\n", fin->started_at, job.uuid, fin->node,
                                job.job_id.empty() ? "?" : job.job_id);
        if (fin->exit_code) o.run_log += fmt::format("{} exit code {}\n", fin->finished_at, *fin->exit_code);
        if (fin->error) o.run_log += fmt::format("{} error: {}\n", fin->finished_at, *fin->error);
        return o;
    }

    std::string why_waiting(const EngineJob& job) const override {
        return fmt::format("Slurm job {} {}{}", job.job_id, job.state, job.reason.empty() ? "" : " (" + job.reason + ")");
    }

    std::optional<std::string> never_starts(const EngineJob& job) const override {
        return slurm_reason_never_starts(job.reason);
    }

    void forget(std::string_view uuid) override { m_spool.remove(uuid); }

private:
    SlurmOptions m_opt;
    Spool m_spool;
};

}  // namespace

std::unique_ptr<Engine> make_slurm_engine(SlurmOptions options) { return std::make_unique<SlurmEngine>(std::move(options)); }

}  // namespace opskit::cr
