// The crctl config section → store options, engines and loop options (see dispatch_config.hpp).
#include "opskit/cr/dispatch/dispatch_config.hpp"

#include <algorithm>
#include <cstdlib>

#include "opskit/core/error.hpp"
#include "opskit/cr/dispatch/slurm.hpp"
#include "opskit/cr/dispatch/swarm/swarm_engine.hpp"

namespace opskit::cr {

StoreOptions store_options_from(const Config& config) {
    StoreOptions o;
    if (config.is_set("crctl.store")) o.path = config.get_string("crctl.store");
    if (o.path.empty()) o.path = default_store_path();
    o.cluster_id = config.get_string("crctl.cluster_id");
    o.busy_timeout_ms = static_cast<int>(config.get_duration("crctl.busy_timeout").count());
    o.max_dispatch_attempts = static_cast<int>(config.get_int("crctl.max_dispatch_attempts"));
    o.default_container_count_max = static_cast<int>(config.get_int("crctl.container_count_max"));
    const auto kind = parse_runtime_kind(config.get_string("crctl.runtime"));
    if (kind != RuntimeKind::host) {
        EngineOptions engine;
        engine.kind = kind;
        engine.program = config.is_set("crctl.runtime_program") ? config.get_string("crctl.runtime_program")
                                                                 : default_runtime_program(kind);
        o.resolve_image = [engine](const std::string& image) { return resolve_engine_image(engine, image); };
    }
    return o;
}

LocalEngineOptions local_engine_options_from(const Config& config) {
    LocalEngineOptions d;
    d.runtime = parse_runtime_kind(config.get_string("crctl.runtime"));
    if (config.is_set("crctl.runtime_program")) d.program = config.get_string("crctl.runtime_program");
    d.engine_extra_args = config.get_list("crctl.engine_args");
    d.max_parallel = static_cast<int>(config.get_int("crctl.max_parallel"));
    d.kill_grace = config.get_duration("crctl.kill_grace");
    return d;
}

const std::vector<std::string>& engine_names() {
    static const std::vector<std::string> names{"local", "slurm", "swarm"};
    return names;
}

std::string engine_name_from(const Config& config) {
    auto name = config.get_string("crctl.engine");
    const auto& known = engine_names();
    if (std::find(known.begin(), known.end(), name) == known.end())
        throw Error(ErrorKind::usage, "invalid engine", name, "expected local, slurm or swarm");
    return name;
}

SlurmOptions slurm_options_from(const Config& config, const Store& store) {
    SlurmOptions o;
    o.sbatch = config.get_string("crctl.slurm_sbatch");
    o.squeue = config.get_string("crctl.slurm_squeue");
    o.scontrol = config.get_string("crctl.slurm_scontrol");
    o.scancel = config.get_string("crctl.slurm_scancel");
    o.sbatch_args = config.get_list("crctl.slurm_sbatch_args");
    o.nice_spread = config.get_int("crctl.slurm_nice_spread");
    if (config.is_set("crctl.spool")) o.spool = std::filesystem::absolute(config.get_string("crctl.spool"));
    o.crctl_program = config.is_set("crctl.slurm_crctl") ? config.get_string("crctl.slurm_crctl") : default_crctl_program();
    o.data_dir = std::filesystem::absolute(store.data_dir());
    const auto d = local_engine_options_from(config);
    o.runtime = d.runtime;
    o.runtime_program = d.program;
    o.engine_args = d.engine_extra_args;
    return o;
}

swarm::SwarmEngineOptions swarm_options_from(const Config& config, const Store& store) {
    swarm::SwarmEngineOptions o;
    if (config.is_set("crctl.swarm_host")) o.host = config.get_string("crctl.swarm_host");
    else if (const char* env = std::getenv("DOCKER_HOST"); env && *env) o.host = env;  // what the docker CLI uses
    if (config.is_set("crctl.spool")) o.spool = std::filesystem::absolute(config.get_string("crctl.spool"));
    o.data_dir = std::filesystem::absolute(store.data_dir());
    o.service.constraint_template = config.get_string("crctl.swarm_constraint");
    o.max_pending = static_cast<int>(config.get_int("crctl.swarm_max_pending"));
    return o;
}

std::unique_ptr<Engine> engine_from(const Config& config, const Store& store, std::string_view name) {
    if (name == "local") return make_local_engine(store, local_engine_options_from(config));
    if (name == "slurm") return make_slurm_engine(slurm_options_from(config, store));
    if (name == "swarm") return swarm::make_engine(swarm_options_from(config, store));
    throw Error(ErrorKind::usage, "invalid engine", name, "expected local, slurm or swarm");
}

EngineDispatchOptions engine_dispatch_options_from(const Config& config) {
    EngineDispatchOptions e;
    e.poll_interval = config.get_duration("crctl.poll_interval");
    e.backoff = config.get_duration("crctl.submit_backoff");
    return e;
}

}  // namespace opskit::cr
