// load_yaml(): the YAML reader plugin hands back yaml-cpp's document as plain data, with the
// positions, tags and order the config loader and the spec reader report from.
#include <catch2/catch.hpp>

#include "core/yaml_tree.hpp"

using opskit::detail::load_yaml;
using opskit::detail::YamlNode;
using opskit::detail::YamlSyntaxError;

TEST_CASE("load_yaml keeps kinds, texts, tags, positions and order", "[core][yaml]") {
    const YamlNode root = load_yaml("a: 1\nb: 'quoted'\nc: [x, ~]\nd:\n  e: null\na: again\n");
    REQUIRE(root.is_map());
    REQUIRE(root.items.size() == 10);  // five entries, the repeated key kept as yaml-cpp keeps it
    CHECK(root.items[0].text == "a");
    CHECK(root.items[0].line == 1);
    CHECK(root.items[1].text == "1");
    CHECK(root.items[1].tag == "?");
    CHECK(root.items[1].column == 4);
    CHECK(root.items[3].text == "quoted");
    CHECK(root.items[3].tag == "!");
    CHECK(root.items[3].line == 2);
    const YamlNode& list = root.items[5];
    REQUIRE(list.is_sequence());
    REQUIRE(list.items.size() == 2);
    CHECK(list.items[0].text == "x");
    CHECK(list.items[1].is_null());
    const YamlNode& nested = root.items[7];
    REQUIRE(nested.is_map());
    CHECK(nested.line == 5);
    CHECK(nested.items[1].is_null());
    CHECK(root.items[8].text == "a");
    CHECK(root.items[9].text == "again");
    CHECK(root.items[9].line == 6);
}

TEST_CASE("load_yaml of an empty text is a null document", "[core][yaml]") {
    CHECK(load_yaml("").is_null());
    CHECK(load_yaml("# only a comment\n").is_null());
}

TEST_CASE("load_yaml refuses what is not YAML with yaml-cpp's message and line", "[core][yaml]") {
    try {
        load_yaml("a: 1\nb: [unclosed\n");
        FAIL("no error");
    } catch (const YamlSyntaxError& e) {
        CHECK(e.line() >= 2);
        CHECK(std::string(e.what()).rfind("yaml-cpp: error at line ", 0) == 0);
        CHECK_FALSE(e.message().empty());
        CHECK(std::string(e.what()).find(e.message()) != std::string::npos);
    }
}
