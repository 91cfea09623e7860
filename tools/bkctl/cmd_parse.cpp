// bkctl parse [FILE|-]: parse saved dsmc output (or a dsmsched.log) into the typed report.
// Exit 0 whenever the input could be read and parsed; what dsmc reported is in the verdict.
// The report is streamed (dsmc/print.hpp): memory stays flat whatever the size of the log.
#include <memory>

#include <unistd.h>

#include "commands.hpp"
#include "opskit/dsmc/print.hpp"
#include "opskit/dsmc/stream.hpp"

namespace opskit::bkctl {

void set_parse_command(CLI::App* cmd, cli::Context& ctx) {
    struct Options {
        std::string file = "-";
    };
    auto opts = std::make_shared<Options>();
    cmd->add_option("file", opts->file, "dsmc output or dsmsched.log to parse; - reads standard input")
        ->capture_default_str();
    ctx.on(cmd, [opts, &ctx] {
        Result result;
        result.printed = true;
        if (ctx.print_options().quiet) {
            // Exit 0 prints nothing under --quiet, but the input is still read and checked.
            dsmc::Sink discard;
            dsmc::parse_stream(opts->file, discard);
        } else {
            dsmc::print_parse(opts->file, ctx.print_options().format, STDOUT_FILENO);
        }
        return result;
    });
}

}  // namespace opskit::bkctl
