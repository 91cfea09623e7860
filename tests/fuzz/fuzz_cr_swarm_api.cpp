// libFuzzer target for what the Swarm engine reads from the Docker Engine API: the bytes are
// read as a GET /services or GET /tasks answer (JSON), as a service's multiplexed log
// stream, and as a Docker host, at once. Each must be skipped, refused with an
// opskit::Error, or read into values that keep their promises — no crash, sanitizer report
// or hang. Seeds: tests/fuzz/corpus/cr_swarm_api.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "opskit/core/error.hpp"
#include "opskit/cr/dispatch/swarm/swarm_engine.hpp"
#include "opskit/cr/lifecycle/model.hpp"

using namespace opskit::cr;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto json = opskit::Json::parse(text, nullptr, /*allow_exceptions=*/false);
    for (const auto& s : swarm::read_services(json))
        if (s.id.empty() || !is_uuid(s.uuid, container_infix)) __builtin_trap();
    for (const auto& [service_id, task] : swarm::latest_tasks(json)) {
        if (service_id != task.service_id || task.id.empty()) __builtin_trap();
        const auto end = swarm::task_end(task);
        if (end.exit_code.has_value() == end.error.has_value()) __builtin_trap();  // exactly one
        const auto job = swarm::job_of(swarm::Service{service_id, "zzzzz-dz642-000000000000001", {}}, &task);
        if (job.phase != swarm::task_phase(task.state)) __builtin_trap();
    }
    const auto logs = swarm::demux_logs(text);
    if (logs.out.size() + logs.err.size() > size) __builtin_trap();
    try {
        const auto e = swarm::parse_docker_host(text);
        if (e.base_url.empty()) __builtin_trap();
    } catch (const opskit::Error&) {
    }
    return 0;
}
