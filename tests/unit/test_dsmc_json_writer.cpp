// The record writers' JSON writer specialises two of RapidJSON's stream hooks for its buffer
// (json_writer.hpp): the scan for the next byte to escape and the copy of a raw value. The
// text must stay exactly what RapidJSON's stock StringBuffer writer prints, for any string,
// wherever its escapes fall in its eight-byte words.
#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <string_view>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "dsmc/json_writer.hpp"

using namespace opskit::dsmc::detail;

namespace {

std::string stock_string(std::string_view s) {
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
    return {buf.GetString(), buf.GetSize()};
}

std::size_t first_escape(std::string_view s) {
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x20 || c == '"' || c == '\\') return i;
    }
    return s.size();
}

}  // namespace

TEST_CASE("dsmc json writer: strings are written as RapidJSON's stock writer writes them", "[dsmc][json_writer]") {
    // Plain bytes, every kind of escape, DEL and the bytes of valid UTF-8 (é, €).
    const std::string_view alphabet[] = {"a", "Z", "0", " ", "\x7f", "\"", "\\", "\n", "\t", "\x01", "\x1f", "\xC3\xA9", "\xE2\x82\xAC"};
    std::mt19937 rng(14);
    std::uniform_int_distribution<std::size_t> pick(0, std::size(alphabet) - 1), plain(0, 3), len(0, 40);
    std::string storage(64, 'x');
    for (int round = 0; round < 5000; ++round) {
        std::string s;
        const std::size_t n = len(rng);
        // Mostly plain text with an escape here and there, some strings all escapes.
        const bool dense = round % 4 == 0;
        while (s.size() < n) s += alphabet[dense ? pick(rng) : (plain(rng) == 0 ? pick(rng) : 0)];
        // At every offset from an eight-byte boundary: the scan reads whole words.
        storage.assign(round % 8, 'x').append(s);
        const std::string_view view(storage.data() + round % 8, s.size());
        INFO("round " << round << ": " << stock_string(view));
        CHECK(plain_run(view.data(), view.size()) == first_escape(view));
        JsonWriter<false> w;
        w.String(view);
        CHECK(w.text() == stock_string(view));
    }
}

TEST_CASE("dsmc json writer: raw values and indents as the stock writer places them", "[dsmc][json_writer]") {
    rapidjson::StringBuffer buf;
    rapidjson::PrettyWriter<rapidjson::StringBuffer> stock(buf);
    stock.SetIndent(' ', 2);
    JsonWriter<true> w;
    auto both = [&](auto&& call) { call(stock), call(w); };
    both([](auto& x) { x.StartObject(); });
    both([](auto& x) { x.Key("records"); });
    both([](auto& x) { x.StartArray(); });
    for (int i = 0; i < 3; ++i) {
        both([](auto& x) { x.StartObject(); });
        stock.RawValue("\"kind\"", 6, rapidjson::kStringType);
        w.SchemaKey("kind");
        both([](auto& x) { x.String("a \"quoted\"\ttext"); });
        stock.RawValue("\"line\"", 6, rapidjson::kStringType);
        w.SchemaKey("line");
        both([i](auto& x) { x.Int(i); });
        both([](auto& x) { x.EndObject(); });
    }
    both([](auto& x) { x.EndArray(); });
    both([](auto& x) { x.EndObject(); });
    CHECK(w.text() == std::string_view(buf.GetString(), buf.GetSize()));
}
