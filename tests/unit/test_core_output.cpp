// The one printer: tables for people, JSON and YAML for scripts, quiet mode, redaction.
#include <catch2/catch.hpp>

#include <yaml-cpp/yaml.h>

#include "opskit/core/error.hpp"
#include "opskit/core/output.hpp"
#include "opskit/core/redact.hpp"

using namespace opskit;

namespace {
std::string render(const Result& r, OutputFormat f, bool quiet = false) {
    return render_result(r, PrintOptions{f, quiet, false});
}
}  // namespace

TEST_CASE("a list renders as aligned columns with a header", "[core][output]") {
    Result r;
    r.value = Json::array({{{"name", "web1"}, {"state", "Running"}, {"vcpus", 2}},
                           {{"name", "database01"}, {"state", "Stopped"}, {"vcpus", 16}}});
    r.columns = {{"name", ""}, {"state", ""}, {"vcpus", "CPUS"}};
    CHECK(render(r, OutputFormat::table) ==
          "NAME        STATE    CPUS\n"
          "web1        Running  2\n"
          "database01  Stopped  16\n");
}

TEST_CASE("one object renders as key: value lines, nested values indented", "[core][output]") {
    Result r;
    r.value = {{"name", "web1"}, {"snapshots", Json::array({"s1", "s2"})}, {"error", nullptr},
               {"limits", {{"vcpus", 2}}}};
    const auto text = render(r, OutputFormat::table);
    CHECK(text.find("name:      web1\n") != std::string::npos);
    CHECK(text.find("snapshots: s1,s2\n") != std::string::npos);
    CHECK(text.find("error:     -\n") != std::string::npos);
    CHECK(text.find("limits:\n  vcpus: 2\n") != std::string::npos);
}

TEST_CASE("lists of objects inside an object render as '- ' items", "[core][output]") {
    Result r;
    r.value = {{"vm", "web1"}, {"volumes", Json::array({{{"name", "vda"}, {"kept", true}}, {{"name", "vdb"}, {"kept", false}}})}};
    CHECK(render(r, OutputFormat::table) ==
          "vm:      web1\n"
          "volumes:\n"
          "  - kept: true\n    name: vda\n"
          "  - kept: false\n    name: vdb\n");
}

TEST_CASE("JSON is one document, YAML is the same document", "[core][output]") {
    Result r;
    r.value = {{"changed", false}, {"count", 3}, {"name", "yes"}, {"ratio", 0.5}, {"empty", ""}, {"none", nullptr},
               {"list", Json::array({1, "2"})}};
    const auto json = render(r, OutputFormat::json);
    CHECK(Json::parse(json) == r.value);
    const auto yaml = YAML::Load(render(r, OutputFormat::yaml));
    CHECK(yaml["changed"].as<bool>() == false);
    CHECK(yaml["count"].as<int>() == 3);
    CHECK(yaml["name"].as<std::string>() == "yes");  // quoted, so it stays a string
    CHECK(yaml["list"][1].as<std::string>() == "2");
    CHECK(yaml["empty"].as<std::string>().empty());
    CHECK(yaml["none"].IsNull());
}

TEST_CASE("quiet prints nothing on success but still prints on failure", "[core][output]") {
    Result r;
    r.value = {{"a", 1}};
    CHECK(render(r, OutputFormat::json, true).empty());
    r.exit_code = ExitCode::warning;
    CHECK_FALSE(render(r, OutputFormat::json, true).empty());
}

TEST_CASE("everything printed is redacted", "[core][output][redact]") {
    add_secret("hunter2");
    Result r;
    r.value = {{"argv", Json::array({"dsmc", "-password=hunter2"})}};
    for (auto f : {OutputFormat::table, OutputFormat::json, OutputFormat::yaml})
        CHECK(render(r, f).find("hunter2") == std::string::npos);
    CHECK(redact("x hunter2 y hunter2") == "x *** y ***");
    clear_secrets();
    CHECK(redact("hunter2") == "hunter2");
}

TEST_CASE("invalid UTF-8 in values does not break JSON output", "[core][output]") {
    Result r;
    r.value = {{"text", std::string("bad \xff byte")}};
    CHECK_NOTHROW(Json::parse(render(r, OutputFormat::json)));
}

TEST_CASE("output formats parse strictly", "[core][output]") {
    CHECK(parse_output_format("json") == OutputFormat::json);
    CHECK_THROWS_AS(parse_output_format("JSON"), Error);
    CHECK_THROWS_AS(parse_output_format("xml"), Error);
}

TEST_CASE("error kinds map to the exit-code table", "[core][error]") {
    CHECK(exit_code_for(ErrorKind::failed) == ExitCode::failed);
    CHECK(exit_code_for(ErrorKind::usage) == ExitCode::usage);
    CHECK(exit_code_for(ErrorKind::not_found) == ExitCode::not_found);
    CHECK(exit_code_for(ErrorKind::conflict) == ExitCode::conflict);
    CHECK(exit_code_for(ErrorKind::busy) == ExitCode::busy);
    CHECK(exit_code_for(ErrorKind::unavailable) == ExitCode::unavailable);
    CHECK(exit_code_for(ErrorKind::timeout) == ExitCode::timeout);
    CHECK(exit_code_for(ErrorKind::internal) == ExitCode::internal);
    CHECK(static_cast<int>(ExitCode::internal) == 10);
    const Error e(ErrorKind::not_found, "no such VM", "web9", "not defined on test:///default");
    CHECK(std::string(e.what()) == "no such VM (web9): not defined on test:///default");
}
