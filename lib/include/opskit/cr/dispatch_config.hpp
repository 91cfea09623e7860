// How the crctl configuration section becomes store and dispatcher options, in one place,
// so `crctl dispatch`, `crctl run`, `crctl collection` and `crctl gc` read the same keys the
// same way (crctl.store, crctl.runtime, crctl.runtime_program, crctl.engine_args, …).
#pragma once

#include "opskit/core/config.hpp"
#include "opskit/cr/dispatch.hpp"
#include "opskit/cr/store.hpp"

namespace opskit::cr {

/// Store options from `crctl.store`, `crctl.cluster_id`, `crctl.busy_timeout`,
/// `crctl.max_dispatch_attempts`, `crctl.container_count_max`; with an engine runtime
/// configured, container_image is resolved to the engine's image id at commit.
StoreOptions store_options_from(const Config& config);

/// Dispatcher options from `crctl.runtime`, `crctl.runtime_program`, `crctl.engine_args`,
/// `crctl.max_parallel`, `crctl.poll_interval`, `crctl.kill_grace`.
DispatchOptions dispatch_options_from(const Config& config);

}  // namespace opskit::cr
