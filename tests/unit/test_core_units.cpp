// Durations and sizes: every accepted spelling and the errors for bad input.
#include <catch2/catch.hpp>

#include "opskit/core/error.hpp"
#include "opskit/core/units.hpp"

using namespace opskit;
using namespace std::chrono_literals;

TEST_CASE("durations accept the documented spellings", "[core][units]") {
    CHECK(parse_duration("90") == 90s);
    CHECK(parse_duration("90s") == 90s);
    CHECK(parse_duration("5m") == 5min);
    CHECK(parse_duration("2h") == 2h);
    CHECK(parse_duration("1d") == 24h);
    CHECK(parse_duration("1.5s") == 1500ms);
    CHECK(parse_duration("0") == 0s);
}

TEST_CASE("bad durations are usage errors naming the input", "[core][units]") {
    for (const char* bad : {"", "s", "5x", "-1", "1..2", "abc", "5 mins", ".5", "5."}) {
        try {
            parse_duration(bad);
            FAIL("accepted " << bad);
        } catch (const Error& e) {
            CHECK(e.kind() == ErrorKind::usage);
            CHECK(std::string(e.what()).find(std::string("(") + bad + ")") != std::string::npos);
        }
    }
}

TEST_CASE("sizes are bytes or powers of 1024 in both spellings", "[core][units]") {
    CHECK(parse_size("512") == 512);
    CHECK(parse_size("4K") == 4096);
    CHECK(parse_size("4KiB") == 4096);
    CHECK(parse_size("1M") == 1048576);
    CHECK(parse_size("1MiB") == 1048576);
    CHECK(parse_size("2G") == 2ull << 30);
    CHECK(parse_size("2GiB") == 2ull << 30);
    CHECK(parse_size("1T") == 1ull << 40);
    CHECK(parse_size("1TiB") == 1ull << 40);
    CHECK(parse_size("1.5K") == 1536);
}

TEST_CASE("bad sizes are usage errors", "[core][units]") {
    for (const char* bad : {"", "K", "4X", "-4", "4 PB", "1.5", "99999999999T"}) {
        CHECK_THROWS_AS(parse_size(bad), Error);
    }
}

// Found while writing fuzz_units: sizes between 8 EiB and 16 EiB went through a signed
// 64-bit rounding and came back as garbage instead of the byte count.
TEST_CASE("sizes up to 16 EiB are exact, 16 EiB and more are too large", "[core][units]") {
    CHECK(parse_size("10000000T") == 10000000ull << 40);
    CHECK(parse_size("16777215T") == 16777215ull << 40);
    CHECK_THROWS_AS(parse_size("16777216T"), Error);  // exactly 2^64 bytes
}

TEST_CASE("durations format back to their shortest spelling", "[core][units]") {
    CHECK(format_duration(90s) == "90s");
    CHECK(format_duration(5min) == "5m");
    CHECK(format_duration(24h) == "1d");
    CHECK(format_duration(1500ms) == "1.5s");
    CHECK(format_size(512) == "512 B");
    CHECK(format_size(1536) == "1.5 KiB");
}
