// Spec intake: YAML and JSON text become the same typed JSON object, and text that is not a
// spec is a usage error naming the input — never another exception (fuzz_request_spec).
#include <catch2/catch.hpp>

#include "opskit/core/error.hpp"
#include "opskit/cr/lifecycle/spec.hpp"

using opskit::Error;
using opskit::ErrorKind;
using opskit::Json;
using opskit::cr::yaml_to_json;

namespace {
std::string usage_message(std::string_view text) {
    try {
        (void)yaml_to_json(text, "spec.json");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::usage);
        return e.what();
    }
    FAIL("accepted: " << text);
    return {};
}
}  // namespace

TEST_CASE("YAML scalars are typed as YAML 1.2 core, quoted ones stay strings", "[cr][spec]") {
    const Json j = yaml_to_json("priority: 5\nname: \"5\"\nratio: 1.5\nuse_existing: false\ndescription: ~\n", "s");
    CHECK(j["priority"] == 5);
    CHECK(j["name"] == "5");
    CHECK(j["ratio"] == 1.5);
    CHECK(j["use_existing"] == false);
    CHECK(j["description"].is_null());
    CHECK(yaml_to_json(R"({"priority": 5, "name": "5"})", "s") == Json{{"priority", 5}, {"name", "5"}});
    // Found by fuzz_request_spec: std::stod threw out_of_range on 1e400. Numbers past
    // double's (or int64's) range stay text, and validation names the field that wanted a number.
    CHECK(yaml_to_json("ratio: 1e400\npriority: 99999999999999999999\n", "s") ==
          Json{{"ratio", "1e400"}, {"priority", "99999999999999999999"}});
}

// Found by fuzz_request_spec: a JSON number out of double's range is nlohmann's out_of_range,
// not a parse_error, and escaped the handler.
TEST_CASE("bad JSON, including numbers out of range, is a usage error naming the input", "[cr][spec]") {
    CHECK(usage_message(R"({"priority": 1e400})").find("spec.json") != std::string::npos);
    CHECK(usage_message(R"({"priority": )").find("spec.json") != std::string::npos);
    CHECK(usage_message("a: [1, 2\n").find("spec.json") != std::string::npos);
}
