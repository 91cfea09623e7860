// crctl dispatch [--once | --follow]: the local dispatcher. --once (the default) is for
// cron: it runs what it can, waits for what it started, and exits; an overlapping run exits
// 6 at once. --follow is for a service: it keeps polling until SIGTERM/SIGINT, then stops
// and hands back what it runs.
#include <fmt/format.h>

#include <cstdio>
#include <memory>

#include "commands.hpp"
#include "store_cli.hpp"
#include "opskit/core/term.hpp"
#include "opskit/cr/dispatch.hpp"
#include "opskit/cr/dispatch_config.hpp"

namespace opskit::crctl {

void set_dispatch_command(CLI::App& app, cli::Context& ctx) {
    struct Options {
        bool once = false;
        bool follow = false;
        std::string partition;
    };
    auto opts = std::make_shared<Options>();
    auto* cmd = app.add_subcommand("dispatch", "run queued containers on this host (--once for cron, --follow as a service)");
    auto* once = cmd->add_flag("--once", opts->once, "one pass: run what fits, wait for it, exit (default)");
    cmd->add_flag("--follow", opts->follow, "keep polling the queue until SIGTERM or SIGINT")->excludes(once);
    add_store_option(cmd, ctx);
    ctx.config_option(cmd, "--runtime", "crctl.runtime", "host, podman or docker");
    ctx.config_option(cmd, "--runtime-program", "crctl.runtime_program", "program of the runtime (bwrap, podman, /usr/bin/docker)");
    ctx.config_option(cmd, "--max-parallel", "crctl.max_parallel", "containers run at once (0 = as many as fit)");
    ctx.config_option(cmd, "--poll-interval", "crctl.poll_interval", "idle wait between looks at the queue");
    ctx.config_option(cmd, "--kill-grace", "crctl.kill_grace", "SIGTERM to SIGKILL delay when stopping a container");
    cmd->add_option("--partition", opts->partition, "serve only containers whose partitions include NAME or are empty");
    ctx.on(cmd, [opts, &ctx] {
        auto store = open_store(ctx);
        auto options = cr::dispatch_options_from(ctx.config());
        options.follow = opts->follow;
        if (!opts->partition.empty()) options.partition = opts->partition;
        const bool verbose = ctx.verbose() > 0;
        options.on_event = [verbose](std::string_view line) {
            if (verbose) std::fprintf(stderr, "crctl: %.*s\n", static_cast<int>(line.size()), line.data());
            else progress(line);
        };
        const auto lock = cr::acquire_dispatch_lock(store, options.partition);
        cr::Dispatcher dispatcher(store, std::move(options));
        const auto summary = dispatcher.run();
        Result result;
        result.value = summary.to_json();
        result.columns = {{"uuid", "UUID"}, {"state", "STATE"}, {"exit_code", "EXIT"}, {"output", "OUTPUT"}, {"note", "NOTE"}};
        result.table_value = result.value["containers"];
        return result;
    });
}

}  // namespace opskit::crctl
