// The streaming YAML writer of `bkctl -o yaml parse` against the output layer's to_yaml:
// driven through its SAX interface with the events of a Json value, it must print what
// to_yaml prints for that value as an item of a top-level list, whatever the value holds.
#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>
#include <random>
#include <string>

#include "dsmc/yaml_writer.hpp"
#include "opskit/core/output.hpp"

using namespace opskit;
using namespace opskit::dsmc::detail;

namespace {

/// The writer's events for `v`; keys as Key() or, with `keys_as_strings`, as String().
void events(YamlWriter& w, const Json& v, bool keys_as_strings) {
    switch (v.type()) {
    case Json::value_t::object:
        w.StartObject();
        for (const auto& [k, item] : v.items()) {
            if (keys_as_strings) w.String(k);
            else w.Key(k);
            events(w, item, keys_as_strings);
        }
        w.EndObject();
        break;
    case Json::value_t::array:
        w.StartArray();
        for (const auto& item : v) events(w, item, keys_as_strings);
        w.EndArray();
        break;
    case Json::value_t::string: w.String(v.get_ref<const std::string&>()); break;
    case Json::value_t::null: w.Null(); break;
    case Json::value_t::boolean: w.Bool(v.get<bool>()); break;
    case Json::value_t::number_integer: w.Int64(v.get<std::int64_t>()); break;
    case Json::value_t::number_unsigned: w.Uint64(v.get<std::uint64_t>()); break;
    default: w.Double(v.get<double>()); break;
    }
}

/// to_yaml's text of `v` as an item of a list whose `-` stand at column `indent`.
std::string item(const Json& v, int indent) {
    const std::string text = to_yaml(v);
    const std::string first = std::string(static_cast<std::size_t>(indent), ' ') + "- ";
    const std::string rest(static_cast<std::size_t>(indent) + 2, ' ');
    std::string out;
    std::size_t at = 0;
    while (at < text.size()) {
        const std::size_t nl = text.find('\n', at);
        out += (at == 0 ? first : rest) + text.substr(at, nl - at + 1);
        at = nl + 1;
    }
    return out;
}

std::string written(const Json& v, int indent, bool keys_as_strings = false) {
    YamlWriter w(indent);
    events(w, v, keys_as_strings);
    return std::string(w.text());
}

Json::object_t object(std::initializer_list<std::pair<const std::string, Json>> members) { return Json::object_t(members); }

}  // namespace

TEST_CASE("dsmc yaml writer: prints what to_yaml prints, as a list item", "[dsmc][yaml]") {
    const std::vector<Json> values = {
        Json::object(),
        Json::array(),
        Json(nullptr),
        Json("plain text"),
        Json::parse(R"({"a":{},"b":[],"c":null,"d":true,"e":-3,"f":18446744073709551615})"),
        Json::parse(R"({"list":[{"x":1,"y":{"z":[]}},[1,[2,{}]],[],{},null,"s"]})"),
        Json::parse(R"([[{"a":1}],{"b":{"c":{"d":"deep"}}}])"),
        Json::parse(R"({"reals":[0.1,100.0,-0.0,1e16,1e-5,205649.92,1.5e300]})"),
        Json(object({{"needs quotes", Json::array({"", "yes", "No", "~", "1.5", "-1", ".5", "3 apples", ": x", "x:",
                                                   "a: b", "a #b", " lead", "trail ", "- item", "#c", "...", "\xEF\xBB\xBF" "bom",
                                                   "quote \" and \\ back", "tab\there", "bell\x07", "del\x7F"})},
                     {"invalid utf-8", Json::array({"\xFF", "ok \xC3\x28 bad", "\xE2\x82", "euro \xE2\x82\xAC"})},
                     {"multi-line", Json::array({"two\nlines", "crlf\r\nend", "\n", "3\nx"})},
                     {"key: quoted", 1},
                     {"yes", 2},
                     {"bad \xFF key", 3},
                     {"", 4}})),
    };
    for (const Json& v : values) {
        INFO(to_yaml(v));
        CHECK(written(v, 2) == item(v, 2));
        CHECK(written(v, 6) == item(v, 6));
        CHECK(written(v, 2, true) == item(v, 2));  // a string where a key is due is the key
    }
}

TEST_CASE("dsmc yaml writer: doubles as the JSON output spells them", "[dsmc][yaml]") {
    std::mt19937_64 random(20240913);
    for (int i = 0; i < 4000; ++i) {
        const std::uint64_t bits = random();
        double v = 0;
        std::memcpy(&v, &bits, sizeof v);  // any double, NaN and infinities included
        if (i % 2 == 1) v = static_cast<double>(bits % 100000000) / 100.0;  // figures as dsmc prints them
        YamlWriter w(2);
        w.Double(v);
        CHECK(w.text() == "  - " + Json(v).dump() + "\n");
    }
}

TEST_CASE("dsmc yaml writer: the records of a list, one after another", "[dsmc][yaml]") {
    YamlWriter w(2);
    w.StartObject();
    w.Key("kind"), w.String("query_backup");
    w.Key("rows"), w.StartArray();
    w.EndArray(), w.EndObject();
    w.StartObject();
    w.Key("rows"), w.StartArray();
    w.StartObject(), w.Key("name"), w.String("/a"), w.EndObject();
    w.StartObject(), w.Key("name"), w.Null(), w.EndObject();
    w.EndArray(), w.EndObject();
    w.Null();
    for (int i = 0; i < 2; ++i) {  // a schema key the rules quote is quoted every time; "ye" at its address is not
        static constexpr std::string_view kYes = "yes";
        w.StartObject(), w.SchemaKey(kYes), w.Null(), w.SchemaKey(kYes.substr(0, 2)), w.Null(), w.EndObject();
    }
    CHECK(w.text() ==
          "  - kind: query_backup\n"
          "    rows: []\n"
          "  - rows:\n"
          "      - name: /a\n"
          "      - name: ~\n"
          "  - ~\n"
          "  - \"yes\": ~\n"
          "    ye: ~\n"
          "  - \"yes\": ~\n"
          "    ye: ~\n");
}
