// Conversion speed of the swarm engine's pure part: containers → ServiceSpec JSON and
// ServiceSpec → request fields, in specs per second (aim ≥ 100k/s each way). run.sh runs it
// first, then the containers-through-a-real-swarm comparison.
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "opskit/cr/dispatch/swarm/service_spec.hpp"

using namespace opskit;
using namespace opskit::cr;

int main(int argc, char** argv) {
    const long n = argc > 1 ? std::atol(argv[1]) : 200000;
    RunSpec s;
    s.command = {"sh", "-c", "echo hi > /out/x"};
    s.image = "bb:1";
    s.cwd = "/tmp";
    s.environment = {{"A", "1"}, {"PATH", "/usr/bin:/bin"}};
    s.mounts = Json{{"/out", {{"kind", "tmp"}}}, {"/data", {{"kind", "host"}, {"path", "/srv/data"}, {"writable", false}}}};
    s.output_path = "/out";
    s.vcpus = 2;
    s.ram = 1 << 28;
    s.partitions = {"big"};
    PreparedMounts m;
    m.bindings = {Binding{"/srv/data", "/data", false, "host"}, Binding{"/spool/x/out", "/out", true, "tmp"}};
    using clock = std::chrono::steady_clock;
    std::size_t bytes = 0;
    auto t0 = clock::now();
    Json last;
    for (long i = 0; i < n; ++i) {
        s.uuid = "zzzzz-dz642-" + std::to_string(100000000000000 + i);
        last = swarm::to_service_spec(s, m);
        bytes += last.size();
    }
    const double fwd = std::chrono::duration<double>(clock::now() - t0).count();
    t0 = clock::now();
    for (long i = 0; i < n; ++i) bytes += swarm::request_from_service_spec(last).size();
    const double back = std::chrono::duration<double>(clock::now() - t0).count();
    std::printf("container -> ServiceSpec: %.0f specs/s (%ld in %.2f s)\n", n / fwd, n, fwd);
    std::printf("ServiceSpec -> request:   %.0f specs/s (%ld in %.2f s)\n", n / back, n, back);
    return bytes == 0;
}
