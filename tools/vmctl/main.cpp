// vmctl: VM power operations on libvirt: graceful stop, snapshots, destroy and recover.
// Only the verb list is here; parsing, config, output and exit codes come from tools/common.
#include "commands.hpp"

int main(int argc, char** argv) {
    const opskit::cli::ToolSpec spec{
        "vmctl",
        "vmctl — VM power operations on libvirt: graceful stop, snapshots, destroy and recover",
        [](CLI::App& /*app*/, opskit::cli::Context& /*ctx*/) {},
    };
    return opskit::cli::run(argc, argv, spec);
}
