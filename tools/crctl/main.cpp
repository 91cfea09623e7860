// crctl: container requests and containers in a local store, with dispatchers that run them.
// Only the verb list is here; parsing, config, output and exit codes come from tools/common.
#include "commands.hpp"

int main(int argc, char** argv) {
    const opskit::cli::ToolSpec spec{
        "crctl",
        "crctl — container requests and containers in a local store, with dispatchers that run them",
        [](CLI::App& /*app*/, opskit::cli::Context& /*ctx*/) {},
    };
    return opskit::cli::run(argc, argv, spec);
}
