// The YAML quoting decision of the output layer (core/yaml_quote) against the std::regex it
// replaced, kept here as the oracle: a table of tricky strings, then every string of up to
// three bytes over an alphabet of the bytes that matter. The yaml output of all three tools
// depends on this decision, so it must stay exactly what it was.
#include <catch2/catch.hpp>

#include <regex>
#include <string>
#include <vector>

#include "core/yaml_quote.hpp"

using opskit::detail::yaml_needs_quotes;

namespace {

// The former output.cpp check, verbatim in behaviour (ECMAScript, case-insensitive).
bool regex_needs_quotes(const std::string& s) {
    static const std::regex special(
        R"(^$|^[-+]?(\.?[0-9].*)$|^(true|false|yes|no|on|off|null|~|y|n)$|^[\s:?\-!&*#|>'"%@`{}\[\],]|:\s|\s#|\s$|:$)",
        std::regex::icase);
    return std::regex_search(s, special);
}

}  // namespace

TEST_CASE("yaml quoting decides as the former regex on tricky strings", "[core][output][yaml]") {
    const std::vector<std::string> cases = {
        "", " ", "a", "plain text", "web1", "ANS1228E", "/dev/vg0/db2", "C:\\Windows",
        // reserved words, any case, and near misses
        "true", "True", "TRUE", "false", "yes", "Yes", "no", "NO", "on", "On", "off", "OFF", "null", "Null",
        "~", "y", "Y", "n", "N", "nul", "nulls", "yes!", "tru", "onoff", "~~", "y ", " n", "offf",
        // numbers and things that start like them
        "0", "42", "-1", "+1", "3.14", ".5", "-.5", "+.5", "1e10", "0x1F", "1,024", "12 apples", "2026-11-24",
        "4.51 TB", "-", "+", ".", "-.", "+-1", "--1", "..5", ". 5", "-a", "+a", ".a", "1\n", "1\nx", "1\rx",
        "1\tx", "\n1", "1 \n", "-1\r", "1\v", "1\f2", std::string("1\0x", 3), std::string("\0", 1),
        // leading indicators and whitespace
        ":a", "?a", "-a", "!tag", "&anchor", "*alias", "#comment", "|", ">", "'q'", "\"q\"", "%x", "@x",
        "`x`", "{a}", "}", "[a]", "]", ",a", "\ta", "\na", "\ra", "\va", "\fa", " lead",
        // keys, comments and trailing whitespace inside the text
        "key: value", "key:value", "key:\tvalue", "key:\nvalue", "a:", "a::", "http://x", "a #b", "a#b",
        "a\t#b", "a\n#b", "trail ", "trail\t", "trail\n", "trail\r", "a: ", "#", ":", "a :b", "a# b",
        // other bytes
        "<x>", "=x", "a=b", "(x)", "\\x", "^x", "$x", ";x", "caf\xc3\xa9", "\xc3\xa9t\xc3\xa9", "\xe2\x80\xaf",
        "\xc2\xa0", "a\xc2\xa0", "\xff", "x\xa0", "Total number of objects inspected: 1",
        "2026-11-24T01:02:03", "01:02:03", "8.1.27.000", "never", "256-bit AES", "query_backup", "tRuE",
        "fAlSe", "NuLl", "yES", "oFf", "nO",
    };
    for (const auto& s : cases) {
        INFO("string: \"" << s << "\"");
        CHECK(yaml_needs_quotes(s) == regex_needs_quotes(s));
    }
}

TEST_CASE("yaml quoting decides as the former regex on every short string", "[core][output][yaml]") {
    // Bytes the rules look at (letters of the reserved words in both cases, digits, signs,
    // dot, indicators, each whitespace byte), plus bytes no rule names.
    const std::string alphabet = std::string("aeflnoruyNOTY019.-+:#~ \t\n\r\v\f!\"',[}`<=\\x\xc3\xa9\xff") +
                                 std::string(1, '\0');
    std::vector<std::string> all = {""};
    std::size_t from = 0;
    for (int length = 1; length <= 3; ++length) {
        const std::size_t to = all.size();
        for (std::size_t i = from; i < to; ++i)
            for (char c : alphabet) all.push_back(all[i] + c);
        from = to;
    }
    std::size_t mismatches = 0;
    for (const auto& s : all) {
        if (yaml_needs_quotes(s) == regex_needs_quotes(s)) continue;
        if (++mismatches <= 10) FAIL_CHECK("decisions differ on \"" << s << "\" (" << s.size() << " bytes)");
    }
    CHECK(mismatches == 0);
    CHECK(all.size() > 50000);
}
