// The Slurm engine: one batch job per container through Slurm's own commands (sbatch,
// squeue, scontrol, scancel), the semantics of Arvados' crunch-dispatch-slurm. The pure
// parts (argument substitution, the submission, nice plan, squeue line parsing) are public
// for tests, fuzzing and `crctl container export --format sbatch`; make_slurm_engine() gives
// the Engine the dispatcher loop drives.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "opskit/core/units.hpp"
#include "opskit/cr/dispatch/engine.hpp"
#include "opskit/cr/dispatch/spool.hpp"

namespace opskit::cr {

/// Expands one sbatch argument: `%U` uuid, `%C` vcpus (ceil), `%M` MiB of RAM (ceil), `%T`
/// MiB of scratch (sum of tmp mount capacities, ceil), `%P` partitions comma-joined, `%W`
/// ceil(max_run_time/60) minutes, `%%` a percent sign. nullopt when the argument is dropped
/// (its `%P` is empty or its `%W` is 0); an unknown `%x` or a lone `%` → Error(usage).
std::optional<std::string> substitute_sbatch_arg(std::string_view arg, const RunSpec& spec);

/// Checks a configured argument list for unknown substitutions (Error(usage) naming it).
void check_sbatch_args(const std::vector<std::string>& args);

/// One line of `squeue --noheader --format='%j %y %Q %T %i %r'`.
struct SqueueLine {
    std::string name;
    std::int64_t nice = 0;
    std::int64_t priority = 0;
    std::string state;
    std::string job_id;
    std::string reason;            ///< the rest of the line (may contain spaces)
};
/// nullopt for a line that does not have that shape.
std::optional<SqueueLine> parse_squeue_line(std::string_view line);
/// The phase of a Slurm job state word (PENDING, RUNNING, COMPLETED…); unknown words → unknown.
JobPhase slurm_phase(std::string_view state);

/// For a pending reason that no waiting can clear (the job asks more than its partition or
/// any node allows, or names a constraint no node has), what it means; nullopt for reasons
/// that pass (Resources, Priority, BeginTime, Dependency, limits of a QOS or association).
std::optional<std::string> slurm_reason_never_starts(std::string_view reason);

/// One job as the nice plan sees it, in wanted order (highest container priority first,
/// ties by uuid).
struct NiceInput {
    std::int64_t slurm_priority = 0;   ///< %Q now
    std::int64_t nice = 0;             ///< %y now
};
/// The nice each job should have so that Slurm priorities follow the wanted order with at
/// least `spread` between neighbours: the first keeps its base priority (nice 0), each next
/// one is kept at or below the previous minus the spread. Nice is capped at `cap` (ties
/// beyond it). Jobs already far enough apart keep a nice of 0.
std::vector<std::int64_t> plan_nices(const std::vector<NiceInput>& jobs, std::int64_t spread = 10, std::int64_t cap = 10000);

struct SlurmOptions {
    std::string sbatch = "sbatch", squeue = "squeue", scontrol = "scontrol", scancel = "scancel";
    std::vector<std::string> sbatch_args{"--mem=%M", "--cpus-per-task=%C", "--tmp=%T", "--partition=%P"};
    std::int64_t nice_spread = 10;
    std::filesystem::path spool;
    std::string crctl_program;          ///< what the batch script runs; empty = this executable
    std::filesystem::path data_dir;     ///< the store's collection folder
    RuntimeKind runtime = RuntimeKind::host;   ///< the node-local runtime
    std::string runtime_program;
    std::vector<std::string> engine_args;
    Duration command_timeout{30000};    ///< per Slurm command
};

/// What the batch jobs run when `crctl.slurm_crctl` is not set: this executable (`crctl`
/// when it cannot be told).
std::string default_crctl_program();

/// What the Slurm engine hands sbatch for one container.
struct SlurmSubmission {
    std::string program;                 ///< sbatch
    /// The job's options: `--job-name=<uuid> --nice=0 --no-requeue`, the substituted
    /// sbatch_args, `--chdir` and `--output` in the container's spool folder.
    std::vector<std::string> options;
    std::string command;                 ///< `exec CRCTL container exec UUID --spool DIR`, shell-quoted

    /// `program --parsable options…` (--parsable: sbatch prints only the job id).
    std::vector<std::string> argv() const;
    /// What sbatch reads on stdin: `#!/bin/sh` and the command.
    std::string script() const;
    /// The script as a file for `sbatch FILE`: one `#SBATCH` line per option, written so
    /// sbatch reads it back as the same word. An option holding a newline cannot be
    /// written → Error(usage) naming it.
    std::string batch_file() const;
};

/// The submission of `spec`, from options.sbatch, options.sbatch_args (substituted),
/// options.spool and options.crctl_program as given (the engine fills an empty one with
/// default_crctl_program() first). Pure; a bad sbatch_args entry → Error(usage).
SlurmSubmission slurm_submission(const SlurmOptions& options, const RunSpec& spec);

/// The Slurm engine; Error(usage) for a bad sbatch_args list or an empty spool.
std::unique_ptr<Engine> make_slurm_engine(SlurmOptions options);

}  // namespace opskit::cr
