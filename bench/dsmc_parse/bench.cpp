// Library-call benchmark of the dsmc parser: reads FILE into memory once, then times
// opskit::dsmc::parse_output over it ROUNDS times and prints the best and median rate in
// MB/s (1 MB = 10^6 bytes) with what was found, so the work cannot be optimised away.
// Built and run by bench/dsmc_parse/run; not part of ctest.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "opskit/dsmc/report.hpp"

/// CPU time of this process: on a loaded machine wall time says little about the parser.
static double cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

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
    std::vector<double> rates, cpu_rates;
    std::size_t summaries = 0, messages = 0, tables = 0, lines = 0;
    for (int i = 0; i < rounds; ++i) {
        const double c0 = cpu_seconds();
        const auto t0 = std::chrono::steady_clock::now();
        const opskit::dsmc::Report r = opskit::dsmc::parse_output(text);
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        const double c = cpu_seconds() - c0;
        rates.push_back(static_cast<double>(text.size()) / 1e6 / s);
        cpu_rates.push_back(static_cast<double>(text.size()) / 1e6 / c);
        summaries = r.summaries.size();
        messages = r.messages.size();
        tables = r.tables.size();
        lines = r.lines;
    }
    std::sort(rates.begin(), rates.end());
    std::sort(cpu_rates.begin(), cpu_rates.end());
    std::printf("library parse_output: %.0f MB/s best, %.0f MB/s median wall; %.0f MB/s best per CPU second "
                "(%d rounds; %.1f MB, %zu lines, %zu summaries, %zu messages, %zu tables)\n",
                rates.back(), rates[rates.size() / 2], cpu_rates.back(), rounds, static_cast<double>(text.size()) / 1e6,
                lines, summaries, messages, tables);
    return 0;
}
