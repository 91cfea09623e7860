// crctl dispatch [--engine local|slurm|swarm] [--once | --follow]: the dispatcher. --once (the
// default) is for cron: with the local engine it runs what it can, waits for what it
// started, and exits; with a remote engine it makes one pass and never waits. An
// overlapping run of any engine exits 6 at once (one dispatcher lock per store). --follow
// is for a service: it keeps polling until SIGTERM/SIGINT; the local engine then hands back
// what it runs, a remote engine leaves its jobs to the next dispatcher.
#include <fmt/format.h>

#include <cstdio>
#include <memory>

#include "commands.hpp"
#include "store_cli.hpp"
#include "opskit/core/term.hpp"
#include "opskit/cr/dispatch/dispatch.hpp"
#include "opskit/cr/dispatch/dispatch_config.hpp"
#include "opskit/cr/dispatch/engine_dispatch.hpp"

namespace opskit::crctl {

void set_dispatch_command(CLI::App* cmd, cli::Context& ctx) {
    struct Options {
        bool once = false;
        bool follow = false;
        std::string partition;
    };
    auto opts = std::make_shared<Options>();
    auto* once = cmd->add_flag("--once", opts->once, "one pass: run what fits, wait for it, exit (default)");
    cmd->add_flag("--follow", opts->follow, "keep polling the queue until SIGTERM or SIGINT")->excludes(once);
    add_store_option(cmd, ctx);
    ctx.complete(ctx.config_option(cmd, "--engine", "crctl.engine", "local (this host), slurm or swarm"), cr::engine_names);
    ctx.config_option(cmd, "--spool", "crctl.spool", "spool folder shared with the nodes (remote engines)");
    ctx.config_option(cmd, "--swarm-host", "crctl.swarm_host", "Docker Engine API of the swarm (default $DOCKER_HOST)");
    ctx.complete(ctx.config_option(cmd, "--runtime", "crctl.runtime", "host, podman or docker"), cr::runtime_names);
    ctx.config_option(cmd, "--runtime-program", "crctl.runtime_program", "program of the runtime (bwrap, podman, /usr/bin/docker)");
    ctx.config_option(cmd, "--max-parallel", "crctl.max_parallel", "containers run at once (0 = as many as fit)");
    ctx.config_option(cmd, "--poll-interval", "crctl.poll_interval", "idle wait between looks at the queue");
    ctx.config_option(cmd, "--kill-grace", "crctl.kill_grace", "SIGTERM to SIGKILL delay when stopping a container");
    cmd->add_option("--partition", opts->partition, "serve only containers whose partitions include NAME or are empty");
    ctx.on(cmd, [opts, &ctx] {
        const auto engine_name = cr::engine_name_from(ctx.config());
        auto store = open_store(ctx);
        const bool verbose_events = ctx.verbose() > 0;
        auto on_event = [verbose_events](std::string_view line) {
            if (verbose_events) std::fprintf(stderr, "crctl: %.*s\n", static_cast<int>(line.size()), line.data());
            else progress(line);
        };
        Result result;
        result.columns = {{"uuid", "UUID"}, {"state", "STATE"}, {"exit_code", "EXIT"}, {"output", "OUTPUT"}, {"note", "NOTE"}};
        auto options = cr::engine_dispatch_options_from(ctx.config());
        options.follow = opts->follow;
        if (!opts->partition.empty()) options.partition = opts->partition;
        options.on_event = on_event;
        const auto lock = cr::acquire_dispatch_lock(store, options.partition);
        auto engine = cr::engine_from(ctx.config(), store, engine_name);
        cr::EngineDispatcher dispatcher(store, *engine, std::move(options));
        result.value = dispatcher.run().to_json();
        result.table_value = result.value["containers"];
        return result;
    });
}

}  // namespace opskit::crctl
