// crctl request create|commit|update|cancel|show|list|delete: the client side of container
// requests. Each verb is one store transaction (library calls only); --dry-run runs the
// same transaction and rolls it back.
#include <iostream>
#include <iterator>
#include <memory>

#include "commands.hpp"
#include "opskit/core/error.hpp"
#include "opskit/core/fs.hpp"
#include "opskit/cr/lifecycle/requests.hpp"
#include "opskit/cr/dispatch/swarm/service_spec.hpp"
#include "store_cli.hpp"

namespace opskit::crctl {
namespace {

const std::vector<Column> request_columns{{"uuid", "UUID"},         {"state", "STATE"},
                                          {"priority", "PRIORITY"}, {"container_uuid", "CONTAINER"},
                                          {"name", "NAME"},         {"created_at", "CREATED"}};

Result one(Json value) { return Result{std::move(value), {}, nullptr, ExitCode::ok, true}; }

void add_create(CLI::App* parent, cli::Context& ctx) {
    struct Options {
        RequestFlags request;
        std::string from_swarm;
        bool commit = false, dry_run = false;
    };
    auto o = std::make_shared<Options>();
    auto* cmd = parent->add_subcommand("create", "create a request from --file and/or flags; --commit commits it too");
    add_request_flags(cmd, o->request);
    cmd->add_option("--from-swarm", o->from_swarm,
                    "a Docker Swarm ServiceSpec (JSON or YAML, `docker service inspect` output too; - = stdin) "
                    "instead of --file");
    cmd->add_flag("--commit", o->commit, "commit in the same step (like state: Committed in a spec)");
    cmd->add_flag("--dry-run", o->dry_run, "validate and show the result, store nothing");
    add_store_option(cmd, ctx);
    ctx.on(cmd, [o, &ctx] {
        o->request.flags.commit = o->commit;
        Json base;
        if (!o->from_swarm.empty()) {
            if (!o->request.file.empty())
                throw Error(ErrorKind::usage, "conflicting options", "--file, --from-swarm", "give one spec source");
            const bool in = o->from_swarm == "-";
            const std::string text = in ? std::string(std::istreambuf_iterator<char>(std::cin), {}) : read_file(o->from_swarm);
            const std::string name = in ? "stdin" : o->from_swarm;
            cr::swarm::SwarmOptions swarm;
            swarm.constraint_template = ctx.config().get_string("crctl.swarm_constraint");
            base = cr::swarm::request_from_service_spec(cr::swarm::parse_service_spec(text, name), name, swarm);
        }
        const Json spec = spec_from_flags(o->request, ctx, base);
        const auto caller = cr::Caller::from_environment();
        auto store = open_store(ctx);
        return one(audited("request.create", "", o->dry_run, [&] {
            return mutate(store, o->dry_run, [&](cr::Tx& tx) { return cr::to_json(cr::create_request(tx, spec, caller)); });
        }));
    });
}

void add_uuid_verb(CLI::App* parent, cli::Context& ctx, const std::string& name, const std::string& help,
                   std::function<cr::ContainerRequest(cr::Tx&, const std::string&)> op) {
    struct Options {
        std::string uuid;
        bool dry_run = false;
    };
    auto o = std::make_shared<Options>();
    auto* cmd = parent->add_subcommand(name, help);
    cmd->add_option("uuid", o->uuid, "request UUID")->required();
    cmd->add_flag("--dry-run", o->dry_run, "show the result, change nothing");
    add_store_option(cmd, ctx);
    ctx.complete_positional(cmd, request_uuid_completer(ctx));
    ctx.on(cmd, [o, &ctx, name, op] {
        auto store = open_store(ctx);
        return one(audited("request." + name, o->uuid, o->dry_run, [&] {
            return mutate(store, o->dry_run, [&](cr::Tx& tx) { return cr::to_json(op(tx, o->uuid)); });
        }));
    });
}

void add_update(CLI::App* parent, cli::Context& ctx) {
    struct Options {
        std::string uuid, file, name, description, state;
        std::optional<std::int64_t> priority, container_count_max;
        bool dry_run = false;
    };
    auto o = std::make_shared<Options>();
    auto* cmd = parent->add_subcommand("update", "change fields of a request (what may change depends on its state)");
    cmd->add_option("uuid", o->uuid, "request UUID")->required();
    cmd->add_option("--file", o->file, "fields to change, YAML or JSON (- = stdin)");
    cmd->add_option("--priority", o->priority, "0..1000 (0 = cancel)");
    cmd->add_option("--name", o->name, "request name");
    cmd->add_option("--description", o->description, "request description");
    cmd->add_option("--container-count-max", o->container_count_max, "containers the request may use");
    cmd->add_option("--state", o->state, "Committed (commit) or Final (give up)");
    cmd->add_flag("--dry-run", o->dry_run, "show the result, change nothing");
    add_store_option(cmd, ctx);
    ctx.complete_positional(cmd, request_uuid_completer(ctx));
    ctx.on(cmd, [o, &ctx] {
        Json changes = o->file.empty() ? Json::object() : cr::load_spec_file(o->file);
        if (o->priority) changes["priority"] = *o->priority;
        if (!o->name.empty()) changes["name"] = o->name;
        if (!o->description.empty()) changes["description"] = o->description;
        if (o->container_count_max) changes["container_count_max"] = *o->container_count_max;
        if (!o->state.empty()) changes["state"] = o->state;
        if (changes.empty())
            throw Error(ErrorKind::usage, "nothing to update", o->uuid, "give --file or at least one field flag");
        auto store = open_store(ctx);
        return one(audited("request.update", o->uuid, o->dry_run, [&] {
            return mutate(store, o->dry_run, [&](cr::Tx& tx) { return cr::to_json(cr::update_request(tx, o->uuid, changes)); });
        }));
    });
}

void add_show(CLI::App* parent, cli::Context& ctx) {
    auto uuid = std::make_shared<std::string>();
    auto* cmd = parent->add_subcommand("show", "print one request (the JSON is a valid --file spec)");
    cmd->add_option("uuid", *uuid, "request UUID")->required();
    add_store_option(cmd, ctx);
    ctx.complete_positional(cmd, request_uuid_completer(ctx));
    ctx.on(cmd, [uuid, &ctx] {
        auto store = open_existing_store(ctx);
        if (!store) throw Error(ErrorKind::not_found, "no such request", *uuid, "the store does not exist yet");
        return one(store->read([&](cr::Tx& tx) { return cr::to_json(cr::get_request(tx, *uuid)); }));
    });
}

void add_list(CLI::App* parent, cli::Context& ctx) {
    struct Options {
        std::string state;
        std::int64_t limit = 0;
    };
    auto o = std::make_shared<Options>();
    auto* cmd = parent->add_subcommand("list", "list requests, newest first");
    cmd->add_option("--state", o->state, "only Uncommitted, Committed or Final");
    cmd->add_option("--limit", o->limit, "at most N (0 = all)");
    add_store_option(cmd, ctx);
    ctx.on(cmd, [o, &ctx] {
        cr::RequestFilter filter;
        if (!o->state.empty()) {
            filter.state = cr::parse_request_state(o->state);
            if (!filter.state) throw Error(ErrorKind::usage, "invalid --state", o->state, "expected Uncommitted, Committed or Final");
        }
        if (o->limit < 0) throw Error(ErrorKind::usage, "invalid --limit", std::to_string(o->limit), "expected N >= 0");
        filter.limit = o->limit;
        Json rows = Json::array();
        if (auto store = open_existing_store(ctx))
            for (const auto& r : store->read([&](cr::Tx& tx) { return cr::list_requests(tx, filter); }))
                rows.push_back(cr::to_json(r));
        return Result{rows, request_columns, nullptr, ExitCode::ok, true};
    });
}

void add_delete(CLI::App* parent, cli::Context& ctx) {
    struct Options {
        std::string uuid;
        bool yes = false, dry_run = false;
    };
    auto o = std::make_shared<Options>();
    auto* cmd = parent->add_subcommand("delete", "set priority 0, then remove the request (needs --yes)");
    cmd->add_option("uuid", o->uuid, "request UUID")->required();
    cmd->add_flag("--yes", o->yes, "really delete");
    cmd->add_flag("--dry-run", o->dry_run, "show what would be deleted, change nothing");
    add_store_option(cmd, ctx);
    ctx.complete_positional(cmd, request_uuid_completer(ctx));
    ctx.on(cmd, [o, &ctx] {
        if (!o->dry_run) cli::require_yes(o->yes, "deleting a request", o->uuid);
        auto store = open_store(ctx);
        return one(audited("request.delete", o->uuid, o->dry_run, [&] {
            return mutate(store, o->dry_run, [&](cr::Tx& tx) {
                Json shown = cr::to_json(cr::get_request(tx, o->uuid));
                cr::delete_request(tx, o->uuid);
                return Json{{"deleted", true}, {"request", shown}};
            });
        }));
    });
}

}  // namespace

void set_request_command(CLI::App* cmd, cli::Context& ctx) {
    add_create(cmd, ctx);
    add_uuid_verb(cmd, ctx, "commit", "commit a request: find or create its container",
                  [](cr::Tx& tx, const std::string& uuid) { return cr::commit_request(tx, uuid); });
    add_update(cmd, ctx);
    add_uuid_verb(cmd, ctx, "cancel", "set priority 0: the container goes on hold or is cancelled",
                  [](cr::Tx& tx, const std::string& uuid) { return cr::cancel_request(tx, uuid); });
    add_show(cmd, ctx);
    add_list(cmd, ctx);
    add_delete(cmd, ctx);
}

}  // namespace opskit::crctl
