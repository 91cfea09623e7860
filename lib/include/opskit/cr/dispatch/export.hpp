// `crctl container export`: what each engine would be given for one container — the swarm
// ServiceSpec, the podman argv, the sbatch argv and batch script — so users who deploy with
// their own tooling can take it, and a reader sees each engine's view side by side. Each
// view comes from the same function the engine itself calls, over mounts planned where the
// engine would prepare them; nothing is written.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "opskit/core/config.hpp"
#include "opskit/core/output.hpp"
#include "opskit/cr/dispatch/slurm.hpp"
#include "opskit/cr/dispatch/swarm/service_spec.hpp"
#include "opskit/cr/lifecycle/model.hpp"
#include "opskit/cr/runtime/runtime.hpp"
#include "opskit/cr/store/store.hpp"

namespace opskit::cr {

enum class ExportFormat { swarm, podman, sbatch };

/// The formats parse_export_format accepts, in the order help and completion list them.
const std::vector<std::string>& export_format_names();
/// `swarm`, `podman` or `sbatch`; anything else → Error(usage) naming it and the list.
ExportFormat parse_export_format(std::string_view text);

/// What the views are built from (the engines' settings).
struct ExportOptions {
    std::filesystem::path data_dir;     ///< the store's data folder: collections, the local work root
    std::filesystem::path store_path;   ///< exported to the container as CRCTL_STORE
    std::filesystem::path spool;        ///< empty: none configured (swarm and sbatch refuse)
    swarm::SwarmOptions swarm;
    EngineOptions podman;               ///< program and extra args of the podman runtime
    SlurmOptions slurm;                 ///< sbatch, sbatch_args, crctl_program (the spool is `spool`)
};

/// Export options from the keys the engines read (slurm_options_from, swarm_options_from:
/// the spool, the swarm constraint template, sbatch and its arguments, the batch jobs'
/// crctl) and `crctl.runtime_program` (else `podman`) and `crctl.engine_args` for the podman
/// view, for the store `store`. Relative folders are made absolute, as the engines see them.
ExportOptions export_options_from(const Config& config, const Store& store);

/// One engine's view of a container.
struct EngineView {
    /// What `-o json` prints: swarm the ServiceSpec, podman `{"argv": [...]}`, sbatch
    /// `{"argv": [...], "script": "..."}` (the script sbatch reads on stdin).
    Json document;
    /// What the table form prints (no final newline): swarm the ServiceSpec indented, podman
    /// the argv shell-quoted on one line, sbatch a batch file with an `#SBATCH` line per
    /// option, for `sbatch FILE`.
    std::string text;
};

/// What `format`'s engine would be given for `container`, with its mounts planned where that
/// engine prepares them (swarm `<spool>/<uuid>/work`, podman `<data_dir>/work/<uuid>`; a
/// batch job carries none, its node prepares them from the run record). Writes nothing. No
/// spool for swarm or sbatch → Error(usage) naming crctl.spool; a container the engine
/// cannot express → the converter's Error(usage) naming every field; a missing collection
/// or host path → Error(not_found).
EngineView export_container(const Container& container, ExportFormat format, const ExportOptions& options);

}  // namespace opskit::cr
