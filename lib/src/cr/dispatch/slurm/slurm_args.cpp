// The pure half of the Slurm engine: sbatch argument substitution, the nice plan that keeps
// Slurm's order equal to container priority order, and squeue line parsing. No process is
// started here, so all of it is unit-tested and fuzzed directly.
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>

#include "opskit/core/error.hpp"
#include "opskit/cr/dispatch/slurm.hpp"

namespace opskit::cr {

namespace {

constexpr std::uint64_t k_mib = 1024 * 1024;

std::uint64_t ceil_mib(std::uint64_t bytes) { return (bytes + k_mib - 1) / k_mib; }

std::uint64_t scratch_bytes(const RunSpec& s) {
    std::uint64_t sum = 0;
    if (!s.mounts.is_object()) return 0;
    for (const auto& [target, m] : s.mounts.items()) {
        (void)target;
        if (m.is_object() && m.value("kind", "") == "tmp" && m.contains("capacity") && m["capacity"].is_number_integer() &&
            m["capacity"].get<std::int64_t>() > 0)
            sum += static_cast<std::uint64_t>(m["capacity"].get<std::int64_t>());
    }
    return sum;
}

/// Walks `arg`; for each `%x` calls `on(x)`. A lone `%` at the end or unknown x → Error(usage).
template <typename F>
void walk(std::string_view arg, F&& on) {
    for (std::size_t i = 0; i < arg.size(); ++i) {
        if (arg[i] != '%') {
            on('\0', arg[i]);
            continue;
        }
        if (i + 1 >= arg.size())
            throw Error(ErrorKind::usage, "invalid crctl.slurm.sbatch_args entry", arg, "a lone % at the end (write %% for a percent sign)");
        const char x = arg[++i];
        if (std::string_view("UCMTPW%").find(x) == std::string_view::npos)
            throw Error(ErrorKind::usage, "invalid crctl.slurm.sbatch_args entry", arg,
                        fmt::format("unknown substitution %{}; known: %U %C %M %T %P %W %%", x));
        on(x, '\0');
    }
}

bool parse_int(std::string_view text, std::int64_t& out) {
    if (text.empty()) return false;
    const auto* end = text.data() + text.size();
    auto [p, ec] = std::from_chars(text.data(), end, out);
    return ec == std::errc() && p == end;
}

}  // namespace

void check_sbatch_args(const std::vector<std::string>& args) {
    for (const auto& a : args) walk(a, [](char, char) {});
}

std::optional<std::string> substitute_sbatch_arg(std::string_view arg, const RunSpec& s) {
    std::string out;
    bool drop = false;
    walk(arg, [&](char x, char plain) {
        switch (x) {
            case '\0': out += plain; break;
            case '%': out += '%'; break;
            case 'U': out += s.uuid; break;
            case 'C': out += std::to_string(std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(s.vcpus)))); break;
            case 'M': out += std::to_string(ceil_mib(s.ram)); break;
            case 'T': out += std::to_string(ceil_mib(scratch_bytes(s))); break;
            case 'P': {
                if (s.partitions.empty()) drop = true;
                std::string joined;
                for (const auto& p : s.partitions) joined += (joined.empty() ? "" : ",") + p;
                out += joined;
                break;
            }
            case 'W': {
                const auto minutes = s.max_run_time <= 0 ? 0 : (s.max_run_time + 59) / 60;
                if (minutes == 0) drop = true;
                out += std::to_string(minutes);
                break;
            }
            default: break;
        }
    });
    if (drop) return std::nullopt;
    return out;
}

std::optional<SqueueLine> parse_squeue_line(std::string_view line) {
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
    std::string_view fields[5];
    std::size_t pos = 0;
    for (auto& f : fields) {
        while (pos < line.size() && line[pos] == ' ') ++pos;
        const auto end = line.find(' ', pos);
        if (pos >= line.size()) return std::nullopt;
        f = line.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
        pos = end == std::string_view::npos ? line.size() : end;
    }
    while (pos < line.size() && line[pos] == ' ') ++pos;
    SqueueLine out;
    out.name = std::string(fields[0]);
    if (!parse_int(fields[1], out.nice) || !parse_int(fields[2], out.priority)) return std::nullopt;
    out.state = std::string(fields[3]);
    out.job_id = std::string(fields[4]);
    if (out.state.empty() || out.job_id.empty()) return std::nullopt;
    std::string_view reason = line.substr(pos);
    if (reason.size() >= 2 && reason.front() == '(' && reason.back() == ')') reason = reason.substr(1, reason.size() - 2);
    if (reason == "None") reason = {};
    out.reason = std::string(reason);
    return out;
}

JobPhase slurm_phase(std::string_view st) {
    static constexpr std::string_view pending[] = {"PENDING", "CONFIGURING", "REQUEUED", "REQUEUE_HOLD", "REQUEUE_FED", "RESV_DEL_HOLD"};
    static constexpr std::string_view running[] = {"RUNNING", "COMPLETING", "SIGNALING", "STOPPED", "SUSPENDED", "RESIZING", "STAGE_OUT"};
    static constexpr std::string_view ended[] = {"COMPLETED", "CANCELLED", "FAILED", "TIMEOUT", "NODE_FAIL", "PREEMPTED",
                                                 "OUT_OF_MEMORY", "BOOT_FAIL", "DEADLINE", "SPECIAL_EXIT", "REVOKED"};
    for (auto s : pending)
        if (st == s) return JobPhase::pending;
    for (auto s : running)
        if (st == s) return JobPhase::running;
    for (auto s : ended)
        if (st == s) return JobPhase::ended;
    return JobPhase::unknown;
}

std::optional<std::string> slurm_reason_never_starts(std::string_view reason) {
    // Reasons slurmctld gives for a job that fits no partition or node as configured (job
    // state reasons of squeue(1)); they clear only when an administrator changes slurm.conf.
    static constexpr std::pair<std::string_view, std::string_view> never[] = {
        {"PartitionConfig", "it asks more CPUs, memory or nodes than its partition allows"},
        {"PartitionNodeLimit", "it asks more nodes than its partition allows"},
        {"PartitionTimeLimit", "its time limit is over its partition's"},
        {"BadConstraints", "no node has the features it asks for"},
        {"InvalidAccount", "its account is not valid"},
        {"InvalidQOS", "its QOS is not valid"},
    };
    for (const auto& [name, why] : never)
        if (reason == name) return fmt::format("Slurm leaves it pending ({}): {}", name, why);
    return std::nullopt;
}

std::vector<std::int64_t> plan_nices(const std::vector<NiceInput>& jobs, std::int64_t spread, std::int64_t cap) {
    std::vector<std::int64_t> out(jobs.size(), 0);
    if (jobs.empty()) return out;
    spread = std::max<std::int64_t>(1, spread);
    // A job's base priority is what Slurm would give it at nice 0.
    std::int64_t previous = jobs[0].slurm_priority + jobs[0].nice;
    for (std::size_t i = 1; i < jobs.size(); ++i) {
        const std::int64_t base = jobs[i].slurm_priority + jobs[i].nice;
        const std::int64_t ceiling = previous - spread;
        std::int64_t nice = base > ceiling ? base - ceiling : 0;
        nice = std::min(nice, cap);
        out[i] = nice;
        previous = base - nice;
    }
    return out;
}

}  // namespace opskit::cr
