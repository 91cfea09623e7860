// bkctl: block-device image backup through IBM Storage Protect (dsmc).
// Only the verb list is here; parsing, config, output and exit codes come from tools/common.
#include "commands.hpp"

int main(int argc, char** argv) {
    const opskit::cli::ToolSpec spec{
        "bkctl",
        "bkctl — block-device image backup through IBM Storage Protect (dsmc)",
        [](CLI::App& app, opskit::cli::Context& ctx) {
            using namespace opskit::bkctl;
            set_resolve_command(app, ctx);
            set_backup_command(app, ctx);
            set_restore_command(app, ctx);
            set_delete_command(app, ctx);
            set_list_command(app, ctx);
            set_parse_command(app, ctx);
            set_sweep_command(app, ctx);
        },
    };
    return opskit::cli::run(argc, argv, spec);
}
