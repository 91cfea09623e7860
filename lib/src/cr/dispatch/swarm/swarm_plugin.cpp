// make_engine(): checks the options, then loads the Swarm engine's plugin
// (libopskit-cr-swarm, lib/src/cr/dispatch/swarm/engine/) on first use, so libcurl and what
// it links are mapped only by a dispatcher that drives a swarm.
#include "opskit/core/error.hpp"
#include "opskit/core/plugin.hpp"
#include "opskit/cr/dispatch/swarm/swarm_engine.hpp"

namespace opskit::cr::swarm {

std::unique_ptr<Engine> make_engine(SwarmEngineOptions options) {
    parse_docker_host(options.host);  // a bad host is a usage error before anything loads
    if (options.spool.empty())
        throw Error(ErrorKind::usage, "missing setting", "crctl.spool",
                    "the Swarm engine prepares each container's mounts in a spool folder every node mounts");
    using OpenFn = Engine* (*)(const SwarmEngineOptions&);
    const auto open = reinterpret_cast<OpenFn>(load_plugin_symbol(
        reinterpret_cast<const void*>(&make_engine), OPSKIT_CR_SWARM_PLUGIN, "opskit_cr_swarm_engine", "load the Swarm engine"));
    return std::unique_ptr<Engine>(open(options));
}

}  // namespace opskit::cr::swarm
