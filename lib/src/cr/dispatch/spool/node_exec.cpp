// The node half of a remote engine (`crctl container exec UUID --spool DIR`): what a Slurm
// batch job runs. It turns the spool record into a local run with the same runtimes the
// local dispatcher uses, and reports back only through the spool, never through the store
// (SQLite must not be opened from many hosts over NFS).
#include <fmt/format.h>
#include <unistd.h>

#include <system_error>

#include "opskit/core/error.hpp"
#include "opskit/core/fs.hpp"
#include "opskit/core/process.hpp"
#include "opskit/core/time.hpp"
#include "opskit/cr/collections/collection.hpp"
#include "opskit/cr/dispatch/spool.hpp"

namespace fs = std::filesystem;

namespace opskit::cr {

namespace {

std::string host_name() {
    char buf[256] = {};
    if (::gethostname(buf, sizeof buf - 1) != 0) return "unknown";
    return buf;
}

}  // namespace

int exec_from_spool(const Spool& spool, std::string_view uuid) {
    const auto dir = spool.dir(uuid);
    FinishedRecord fin;
    fin.node = host_name();
    fin.started_at = to_rfc3339(now_ms());
    RunRecord rec;
    try {
        rec = spool.read_run(uuid);
    } catch (const Error& e) {
        fin.finished_at = to_rfc3339(now_ms());
        fin.error = e.what();
        std::error_code ec;
        if (fs::is_directory(dir, ec)) spool.write_finished(uuid, fin);
        throw;
    }
    spool.write_started(uuid, StartedRecord{fin.started_at, fin.node});
    const fs::path work = spool.work_dir(uuid);
    std::error_code ec;
    fs::remove_all(work, ec);
    make_private_dir(work);
    make_private_dir(dir / "log");
    CollectionStorage storage(rec.data_dir);
    ProcessResult result;
    try {
        const auto mounts = prepare_mounts(rec.spec, work, storage);
        EngineOptions runtime;
        runtime.kind = rec.runtime;
        runtime.program = rec.program.empty() ? default_runtime_program(rec.runtime) : rec.program;
        runtime.extra_args = rec.engine_args;
        ProcessSpec ps;
        ps.argv = runtime_argv(rec.spec, mounts, runtime);
        ps.stdout_file = dir / "log" / "stdout.txt";
        ps.stderr_file = dir / "log" / "stderr.txt";
        ps.die_with_parent = true;
        if (rec.spec.max_run_time > 0) ps.timeout = Duration(rec.spec.max_run_time * 1000);
        result = run_process(std::move(ps));
        // scancel signals every process of the job at once: the container may die of the
        // signal before the runner notices it was interrupted. Either way the job was stopped
        // from outside, which is not the container's own exit (Arvados: Cancelled, retried).
        if (result.interrupted || interrupted_by() != 0) {
            fin.error = fmt::format("the job was stopped by signal {}", interrupted_by());
        } else if (result.timed_out) {
            fin.error = fmt::format("max_run_time of {}s exceeded", rec.spec.max_run_time);
        } else {
            fin.exit_code = result.exit_code >= 0 ? result.exit_code : 128 + result.term_signal;
            fin.output = storage.store(mounts.output_source).pdh;
        }
    } catch (const Error& e) {
        fin.error = e.what();
    }
    fin.finished_at = to_rfc3339(now_ms());
    fs::remove_all(work, ec);
    spool.write_finished(uuid, fin);
    if (fin.error) return 1;
    return static_cast<int>(*fin.exit_code);
}

}  // namespace opskit::cr
