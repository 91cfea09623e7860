// The bkctl operations end to end (see job.hpp). The order of checks is deliberate: every
// input is validated and dsmc is located before anything is locked or linked, so bad input
// leaves nothing behind.
#include "opskit/backup/job.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>

#include "opskit/backup/backup_id.hpp"
#include "opskit/backup/dsmc_runner.hpp"
#include "opskit/backup/hooks.hpp"
#include "opskit/backup/link.hpp"
#include "opskit/backup/verdict.hpp"
#include "opskit/core/audit.hpp"
#include "opskit/core/lock.hpp"
#include "opskit/core/process.hpp"
#include "opskit/device/resolve.hpp"
#include "opskit/dsmc/report.hpp"

namespace fs = std::filesystem;

namespace opskit::backup {
namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void throw_if_interrupted(std::string_view what) {
    if (const int sig = interrupted_by(); sig != 0)
        throw Error(ErrorKind::failed, "interrupted", what, fmt::format("bkctl received signal {}", sig));
}

std::string device_lock_name(const device::DeviceInfo& d) {
    if (d.block) return fmt::format("bkctl-dev-{}_{}", d.major, d.minor);
    return fmt::format("bkctl-file-{}_{}", static_cast<unsigned long>(d.fs_dev), static_cast<unsigned long>(d.inode));
}

// The key figures of the report for the table view.
void add_summary_figures(Json& table, const dsmc::Report& report) {
    if (report.summaries.empty()) return;
    const auto& s = report.summaries.back();
    const auto put = [&](const char* key, const std::optional<std::uint64_t>& v) {
        if (v) table[key] = *v;
    };
    put("objects_backed_up", s.objects_backed_up);
    put("objects_restored", s.objects_restored);
    put("objects_deleted", s.objects_deleted);
    put("objects_failed", s.objects_failed);
    put("bytes_transferred", s.bytes_transferred);
    if (s.elapsed_s) table["elapsed_s"] = *s.elapsed_s;
}

struct Judged {
    dsmc::Report report;
    Verdict verdict;
};

Judged judge_run(const DsmcRun& run, Operation op, Mode mode) {
    Judged j{dsmc::parse_output(run.output), {}};
    j.verdict = judge(j.report, op, mode, run.exit_code >= 0 ? std::optional<int>(run.exit_code) : std::nullopt, true);
    return j;
}

Json run_json(const DsmcRun& run, const Judged& j) {
    auto report = dsmc::to_json(j.report);
    report["return_code"] = run.exit_code >= 0 ? Json(run.exit_code) : Json(nullptr);
    report["verdict"] = j.verdict.outcome;
    return report;
}

// Adds the outcome of a finished run to both views.
void add_outcome(Json& value, Json& table, const DsmcRun& run, const Judged& judged, double duration) {
    value["return_code"] = run.exit_code >= 0 ? Json(run.exit_code) : Json(nullptr);
    value["duration_s"] = duration;
    value["verdict"] = judged.verdict.outcome;
    value["reason"] = judged.verdict.reason;
    value["report"] = run_json(run, judged);
    table["return_code"] = value["return_code"];
    table["verdict"] = judged.verdict.outcome;
    table["reason"] = judged.verdict.reason;
    add_summary_figures(table, judged.report);
    table["duration_s"] = duration;
}

}  // namespace

JobOutcome run_device_job(const JobSpec& spec) {
    const auto op_name = std::string(to_string(spec.op));
    validate_prefix(spec.prefix);
    validate_backup_id(spec.backup_id);
    if (spec.mode != "auto") parse_mode(spec.mode);
    device::ResolveOptions ro;
    ro.allow_regular_file = spec.mode != "image";
    const auto dev = device::resolve_device(spec.device, ro);
    const Mode mode = spec.mode == "auto" ? (dev.block ? Mode::image : Mode::file) : parse_mode(spec.mode);
    if (mode == Mode::file && dev.block)
        throw Error(ErrorKind::usage, "file mode needs a regular file", spec.device,
                    fmt::format("{} is a block device; use --mode image or auto", dev.path.string()));
    const auto link = link_path(spec.dev_dir, spec.prefix, spec.backup_id);
    const auto argv = dsmc_argv(spec.op, mode, link.string(), spec.dsmc);
    find_dsmc(spec.dsmc);
    std::vector<std::string> pre_argv, post_argv;
    if (!spec.pre.empty()) pre_argv = split_command(spec.pre);
    if (!spec.post.empty()) post_argv = split_command(spec.post);

    Json value = {{"operation", op_name},
                  {"backup_id", spec.backup_id},
                  {"mode", to_string(mode)},
                  {"device", device::to_json(dev)},
                  {"link", {{"path", link.string()}}},
                  {"argv", redact_argv(argv)},
                  {"dry_run", spec.dry_run}};
    Json table = {{"operation", op_name}, {"backup_id", spec.backup_id}, {"device", dev.path.string()},
                  {"mode", to_string(mode)}, {"link", link.string()}};
    if (spec.dry_run) {
        if (!pre_argv.empty()) value["pre"] = pre_argv;
        if (!post_argv.empty()) value["post"] = post_argv;
        table["dry_run"] = true;
        table["argv"] = fmt::format("{}", fmt::join(redact_argv(argv), " "));
        return {value, table, ExitCode::ok};
    }

    const auto t0 = std::chrono::steady_clock::now();
    const auto object = dev.path.string();
    const auto detail = [&](std::string_view extra) {
        return fmt::format("backup_id={} link={}{}{}", spec.backup_id, link.string(), extra.empty() ? "" : " ", extra);
    };
    auto device_lock = acquire_lock(device_lock_name(dev), fmt::format("device {}", dev.path.string()));
    Json hooks = Json::array();
    const auto hook = [&](const std::string& command, std::string_view phase, bool interrupted = false) {
        // While being stopped (systemd gives 90 s by default) the post-hook gets at most 60 s.
        auto timeout = spec.dsmc.timeout;
        if (interrupted) timeout = std::min(timeout.value_or(Duration::max()), Duration(60'000));
        auto h = run_hook(command, phase, dev.path.string(), spec.backup_id, timeout, interrupted);
        hooks.push_back(to_json(h));
        return h;
    };
    if (!spec.pre.empty()) {
        const auto h = hook(spec.pre, "pre");
        throw_if_interrupted(spec.pre);
        if (!h.ok) {
            audit(op_name, object, "failure", detail(fmt::format("pre-hook exit {}; dsmc not started", h.exit_code)));
            throw Error(ErrorKind::failed, "pre-hook failed", spec.pre,
                        fmt::format("exit code {}; dsmc was not started{}", h.exit_code,
                                    h.output.empty() ? "" : ": " + h.output.substr(0, 200)));
        }
    }
    DsmcRun run;
    bool reused = false;
    try {
        auto backup_link = BackupLink::create(spec.dev_dir, spec.prefix, spec.backup_id, dev);
        reused = backup_link.reused();
        run = run_dsmc(argv, spec.dsmc, spec.on_output);
        backup_link.remove();
    } catch (const Error& e) {
        // The link is gone already (destructor). Resume what the pre-hook quiesced, also when
        // we are being interrupted: a database left suspended is worse than a later exit.
        if (!spec.post.empty()) hook(spec.post, "post", interrupted_by() != 0);
        audit(op_name, object, e.kind() == ErrorKind::timeout ? "timeout" : "failure", detail(e.what()));
        throw;
    }
    value["link"]["reused"] = reused;
    value["link"]["removed"] = true;
    auto judged = judge_run(run, spec.op, mode);
    if (!spec.post.empty()) {
        const auto h = hook(spec.post, "post");
        if (!h.ok && judged.verdict.exit_code == ExitCode::ok)
            judged.verdict = {"warning", ExitCode::warning, fmt::format("post-hook failed with exit code {}", h.exit_code)};
    }
    value["hooks"] = hooks;
    add_outcome(value, table, run, judged, seconds_since(t0));
    audit(op_name, object, judged.verdict.outcome,
          detail(fmt::format("rc={} reason=\"{}\"", run.exit_code, judged.verdict.reason)));
    return {value, table, judged.verdict.exit_code};
}

JobOutcome run_delete_job(const JobSpec& spec) {
    const Mode mode = spec.mode == "auto" ? Mode::image : parse_mode(spec.mode);
    const auto link = link_path(spec.dev_dir, spec.prefix, spec.backup_id);
    const auto argv = dsmc_argv(Operation::remove, mode, link.string(), spec.dsmc);
    find_dsmc(spec.dsmc);
    Json value = {{"operation", "delete"},      {"backup_id", spec.backup_id}, {"mode", to_string(mode)},
                  {"name", link.string()},      {"argv", redact_argv(argv)},   {"dry_run", spec.dry_run}};
    Json table = {{"operation", "delete"}, {"backup_id", spec.backup_id}, {"name", link.string()}};
    if (spec.dry_run) {
        table["dry_run"] = true;
        table["argv"] = fmt::format("{}", fmt::join(redact_argv(argv), " "));
        return {value, table, ExitCode::ok};
    }
    // The link's lock: no backup or restore of this id may run while it is deleted.
    auto lock = acquire_lock(link_lock_name(link), fmt::format("backup {}", link.string()));
    DsmcRun run;
    try {
        run = run_dsmc(argv, spec.dsmc, spec.on_output);
    } catch (const Error& e) {
        audit("delete", link.string(), e.kind() == ErrorKind::timeout ? "timeout" : "failure", e.what());
        throw;
    }
    lock.release_and_remove();
    const auto judged = judge_run(run, Operation::remove, mode);
    add_outcome(value, table, run, judged, run.duration_s);
    audit("delete", link.string(), judged.verdict.outcome,
          fmt::format("backup_id={} rc={} reason=\"{}\"", spec.backup_id, run.exit_code, judged.verdict.reason));
    return {value, table, judged.verdict.exit_code};
}

JobOutcome run_list_job(const JobSpec& spec) {
    validate_prefix(spec.prefix);
    const Mode mode = spec.mode == "auto" ? Mode::image : parse_mode(spec.mode);
    const auto start = (spec.dev_dir / (spec.prefix + "-")).string();
    const auto argv = dsmc_argv(Operation::query, mode, mode == Mode::file ? start + "*" : std::string(), spec.dsmc);
    const auto run = run_dsmc(argv, spec.dsmc, spec.on_output);
    const auto judged = judge_run(run, Operation::query, mode);
    if (judged.verdict.exit_code != ExitCode::ok && judged.verdict.exit_code != ExitCode::warning)
        throw Error(ErrorKind::failed, "dsmc query failed", fmt::format("{}", fmt::join(redact_argv(argv), " ")),
                    judged.verdict.reason);
    Json rows = Json::array();
    for (const auto& t : judged.report.tables) {
        if (t.kind != "query_image" && t.kind != "query_backup") continue;
        for (const auto& r : t.rows) {
            if (r.name.rfind(start, 0) != 0) continue;
            const auto id = r.name.substr(start.size());
            if (!is_valid_backup_id(id)) continue;
            Json row = {{"backup_id", id},
                        {"name", r.name},
                        {"size_bytes", r.size_bytes ? Json(*r.size_bytes) : Json(nullptr)},
                        {"stored_size_bytes", r.stored_size_bytes ? Json(*r.stored_size_bytes) : Json(nullptr)},
                        {"fs_type", r.fs_type},
                        {"backup_date", r.date.empty() ? r.date_raw : r.date},
                        {"mgmt_class", r.mgmt_class},
                        {"active", r.active ? Json(*r.active) : Json(nullptr)}};
            rows.push_back(row);
        }
    }
    return {rows, Json(), judged.verdict.exit_code};
}

}  // namespace opskit::backup
