// libFuzzer target for the crctl request spec loader: any bytes, read as a YAML or JSON spec
// file and given to create_request on a real (scratch) store, are either refused with an
// opskit::Error or stored as a request that reads back as the same client fields. Each input
// runs in a transaction that is rolled back, so the store stays empty and the run is fast.
// fuzz_request_spec -max_total_time=600 CORPUS_DIR tests/fuzz/corpus/request_spec
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "opskit/core/error.hpp"
#include "opskit/cr/lifecycle/requests.hpp"
#include "opskit/cr/lifecycle/spec.hpp"
#include "opskit/cr/store/store.hpp"

namespace {

// Thrown from inside the transaction to roll back what create_request wrote.
struct Rollback {};

opskit::cr::Store& scratch_store() {
    static opskit::cr::Store store = [] {
        const auto dir = std::filesystem::temp_directory_path() / ("fuzz_request_spec." + std::to_string(::getpid()));
        std::filesystem::create_directories(dir);
        opskit::cr::StoreOptions options;
        options.path = dir / "crctl.db";
        return opskit::cr::Store::open(options);
    }();
    return store;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    opskit::Json spec;
    try {
        spec = opskit::cr::yaml_to_json(text, "fuzz");
        if (!spec.is_object()) return 0;
        spec = opskit::cr::build_spec(spec, opskit::cr::FlagSpec{}, "debian:12");
    } catch (const opskit::Error&) {
        return 0;
    }
    try {
        scratch_store().write([&](opskit::cr::Tx& tx) {
            const auto created = opskit::cr::create_request(tx, spec);
            const auto again = opskit::cr::get_request(tx, created.uuid);
            if (opskit::cr::to_json(again) != opskit::cr::to_json(created)) __builtin_trap();
            throw Rollback{};
        });
    } catch (const Rollback&) {
    } catch (const opskit::Error&) {
    }
    return 0;
}
