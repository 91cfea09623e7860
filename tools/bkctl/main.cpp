// bkctl: block-device image backup through IBM Storage Protect (dsmc).
// Only the verb list is here; parsing, config, output and exit codes come from tools/common.
#include "commands.hpp"

int main(int argc, char** argv) {
    const opskit::cli::ToolSpec spec{
        "bkctl",
        "bkctl — block-device image backup through IBM Storage Protect (dsmc)",
        nullptr,
        {
            {"resolve", "show what DEVICE... resolve to (path, major:minor, size, TYPE/UUID/LABEL)",
             opskit::bkctl::set_resolve_command},
            {"backup", "back up DEVICE to IBM Storage Protect under backup id ID",
             opskit::bkctl::set_backup_command},
            {"restore", "restore backup ID onto DEVICE (overwrites it)",
             opskit::bkctl::set_restore_command},
            {"delete", "delete backup ID from the server (all versions; needs --yes)",
             opskit::bkctl::set_delete_command},
            {"list", "list the backups on the server made under the link prefix",
             opskit::bkctl::set_list_command},
            {"parse", "parse saved dsmc output (FILE or - for stdin) into a typed report",
             opskit::bkctl::set_parse_command},
            {"sweep", "remove per-backup links left by runs that died",
             opskit::bkctl::set_sweep_command},
        },
    };
    return opskit::cli::run(argc, argv, spec);
}
