// Shell quoting: plain words stay bare, everything else is one single-quoted word that sh
// reads back unchanged.
#include <catch2/catch.hpp>

#include "opskit/core/process.hpp"
#include "opskit/core/shell_quote.hpp"

using namespace opskit;

TEST_CASE("shell_quote leaves plain words bare and quotes the rest", "[core][shell]") {
    CHECK(shell_quote("run") == "run");
    CHECK(shell_quote("--memory=268435456b") == "--memory=268435456b");
    CHECK(shell_quote("/a/b:/out:rw") == "/a/b:/out:rw");
    CHECK(shell_quote("") == "''");
    CHECK(shell_quote("a b") == "'a b'");
    CHECK(shell_quote("$HOME") == "'$HOME'");
    CHECK(shell_quote("it's") == "'it'\\''s'");
    CHECK(shell_join({"sh", "-c", "echo *"}) == "sh -c 'echo *'");
}

TEST_CASE("sh reads a shell_join line back as the same words", "[core][shell]") {
    const std::vector<std::string> words{"plain", "", "two words", "it's", "$X `y` \"z\"", "tab\there", "new\nline"};
    ProcessSpec ps;
    ps.argv = {"sh", "-c", "for w in " + shell_join(words) + "; do printf '[%s]' \"$w\"; done"};
    const auto r = run_process(ps);
    CHECK(r.success());
    std::string want;
    for (const auto& w : words) want += "[" + w + "]";
    CHECK(r.out == want);
}
