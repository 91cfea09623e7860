// crctl: container requests and containers in a local store, with dispatchers that run them.
// Only the verb list is here; parsing, config, output and exit codes come from tools/common.
#include "commands.hpp"

int main(int argc, char** argv) {
    const opskit::cli::ToolSpec spec{
        "crctl",
        "crctl — container requests and containers in a local store, with dispatchers that run them",
        nullptr,
        {
            {"request", "container requests: create, commit, update, cancel, show, list, delete",
             opskit::crctl::set_request_command},
            {"container", "containers: list, show, and the dispatcher plumbing verbs",
             opskit::crctl::set_container_command},
            {"wait", "wait until a request is Final; exit 0 only if its container succeeded",
             opskit::crctl::set_wait_command},
            {"dispatch", "run queued containers on this host (--once for cron, --follow as a service)",
             opskit::crctl::set_dispatch_command},
            {"run", "create and commit a request, wait for it, exit with its exit code",
             opskit::crctl::set_run_command},
            {"collection", "list, show and copy out output and log collections",
             opskit::crctl::set_collection_command},
            {"gc", "delete collections past delete_at and free unreferenced content",
             opskit::crctl::set_gc_command},
        },
    };
    return opskit::cli::run(argc, argv, spec);
}
