// crctl wait UUID [--timeout DURATION]: block until a request is Final, for scripts and CI.
// Exit 0 when its container completed with exit code 0, 1 when it did not (cancelled,
// failed, or the request was given up), 8 on timeout.
#include <memory>

#include "commands.hpp"
#include "opskit/core/error.hpp"
#include "opskit/core/units.hpp"
#include "opskit/cr/lifecycle/containers.hpp"
#include "opskit/cr/lifecycle/requests.hpp"
#include "store_cli.hpp"

namespace opskit::crctl {

void set_wait_command(CLI::App* cmd, cli::Context& ctx) {
    struct Options {
        std::string uuid, timeout;
    };
    auto o = std::make_shared<Options>();
    cmd->add_option("uuid", o->uuid, "request UUID")->required();
    cmd->add_option("--timeout", o->timeout, "give up after DURATION (exit 8)");
    add_store_option(cmd, ctx);
    ctx.complete_positional(cmd, request_uuid_completer(ctx));
    ctx.on(cmd, [o, &ctx] {
        std::optional<Duration> timeout;
        if (!o->timeout.empty()) timeout = parse_duration(o->timeout);
        auto store = open_existing_store(ctx);
        if (!store) throw Error(ErrorKind::not_found, "no such request", o->uuid, "the store does not exist yet");
        const auto request = cr::wait_request(*store, o->uuid, timeout);
        std::optional<cr::Container> container;
        if (request.container_uuid)
            container = store->read([&](cr::Tx& tx) { return cr::find_container(tx, *request.container_uuid); });
        Json value = cr::to_json(request);
        value["container"] = container ? cr::to_json(*container) : Json(nullptr);
        const bool ok = container && container->state == cr::ContainerState::complete && container->exit_code == 0;
        return Result{value, {}, nullptr, ok ? ExitCode::ok : ExitCode::failed, true};
    });
}

}  // namespace opskit::crctl
