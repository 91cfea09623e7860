// The output layer's YAML writer: its layout, and that yaml-cpp (the reader the config
// loader uses) loads back every value it writes, strings exactly, over hostile text.
#include <catch2/catch.hpp>

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <random>

#include "opskit/core/output.hpp"

using namespace opskit;

namespace {

/// Structure and strings of `node` against `value` (numbers, booleans and null by text:
/// yaml-cpp's nodes are untyped).
bool same(const YAML::Node& node, const Json& value, std::string& why) {
    switch (value.type()) {
    case Json::value_t::object:
        if (!node.IsMap() || node.size() != value.size()) return why = "map size at " + value.dump(), false;
        for (const auto& [k, v] : value.items()) {
            if (!node[k]) return why = "missing key " + k, false;
            if (!same(node[k], v, why)) return false;
        }
        return true;
    case Json::value_t::array:
        if (!node.IsSequence() || node.size() != value.size()) return why = "sequence size at " + value.dump(), false;
        for (std::size_t i = 0; i < value.size(); ++i)
            if (!same(node[i], value[i], why)) return false;
        return true;
    case Json::value_t::null:
        return node.IsNull() || (why = "not null: " + value.dump(), false);
    case Json::value_t::string:
        if (node.IsScalar() && node.as<std::string>() == value.get<std::string>()) return true;
        return why = "string " + value.dump(), false;
    default:
        if (node.IsScalar() && node.as<std::string>() == value.dump()) return true;
        return why = "scalar " + value.dump(), false;
    }
}

void check_round_trip(const Json& value) {
    const std::string text = to_yaml(value);
    INFO(text);
    YAML::Node node;
    REQUIRE_NOTHROW(node = YAML::Load(text));
    std::string why;
    if (!same(node, value, why)) FAIL_CHECK(why);
}

}  // namespace

TEST_CASE("yaml: block layout, indent two, empty collections inline", "[core][output][yaml]") {
    const Json v = Json::parse(R"({"a":1,"b":[1,"x",{"c":null,"d":[]}],"e":{},"j":[[1,2],[3]],"l":true,"k":-2.5})");
    CHECK(to_yaml(v) ==
          "a: 1\n"
          "b:\n"
          "  - 1\n"
          "  - x\n"
          "  - c: ~\n"
          "    d: []\n"
          "e: {}\n"
          "j:\n"
          "  - - 1\n"
          "    - 2\n"
          "  - - 3\n"
          "k: -2.5\n"
          "l: true\n");
    // Numbers as the JSON output spells them, at the ends of their ranges too.
    const Json numbers = {{"min", INT64_MIN}, {"max", UINT64_MAX}, {"zero", 0}, {"f", 0.1}, {"e", 1e300}};
    CHECK(to_yaml(numbers) == "e: " + numbers["e"].dump() + "\nf: 0.1\nmax: 18446744073709551615\n"
                                                           "min: -9223372036854775808\nzero: 0\n");
    CHECK(to_yaml(Json::array()) == "[]\n");
    CHECK(to_yaml(Json("plain")) == "plain\n");
    CHECK(to_yaml(Json("yes")) == "\"yes\"\n");
}

TEST_CASE("yaml: strings that would read back differently are double-quoted and escaped", "[core][output][yaml]") {
    CHECK(to_yaml(Json{{"s", "multi\nline"}}) == "s: \"multi\\nline\"\n");
    CHECK(to_yaml(Json{{"s", "tab\there"}}) == "s: \"tab\\there\"\n");
    CHECK(to_yaml(Json{{"s", "say \"hi\""}}) == "s: say \"hi\"\n");  // plain: a quote inside is text
    CHECK(to_yaml(Json{{"key: odd", "v"}}) == "\"key: odd\": v\n");
    CHECK(to_yaml(Json{{"s", std::string("bell\x07")}}) == "s: \"bell\\x07\"\n");
    CHECK(to_yaml(Json{{"s", "\u00fcn\u00ef"}}) == "s: \u00fcn\u00ef\n");
    // Bytes that are not UTF-8 become U+FFFD, as in the JSON output.
    CHECK(to_yaml(Json{{"s", std::string("a\xff" "b")}}) == "s: \"a\\uFFFDb\"\n");
}

TEST_CASE("yaml: yaml-cpp loads back what is written, over tricky and random text", "[core][output][yaml]") {
    const std::vector<std::string> tricky{
        "", " ", "a ", " a", "-", "- a", "-1", "+1", ".5", "1e5", "0x1F", "~", "null", "Null", "TRUE", "off", "y", "n",
        ":", "a:", "a: b", "a:b", "#", "a #b", "a#b", "?", "? a", "!tag", "&anchor", "*alias", "|", ">", "'", "\"",
        "%", "@", "`", "{", "}", "[", "]", ",", "a, b", "[a]", "{a: 1}", "\\", "a\\nb", "\n", "\r\n", "a\rb",
        "\t", "\x01", "\x7f", "\u00e9t\u00e9", "\u2028", "\xef\xbb\xbf" "bom", "k: v # c", "--- doc", "...", "=",
        "<<", "ANS1228E Sending of object '/x' failed", "C:\\Program Files\\", "/var/log/dsmsched.log",
    };
    Json doc = Json::object();
    Json list = Json::array();
    for (const auto& s : tricky) {
        list.push_back(s);
        doc["k" + std::to_string(doc.size())] = s;
        check_round_trip(Json(s));
        check_round_trip(Json{{s.empty() ? std::string("empty") : s, s}});
    }
    check_round_trip(doc);
    check_round_trip(Json{{"nested", {{"list", list}, {"maps", Json::array({doc, Json::object(), Json::array()})}}}});

    // Random printable-ASCII-and-UTF-8 strings, as keys and as values.
    std::mt19937 rng(14);
    const std::string alphabet = " \t\n:#-?!&*|>'\"%@`{}[],.~\\/0123456789abcxyzAEN\xc3\xa9";
    for (int round = 0; round < 2000; ++round) {
        std::string s;
        const int length = static_cast<int>(rng() % 12);
        for (int i = 0; i < length; ++i) {
            const char c = alphabet[rng() % alphabet.size()];
            if (c == '\xc3') s += "\xc3\xa9";  // keep the two-byte é whole
            else if (c != '\xa9') s += c;
        }
        check_round_trip(Json::array({s}));
        if (!s.empty()) check_round_trip(Json{{s, {{"v", s}}}});
    }
}
