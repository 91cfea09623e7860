// crctl: container requests and containers in a local store, with dispatchers that run them.
// Only the verb list is here; parsing, config, output and exit codes come from tools/common.
#include "commands.hpp"

int main(int argc, char** argv) {
    const opskit::cli::ToolSpec spec{
        "crctl",
        "crctl — container requests and containers in a local store, with dispatchers that run them",
        [](CLI::App& app, opskit::cli::Context& ctx) {
            using namespace opskit::crctl;
            set_request_command(app, ctx);
            set_container_command(app, ctx);
            set_wait_command(app, ctx);
            set_dispatch_command(app, ctx);
            set_run_command(app, ctx);
            set_collection_command(app, ctx);
            set_gc_command(app, ctx);
        },
    };
    return opskit::cli::run(argc, argv, spec);
}
