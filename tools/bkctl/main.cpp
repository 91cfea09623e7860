// bkctl: block-device image backup through IBM Storage Protect (dsmc).
// Only the verb list is here; parsing, config, output and exit codes come from tools/common.
#include "commands.hpp"

int main(int argc, char** argv) {
    const opskit::cli::ToolSpec spec{
        "bkctl",
        "bkctl — block-device image backup through IBM Storage Protect (dsmc)",
        nullptr,
        {
            {"resolve", opskit::bkctl::set_resolve_command},
            {"backup", opskit::bkctl::set_backup_command},
            {"restore", opskit::bkctl::set_restore_command},
            {"delete", opskit::bkctl::set_delete_command},
            {"list", opskit::bkctl::set_list_command},
            {"parse", opskit::bkctl::set_parse_command},
            {"sweep", opskit::bkctl::set_sweep_command},
        },
    };
    return opskit::cli::run(argc, argv, spec);
}
