// The crctl config keys → ExportOptions (see export.hpp): the settings each engine would
// build its submission from, read by the engines' own readers (dispatch_config.hpp).
#include <filesystem>

#include "opskit/cr/dispatch/dispatch_config.hpp"
#include "opskit/cr/dispatch/export.hpp"

namespace fs = std::filesystem;

namespace opskit::cr {

ExportOptions export_options_from(const Config& config, const Store& store) {
    ExportOptions o;
    o.store_path = store.path();
    o.data_dir = fs::absolute(store.data_dir());
    o.slurm = slurm_options_from(config, store);  // sbatch_args are checked when substituted
    o.spool = o.slurm.spool;
    o.swarm = swarm_options_from(config, store).service;
    // The podman view whatever crctl.runtime says: its program and arguments as configured.
    const auto local = local_engine_options_from(config);
    o.podman.kind = RuntimeKind::podman;
    o.podman.program = local.program.empty() ? default_runtime_program(RuntimeKind::podman) : local.program;
    o.podman.extra_args = local.engine_extra_args;
    return o;
}

}  // namespace opskit::cr
