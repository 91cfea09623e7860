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
    ctx.on(cmd, [opts, &ctx] {
        const dsmc::Report report = dsmc::parse_file(opts->file);
        Result result;
        // Only the form that gets printed is built: for a large dsmsched.log each document
        // is a DOM of millions of nodes, and building, then freeing, the unused one doubled
        // the run time of `--output json`.
        if (ctx.print_options().format == OutputFormat::table) result.table_value = dsmc::to_table_view(report);
        else result.value = dsmc::to_json(report);
        return result;
    });
}

}  // namespace opskit::bkctl
