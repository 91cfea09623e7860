// Benchmark of the local dispatcher with the host runtime: N trivial containers (`true`)
// from commit to Complete, against the cost of the sandbox alone (bwrap starting `true`
// with the same argv the dispatcher builds). Reports total time, time per container, and
// the dispatcher's overhead per container beyond the sandbox start. Not run by ctest.
#include <stdlib.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

#include "opskit/core/process.hpp"
#include "opskit/cr/collections/collection.hpp"
#include "opskit/cr/lifecycle/containers.hpp"
#include "opskit/cr/dispatch/engine_dispatch.hpp"
#include "opskit/cr/dispatch/local/local_engine.hpp"
#include "opskit/cr/dispatch/local/host_resources.hpp"
#include "opskit/cr/lifecycle/requests.hpp"
#include "opskit/cr/runtime/runtime.hpp"

namespace fs = std::filesystem;
using namespace opskit;
using namespace opskit::cr;

static double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

int main(int argc, char** argv) {
    const int n = argc > 1 ? std::atoi(argv[1]) : 1000;
    const int sandbox_runs = 100;
    std::string tmpl = (fs::temp_directory_path() / "crctl-bench-XXXXXX").string();
    const fs::path dir = ::mkdtemp(tmpl.data());
    ::setenv("OPSKIT_LOCK_DIR", (dir / "locks").c_str(), 1);
    StoreOptions so;
    so.path = dir / "crctl.db";
    auto store = Store::open(so);
    const auto host = read_host_resources();

    // 1. The sandbox alone: the exact argv of a trivial container, started and reaped.
    RunSpec spec;
    spec.uuid = "zzzzz-dz642-benchbenchbench";
    spec.command = {"true"};
    spec.image = "host";
    spec.cwd = "/tmp";
    spec.mounts = Json{{"/out", {{"kind", "tmp"}}}};
    spec.output_path = "/out";
    CollectionStorage storage(store.data_dir());
    const auto mounts = prepare_mounts(spec, dir / "sandbox-probe", storage);
    ProcessSpec ps;
    ps.argv = sandbox_argv(spec, mounts, scan_root("/"));
    auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < sandbox_runs; ++i)
        if (!run_process(ps).success()) {
            std::fprintf(stderr, "bench: the sandbox does not run here\n");
            return 7;
        }
    const double sandbox_ms = seconds_since(t0) * 1000 / sandbox_runs;

    // 2. Commit N distinct trivial requests (distinct so none is reused).
    t0 = std::chrono::steady_clock::now();
    store.write([&](Tx& tx) {
        for (int i = 0; i < n; ++i)
            create_request(tx, Json{{"command", {"true", std::to_string(i)}},
                                    {"container_image", "host"},
                                    {"cwd", "/tmp"},
                                    {"mounts", {{"/out", {{"kind", "tmp"}}}}},
                                    {"output_path", "/out"},
                                    {"runtime_constraints", {{"vcpus", 1}, {"ram", 16 << 20}}},
                                    {"priority", 500},
                                    {"state", "Committed"}});
    });
    const double commit_s = seconds_since(t0);

    // 3. Dispatch them all, one --once run.
    EngineDispatchOptions o;
    o.poll_interval = Duration(10);
    t0 = std::chrono::steady_clock::now();
    const auto engine = make_local_engine(store, LocalEngineOptions{});
    const auto summary = EngineDispatcher(store, *engine, o).run();
    const double dispatch_s = seconds_since(t0);
    const auto complete = store.read([&](Tx& tx) {
        ContainerFilter f;
        f.state = ContainerState::complete;
        return list_containers(tx, f).size();
    });

    const int lanes = host.vcpus;
    const double per_container_ms = dispatch_s * 1000 / n;
    std::printf("containers            %d (complete: %zu, started: %d)\n", n, complete, summary.started);
    std::printf("host vcpus (lanes)    %d\n", lanes);
    std::printf("commit               %8.3f s\n", commit_s);
    std::printf("dispatch to Complete %8.3f s  (target <= 10 s for 1000)\n", dispatch_s);
    std::printf("per container        %8.3f ms wall\n", per_container_ms);
    std::printf("sandbox start alone  %8.3f ms (bwrap + true, %d runs, sequential)\n", sandbox_ms, sandbox_runs);
    std::printf("overhead/container   %8.3f ms (wall x lanes - sandbox)\n", per_container_ms * lanes - sandbox_ms);
    std::error_code ec;
    fs::remove_all(dir, ec);
    return complete == static_cast<std::size_t>(n) ? 0 : 1;
}
