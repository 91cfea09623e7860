// bkctl parse [FILE|-]: parse saved dsmc output into the typed report (placeholder until the
// dsmc parser lands).
#include "commands.hpp"

namespace opskit::bkctl {

void set_parse_command(CLI::App& app, cli::Context& ctx) {
    auto* cmd = app.add_subcommand("parse", "parse saved dsmc output (FILE or - for stdin) into a typed report");
    (void)cmd;
    (void)ctx;
}

}  // namespace opskit::bkctl
