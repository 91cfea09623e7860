// libFuzzer target for the dsmc output parser: any bytes must parse without a crash, a
// sanitizer report or a hang, and the report must always serialise to JSON. The input is
// also fed to the incremental parser split at a point taken from the data (lines and CRLF
// pairs cut anywhere), which must give the same report as the whole input at once.
// Seed it with tests/data/dsmc: fuzz_dsmc_parse -max_total_time=600 CORPUS_DIR tests/data/dsmc
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "opskit/dsmc/report.hpp"
#include "opskit/dsmc/stream.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const opskit::dsmc::Report report = opskit::dsmc::parse_output(text);
    const std::string json = opskit::dsmc::to_json(report).dump(-1, ' ', false, opskit::Json::error_handler_t::replace);
    const std::string view =
        opskit::dsmc::to_table_view(report).dump(-1, ' ', false, opskit::Json::error_handler_t::replace);
    if (json.empty() || view.empty()) __builtin_trap();
    if (report.lines > size + 1) __builtin_trap();

    // The same bytes in three chunks: [0, cut), then one byte, then the rest.
    const std::size_t cut = size == 0 ? 0 : data[0] % size;
    opskit::dsmc::ReportSink sink;
    opskit::dsmc::StreamParser parser(sink);
    parser.feed(text.substr(0, cut));
    if (cut < size) parser.feed(text.substr(cut, 1));
    if (cut + 1 < size) parser.feed(text.substr(cut + 1));
    parser.finish();
    const std::string streamed =
        opskit::dsmc::to_json(sink.take()).dump(-1, ' ', false, opskit::Json::error_handler_t::replace);
    if (streamed != json) __builtin_trap();
    return 0;
}
