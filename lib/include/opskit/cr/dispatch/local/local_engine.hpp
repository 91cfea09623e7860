// The local engine: this host as an engine of the dispatcher loop (engine_dispatch.hpp).
// Each container is a child process (an opskit::Subprocess in its own process group, killed
// with us) running the chosen runtime: the host sandbox (bubblewrap), podman or docker.
// Jobs fit around what already runs by this host's CPUs and memory; a request this host can
// never hold is impossible. The holder identity is a lock file this process holds, so the
// next dispatcher can tell the containers of a dead one and sweep them.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "opskit/core/units.hpp"
#include "opskit/cr/dispatch/engine.hpp"
#include "opskit/cr/dispatch/local/host_resources.hpp"
#include "opskit/cr/store/store.hpp"

namespace opskit::cr {

struct LocalEngineOptions {
    RuntimeKind runtime = RuntimeKind::host;
    std::string program;                         ///< runtime program; empty = default_runtime_program()
    std::vector<std::string> engine_extra_args;  ///< podman/docker only, after `run`
    int max_parallel = 0;                        ///< 0 = as many as fit
    Duration kill_grace{10000};                  ///< SIGTERM → SIGKILL when stopping a container
    std::optional<HostResources> host;           ///< instead of /proc (tests)
};

/// `<data_dir>/work/<uuid>`: where the local engine prepares a container's mounts and logs.
std::filesystem::path local_work_dir(const std::filesystem::path& data_dir, std::string_view uuid);

/// The local engine for `store` (work folders under its data dir). Error(busy) when the
/// holder lock file cannot be made.
std::unique_ptr<Engine> make_local_engine(const Store& store, LocalEngineOptions options);

}  // namespace opskit::cr
