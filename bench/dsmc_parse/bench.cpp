// Library-call benchmark of the dsmc parser: reads FILE into memory once, then times, ROUNDS
// times each, (1) the incremental parser handing every record to a sink that only counts
// them (what `bkctl parse` runs on: constant memory), fed in 1 MiB chunks as parse_stream
// reads a file, and (2) parse_output building the whole Report. Prints the best and median
// rate in MB/s (1 MB = 10^6 bytes) with what was found, so the work cannot be optimised
// away. Built and run by bench/dsmc_parse/run; not part of ctest.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "opskit/dsmc/report.hpp"
#include "opskit/dsmc/stream.hpp"

namespace {

/// CPU time of this process: on a loaded machine wall time says little about the parser.
double cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

struct Counter : opskit::dsmc::Sink {
    std::size_t sessions = 0, messages = 0, summaries = 0, tables = 0, rows = 0, lines = 0, bytes = 0;
    void on_session(const opskit::dsmc::Session&) override { ++sessions; }
    void on_message(const opskit::dsmc::Message& m) override {
        ++messages;
        bytes += m.text.size();
    }
    void on_summary(const opskit::dsmc::Summary&) override { ++summaries; }
    void on_table_begin(const opskit::dsmc::Table&) override { ++tables; }
    void on_table_row(const opskit::dsmc::Table&, const opskit::dsmc::TableRow&) override { ++rows; }
    void on_end(const opskit::dsmc::Totals& t) override { lines = t.lines; }
};

void timed(const char* name, const std::string& text, int rounds, const std::function<std::string()>& run) {
    std::vector<double> rates, cpu_rates;
    std::string found;
    for (int i = 0; i < rounds; ++i) {
        const double c0 = cpu_seconds();
        const auto t0 = std::chrono::steady_clock::now();
        found = run();
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        const double c = cpu_seconds() - c0;
        rates.push_back(static_cast<double>(text.size()) / 1e6 / s);
        cpu_rates.push_back(static_cast<double>(text.size()) / 1e6 / c);
    }
    std::sort(rates.begin(), rates.end());
    std::sort(cpu_rates.begin(), cpu_rates.end());
    std::printf("%s: %.0f MB/s best, %.0f MB/s median wall; %.0f MB/s best, %.0f median per CPU second (%d rounds; %s)\n",
                name, rates.back(), rates[rates.size() / 2], cpu_rates.back(), cpu_rates[cpu_rates.size() / 2], rounds,
                found.c_str());
    std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s FILE [ROUNDS]\n", argv[0]);
        return 2;
    }
    const int rounds = argc > 2 ? std::atoi(argv[2]) : 5;
    std::ifstream in(argv[1], std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    const std::string text = ss.str();
    char buf[256];
    timed("library StreamParser (1 MiB chunks, counting sink)", text, rounds, [&] {
        Counter c;
        opskit::dsmc::StreamParser p(c);
        constexpr std::size_t kChunk = std::size_t{1} << 20;
        for (std::size_t at = 0; at < text.size(); at += kChunk) p.feed(std::string_view(text).substr(at, kChunk));
        p.finish();
        std::snprintf(buf, sizeof buf, "%.1f MB, %zu lines, %zu summaries, %zu messages, %zu tables, %zu rows",
                      static_cast<double>(text.size()) / 1e6, c.lines, c.summaries, c.messages, c.tables, c.rows);
        return std::string(buf);
    });
    timed("library parse_output (whole Report)", text, rounds, [&] {
        const opskit::dsmc::Report r = opskit::dsmc::parse_output(text);
        std::snprintf(buf, sizeof buf, "%zu lines, %zu summaries, %zu messages, %zu tables", r.lines, r.summaries.size(),
                      r.messages.size(), r.tables.size());
        return std::string(buf);
    });
    return 0;
}
