// libFuzzer target for the duration and size parsers every option and config value goes
// through: any text is either refused with Error(usage) or parsed, and a parsed duration
// survives format_duration → parse_duration unchanged (the shortest spelling is exact).
// fuzz_units -max_total_time=600 CORPUS_DIR
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "opskit/core/error.hpp"
#include "opskit/core/units.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        const opskit::Duration d = opskit::parse_duration(text);
        if (d.count() < 0) __builtin_trap();
        if (opskit::parse_duration(opskit::format_duration(d)) != d) __builtin_trap();
    } catch (const opskit::Error& e) {
        if (e.kind() != opskit::ErrorKind::usage) __builtin_trap();
    }
    try {
        const std::uint64_t bytes = opskit::parse_size(text);
        (void)opskit::format_size(bytes);
    } catch (const opskit::Error& e) {
        if (e.kind() != opskit::ErrorKind::usage) __builtin_trap();
    }
    return 0;
}
