// bkctl parse [FILE|-]: parse saved dsmc output (or a dsmsched.log) into the typed report.
// Exit 0 whenever the input could be read and parsed; what dsmc reported is in the verdict.
#include <memory>

#include "commands.hpp"
#include "opskit/dsmc/report.hpp"

namespace opskit::bkctl {

void set_parse_command(CLI::App& app, cli::Context& ctx) {
    struct Options {
        std::string file = "-";
    };
    auto opts = std::make_shared<Options>();
    auto* cmd = app.add_subcommand("parse", "parse saved dsmc output (FILE or - for stdin) into a typed report");
    cmd->add_option("file", opts->file, "dsmc output or dsmsched.log to parse; - reads standard input")
        ->capture_default_str();
    ctx.on(cmd, [opts] {
        const dsmc::Report report = dsmc::parse_file(opts->file);
        Result result;
        result.value = dsmc::to_json(report);
        result.table_value = dsmc::to_table_view(report);
        return result;
    });
}

}  // namespace opskit::bkctl
