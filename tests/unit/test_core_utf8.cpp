// UTF-8 validity by Unicode's well-formed sequences: the boundary cases that a naive
// "lead byte then continuation bytes" check accepts are refused at the right offset.
#include <catch2/catch.hpp>

#include "opskit/core/utf8.hpp"

using opskit::Json;
using opskit::json_is_valid_utf8;
using opskit::utf8_error_at;

TEST_CASE("well-formed UTF-8 is accepted", "[core][utf8]") {
    for (const char* ok : {"", "ascii", "caf\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xf4\x8f\xbf\xbf",
                           "\xed\x9f\xbf", "\xef\xbf\xbd"})
        CHECK_FALSE(utf8_error_at(ok));
}

TEST_CASE("ill-formed UTF-8 is refused at the first bad sequence", "[core][utf8]") {
    CHECK(utf8_error_at("ab\x80") == 2u);              // lone continuation byte
    CHECK(utf8_error_at("caf\xc3") == 3u);             // truncated at the end
    CHECK(utf8_error_at("\xc0\xaf") == 0u);            // overlong '/'
    CHECK(utf8_error_at("x\xe0\x80\xaf") == 1u);       // overlong 3-byte
    CHECK(utf8_error_at("\xed\xa0\x80") == 0u);        // surrogate U+D800
    CHECK(utf8_error_at("\xf4\x90\x80\x80") == 0u);    // past U+10FFFF
    CHECK(utf8_error_at("\xf5\x80\x80\x80") == 0u);    // no such lead byte
    CHECK(utf8_error_at("\xe2\x82x") == 0u);           // continuation missing mid-sequence
}

TEST_CASE("JSON is valid when every string and key is", "[core][utf8]") {
    CHECK(json_is_valid_utf8(Json{{"a", {1, "b", nullptr, {{"c", "d"}}}}}));
    CHECK_FALSE(json_is_valid_utf8(Json{{"a", {1, "b\xff"}}}));
    CHECK_FALSE(json_is_valid_utf8(Json{{"k\xff", 1}}));
}
