// crctl run [request options] [--local | --engine E] -- COMMAND…: for scripts and CI. Creates
// and commits a request, then waits for it; a reused result is printed at once. With --local
// the container runs in this process when no dispatcher serves the store; with --engine
// slurm or swarm this process drives dispatcher passes while it can take the dispatcher
// lock. Exits with the container's exit
// code (1 when it was cancelled, the cli.md code when it never got that far) and prints the
// tail of its log on failure.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <thread>

#include "commands.hpp"
#include "store_cli.hpp"
#include "opskit/core/audit.hpp"
#include "opskit/core/term.hpp"
#include "opskit/cr/collections/collection.hpp"
#include "opskit/cr/lifecycle/containers.hpp"
#include "opskit/cr/dispatch/dispatch.hpp"
#include "opskit/cr/dispatch/dispatch_config.hpp"
#include "opskit/cr/dispatch/engine_dispatch.hpp"
#include "opskit/core/process.hpp"
#include "opskit/core/error.hpp"
#include "opskit/cr/lifecycle/requests.hpp"

namespace opskit::crctl {


void set_run_command(CLI::App* cmd, cli::Context& ctx) {
    struct Options {
        RequestFlags request;
        std::string timeout;
        bool local = false;
        std::string engine;
    };
    auto opts = std::make_shared<Options>();
    add_request_flags(cmd, opts->request);
    cmd->add_flag("--local", opts->local, "run the container in this process when no dispatcher serves the store");
    ctx.complete(cmd->add_option("--engine", opts->engine, "drive passes of this remote engine (slurm, swarm) while no dispatcher serves the store"),
                 cr::engine_names);
    cmd->add_option("--timeout", opts->timeout, "give up waiting after DURATION (exit 8)");
    ctx.config_option(cmd, "--spool", "crctl.spool", "spool folder shared with the nodes (remote engines)");
    ctx.config_option(cmd, "--swarm-host", "crctl.swarm_host", "Docker Engine API of the swarm (default $DOCKER_HOST)");
    add_store_option(cmd, ctx);
    ctx.complete(ctx.config_option(cmd, "--runtime", "crctl.runtime", "runtime of --local: host, podman or docker"),
                 cr::runtime_names);
    ctx.config_option(cmd, "--runtime-program", "crctl.runtime_program", "program of the runtime");
    ctx.on(cmd, [opts, &ctx] {
        const auto& cfg = ctx.config();
        Json spec = spec_from_flags(opts->request, ctx);
        spec["state"] = "Committed";
        if (!spec.contains("priority")) spec["priority"] = 500;
        std::optional<Duration> timeout;
        if (!opts->timeout.empty()) timeout = parse_duration(opts->timeout);

        const auto& engines = cr::engine_names();
        if (!opts->engine.empty() && std::find(engines.begin(), engines.end(), opts->engine) == engines.end())
            throw Error(ErrorKind::usage, "invalid --engine", opts->engine, "expected local, slurm or swarm");
        if (opts->engine == "local") opts->local = true;
        auto store = open_store(ctx);
        std::unique_ptr<cr::Engine> engine;
        if (!opts->engine.empty() && !opts->local) engine = cr::engine_from(cfg, store, opts->engine);
        auto request = store.write([&](cr::Tx& tx) { return cr::create_request(tx, spec, cr::Caller::from_environment()); });
        const bool reused = request.state == cr::RequestState::final_;
        audit("run", request.uuid, "committed", request.container_uuid ? *request.container_uuid : "");
        const auto started = std::chrono::steady_clock::now();
        while (engine && request.state != cr::RequestState::final_) {
            // Drive passes while we can take the dispatcher lock; wait while another holds it.
            try {
                const auto lock = cr::acquire_dispatch_lock(store, std::nullopt);
                auto eopts = cr::engine_dispatch_options_from(cfg);
                eopts.on_event = [](std::string_view line) { progress(line); };
                cr::EngineDispatcher dispatcher(store, *engine, std::move(eopts));
                dispatcher.pass();
            } catch (const Error& e) {
                if (e.kind() != ErrorKind::busy && e.kind() != ErrorKind::unavailable) throw;
                progress(e.what());
            }
            request = store.read([&](cr::Tx& tx) { return cr::get_request(tx, request.uuid); });
            if (request.state == cr::RequestState::final_) break;
            if (timeout && std::chrono::steady_clock::now() - started >= *timeout)
                throw Error(ErrorKind::timeout, "container request", request.uuid, "not final within --timeout");
            if (interrupted_by() != 0) throw Error(ErrorKind::failed, "container request", request.uuid, "interrupted while waiting");
            const auto nap = cfg.get_duration("crctl.poll_interval");
            std::this_thread::sleep_for(std::chrono::milliseconds(std::max<long>(10, static_cast<long>(nap.count()))));
        }
        while (request.state != cr::RequestState::final_) {
            if (opts->local && request.container_uuid && !cr::dispatcher_is_serving(store)) {
                const auto c = store.read([&](cr::Tx& tx) { return cr::find_container(tx, *request.container_uuid); });
                if (c && c->state == cr::ContainerState::queued && c->priority > 0) {
                    const auto local = cr::engine_from(cfg, store, "local");
                    auto options = cr::engine_dispatch_options_from(cfg);
                    options.only_container = c->uuid;
                    options.on_event = [](std::string_view line) { progress(line); };
                    cr::EngineDispatcher dispatcher(store, *local, std::move(options));
                    const auto summary = dispatcher.run();
                    request = store.read([&](cr::Tx& tx) { return cr::get_request(tx, request.uuid); });
                    if (!summary.containers.empty()) continue;  // ran (or settled) it: look again
                }
            }
            request = cr::wait_request(store, request.uuid, timeout);
        }
        std::optional<cr::Container> c;
        if (request.container_uuid)
            c = store.read([&](cr::Tx& tx) { return cr::find_container(tx, *request.container_uuid); });
        Result result;
        result.value = Json{{"request_uuid", request.uuid},
                            {"container_uuid", c ? Json(c->uuid) : Json()},
                            {"state", c ? Json(std::string(cr::to_string(c->state))) : Json()},
                            {"exit_code", c && c->exit_code ? Json(*c->exit_code) : Json()},
                            {"output", c && c->output ? Json(*c->output) : Json()},
                            {"log", c && c->log ? Json(*c->log) : Json()},
                            {"output_uuid", request.output_uuid ? Json(*request.output_uuid) : Json()},
                            {"log_uuid", request.log_uuid ? Json(*request.log_uuid) : Json()},
                            {"runtime_status", c ? c->runtime_status : Json::object()},
                            {"reused", reused}};
        result.table_value = c && c->output ? Json(*c->output) : result.value["state"];
        const bool ok = c && c->state == cr::ContainerState::complete && c->exit_code && *c->exit_code == 0;
        if (!ok) {
            const auto tail = c && c->log ? cr::log_tail(cr::CollectionStorage(store.data_dir()), *c->log, 20) : std::string();
            if (!tail.empty()) std::fprintf(stderr, "crctl: log tail of %s:\n%s", request.uuid.c_str(), tail.c_str());
        }
        if (!c || c->state == cr::ContainerState::cancelled) {
            std::string why = "cancelled";
            if (c && c->runtime_status.contains("error") && c->runtime_status["error"].is_string())
                why += ": " + c->runtime_status["error"].get<std::string>();
            audit("run", request.uuid, "failed", why);
            throw Error(ErrorKind::failed, "container request", request.uuid, c ? why : "no container ran");
        }
        const int code = c->exit_code ? static_cast<int>(*c->exit_code) : 1;
        audit("run", request.uuid, code == 0 ? "ok" : "failed", fmt::format("exit_code={}", code));
        result.exit_code = static_cast<ExitCode>(code);
        return result;
    });
}

}  // namespace opskit::crctl
