// The crctl config keys → ExportOptions (see export.hpp): the settings each engine would
// build its submission from, read the way the engines read them.
#include <filesystem>

#include "opskit/cr/dispatch/export.hpp"

namespace fs = std::filesystem;

namespace opskit::cr {

ExportOptions export_options_from(const Config& config, const fs::path& store_path, const fs::path& data_dir) {
    ExportOptions o;
    o.store_path = store_path;
    o.data_dir = fs::absolute(data_dir);
    if (config.is_set("crctl.spool")) o.spool = fs::absolute(config.get_string("crctl.spool"));
    o.swarm.constraint_template = config.get_string("crctl.swarm_constraint");
    o.podman.kind = RuntimeKind::podman;
    o.podman.program = config.is_set("crctl.runtime_program") ? config.get_string("crctl.runtime_program")
                                                              : default_runtime_program(RuntimeKind::podman);
    o.podman.extra_args = config.get_list("crctl.engine_args");
    o.slurm.sbatch = config.get_string("crctl.slurm_sbatch");
    o.slurm.sbatch_args = config.get_list("crctl.slurm_sbatch_args");  // checked when substituted
    o.slurm.crctl_program = config.is_set("crctl.slurm_crctl") ? config.get_string("crctl.slurm_crctl") : default_crctl_program();
    return o;
}

}  // namespace opskit::cr
