// Uses the public API: the version, a duration parse and the JSON printer.
#include <opskit/core/output.hpp>
#include <opskit/core/units.hpp>
#include <opskit/core/version.hpp>

#include <iostream>

int main() {
    opskit::Result r;
    r.value = {{"version", std::string(opskit::version())},
               {"seconds", opskit::to_seconds(opskit::parse_duration("5m"))}};
    std::cout << opskit::render_result(r, {opskit::OutputFormat::json, false, false});
}
