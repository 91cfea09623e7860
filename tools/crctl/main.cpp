// crctl: container requests and containers in a local store, with dispatchers that run them.
// Only the verb list is here; parsing, config, output and exit codes come from tools/common.
#include "commands.hpp"

int main(int argc, char** argv) {
    const opskit::cli::ToolSpec spec{
        "crctl",
        "crctl — container requests and containers in a local store, with dispatchers that run them",
        nullptr,
        {
            {"request", opskit::crctl::set_request_command},
            {"container", opskit::crctl::set_container_command},
            {"wait", opskit::crctl::set_wait_command},
            {"dispatch", opskit::crctl::set_dispatch_command},
            {"run", opskit::crctl::set_run_command},
            {"collection", opskit::crctl::set_collection_command},
            {"gc", opskit::crctl::set_gc_command},
        },
    };
    return opskit::cli::run(argc, argv, spec);
}
