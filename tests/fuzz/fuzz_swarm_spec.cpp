// libFuzzer target for `crctl request create --from-swarm` input: any bytes, read as JSON
// or YAML ServiceSpec text, must either be refused with an opskit::Error or become request
// fields that name a command and an image — no crash, sanitizer report or hang.
// Seed it with a few specs: fuzz_swarm_spec -max_total_time=600 CORPUS_DIR
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "opskit/core/error.hpp"
#include "opskit/cr/dispatch/swarm/service_spec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        const opskit::Json spec = opskit::cr::swarm::parse_service_spec(text, "fuzz");
        const opskit::Json req = opskit::cr::swarm::request_from_service_spec(spec, "fuzz");
        if (!req.contains("command") || !req["command"].is_array() || req["command"].empty()) __builtin_trap();
        if (!req.contains("container_image") || !req.contains("output_path")) __builtin_trap();
        if (!req["mounts"].contains(req["output_path"].get<std::string>())) __builtin_trap();
        (void)req.dump(-1, ' ', false, opskit::Json::error_handler_t::replace);
    } catch (const opskit::Error&) {
    }
    return 0;
}
