// libFuzzer target for what a dispatcher reads back from the spool and from Slurm: the run
// record (record.json + secrets.json, split at the first NUL byte), the started and finished
// records, and squeue lines. Nodes and disks can leave anything there; every input must be
// refused with Error(failed) or decode into a record that encodes and decodes to itself.
// fuzz_cr_spool -max_total_time=600 CORPUS_DIR tests/fuzz/corpus/cr_spool
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "opskit/core/error.hpp"
#include "opskit/cr/dispatch/slurm.hpp"
#include "opskit/cr/dispatch/spool.hpp"

namespace {

void expect_failed(const opskit::Error& e) {
    if (e.kind() != opskit::ErrorKind::failed) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace opskit::cr;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto nul = text.find('\0');
    const std::string_view pub = text.substr(0, nul);
    const std::string_view sec = nul == std::string_view::npos ? std::string_view("{}") : text.substr(nul + 1);
    try {
        const RunRecord r = decode_run_record(pub, sec);
        const auto [p2, s2] = encode_run_record(r);
        const RunRecord again = decode_run_record(p2, s2);
        if (encode_run_record(again) != std::make_pair(p2, s2)) __builtin_trap();
    } catch (const opskit::Error& e) {
        expect_failed(e);
    }
    try {
        const FinishedRecord f = decode_finished(text);
        if (encode_finished(decode_finished(encode_finished(f))) != encode_finished(f)) __builtin_trap();
    } catch (const opskit::Error& e) {
        expect_failed(e);
    }
    try {
        const StartedRecord s = decode_started(text);
        if (encode_started(decode_started(encode_started(s))) != encode_started(s)) __builtin_trap();
    } catch (const opskit::Error& e) {
        expect_failed(e);
    }
    // squeue output: every line either parses or is skipped, and a parsed job's phase is known
    // or `unknown`, never a crash.
    std::size_t start = 0;
    while (start <= text.size()) {
        const auto end = text.find('\n', start);
        const auto line = text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
        if (const auto job = parse_squeue_line(line)) {
            if (job->name.empty() || job->state.empty()) __builtin_trap();
            (void)slurm_phase(job->state);
            (void)slurm_reason_never_starts(job->reason);
        }
        if (end == std::string_view::npos) break;
        start = end + 1;
    }
    return 0;
}
