// How the crctl configuration section becomes store and dispatcher options, in one place,
// so `crctl dispatch`, `crctl run`, `crctl collection` and `crctl gc` read the same keys the
// same way (crctl.store, crctl.runtime, crctl.runtime_program, crctl.engine_args, …).
#pragma once

#include "opskit/core/config.hpp"
#include <memory>
#include <string_view>

#include "opskit/cr/dispatch/engine.hpp"
#include "opskit/cr/dispatch/engine_dispatch.hpp"
#include "opskit/cr/dispatch/local/local_engine.hpp"
#include "opskit/cr/dispatch/slurm.hpp"
#include "opskit/cr/dispatch/swarm/swarm_engine.hpp"
#include "opskit/cr/store/store.hpp"

namespace opskit::cr {

/// Store options from `crctl.store`, `crctl.cluster_id`, `crctl.busy_timeout`,
/// `crctl.max_dispatch_attempts`, `crctl.container_count_max`; with an engine runtime
/// configured, container_image is resolved to the engine's image id at commit.
StoreOptions store_options_from(const Config& config);

/// Local engine options from `crctl.runtime`, `crctl.runtime_program`, `crctl.engine_args`,
/// `crctl.max_parallel`, `crctl.kill_grace` (the runtime keys also choose the node-local
/// runtime of remote engines).
LocalEngineOptions local_engine_options_from(const Config& config);

/// The engines `crctl.engine` accepts, in the order help and completion list them.
const std::vector<std::string>& engine_names();

/// `local`, `slurm` or `swarm`; anything else → Error(usage) naming it.
std::string engine_name_from(const Config& config);

/// Slurm engine options from `crctl.slurm_*` (the batch jobs' crctl: this one unless
/// `crctl.slurm_crctl` says), `crctl.spool` (absolute), the store's data folder and the
/// runtime keys (the node-local runtime). One reading for the engine and `container export`.
SlurmOptions slurm_options_from(const Config& config, const Store& store);

/// Swarm engine options from `crctl.swarm_*` (the host: `crctl.swarm_host`, else
/// $DOCKER_HOST, else the default socket), `crctl.spool` (absolute) and the store's data
/// folder. One reading for the engine and `container export`.
swarm::SwarmEngineOptions swarm_options_from(const Config& config, const Store& store);

/// The engine `name`: `local` from the runtime keys, `slurm` from `crctl.spool`,
/// `crctl.slurm_*` and the runtime keys (the node-local runtime), `swarm` from `crctl.spool`,
/// `crctl.swarm_*` and $DOCKER_HOST; a bad sbatch_args entry, a bad Docker host or a missing
/// spool → Error(usage).
std::unique_ptr<Engine> engine_from(const Config& config, const Store& store, std::string_view name);

/// Loop options from `crctl.poll_interval` and `crctl.submit_backoff`.
EngineDispatchOptions engine_dispatch_options_from(const Config& config);

}  // namespace opskit::cr
