// Shared CLI plumbing of the crctl verbs (see store_cli.hpp).
#include "store_cli.hpp"

#include <filesystem>

#include "opskit/core/error.hpp"
#include "opskit/cr/lifecycle/containers.hpp"
#include "opskit/cr/dispatch/dispatch_config.hpp"
#include "opskit/cr/lifecycle/requests.hpp"

namespace opskit::crctl {

cr::Store open_store(const cli::Context& ctx) { return cr::Store::open(cr::store_options_from(ctx.config())); }

std::optional<cr::Store> open_existing_store(const cli::Context& ctx) {
    auto options = cr::store_options_from(ctx.config());
    if (!std::filesystem::exists(options.path)) return std::nullopt;
    options.create = false;
    return cr::Store::open(std::move(options));
}

void add_store_option(CLI::App* cmd, cli::Context& ctx) {
    ctx.config_option(cmd, "--store", "crctl.store", "the SQLite store (default $XDG_STATE_HOME/crctl/crctl.db)");
}

cli::Completer request_uuid_completer(const cli::Context& ctx) {
    return [&ctx] {
        auto store = open_existing_store(ctx);
        if (!store) return std::vector<std::string>{};
        return store->read([](cr::Tx& tx) { return cr::request_uuids(tx, ""); });
    };
}

cli::Completer container_uuid_completer(const cli::Context& ctx) {
    return [&ctx] {
        auto store = open_existing_store(ctx);
        if (!store) return std::vector<std::string>{};
        return store->read([](cr::Tx& tx) { return cr::container_uuids(tx, ""); });
    };
}

void add_request_flags(CLI::App* cmd, RequestFlags& o) {
    cmd->add_option("--file", o.file, "request spec, YAML or JSON (- = stdin); flags override its fields");
    cmd->add_option("--image", o.image, "container_image: host, a root folder, or an engine image");
    cmd->add_option("--cwd", o.cwd, "working folder inside the container (default /tmp)");
    cmd->add_option("--env", o.flags.env, "environment variable KEY=VALUE (repeatable)");
    cmd->add_option("--mount", o.flags.mounts,
                    "TARGET=SPEC: /out=tmp[:SIZE], /data=host:/srv/data[:rw], /in=collection:PDH, /c.json=json:FILE (repeatable)");
    cmd->add_option("--output-path", o.output_path, "mount target collected as output (default /out)");
    cmd->add_option("--vcpus", o.vcpus, "CPUs: N or MIN-MAX (default 1)");
    cmd->add_option("--ram", o.ram, "memory: SIZE or MIN-MAX (default 256MiB)");
    cmd->add_option("--priority", o.priority, "0..1000 (default 0; 0 = do not run yet)");
    cmd->add_option("--name", o.name, "request name");
    cmd->add_option("--description", o.description, "request description");
    cmd->add_option("--container-count-max", o.container_count_max, "containers the request may use (first run plus retries)");
    cmd->add_flag("--no-use-existing", o.flags.no_use_existing, "always get a new container, never reuse");
    cmd->add_option("--output-name", o.output_name, "name of the output collection");
    cmd->add_option("--output-ttl", o.output_ttl, "trash the output collection after DURATION");
    cmd->add_option("--partitions", o.partitions, "comma-separated partitions that may run it");
    cmd->add_option("--max-run-time", o.max_run_time, "cancel the container after DURATION");
    cmd->add_option("command", o.flags.command, "the command, after --");
}

Json spec_from_flags(const RequestFlags& o, const cli::Context& ctx, const Json& given) {
    cr::FlagSpec f = o.flags;
    auto set = [](std::optional<std::string>& field, const std::string& value) {
        if (!value.empty()) field = value;
    };
    set(f.image, o.image);
    set(f.cwd, o.cwd);
    set(f.output_path, o.output_path);
    set(f.vcpus, o.vcpus);
    set(f.ram, o.ram);
    set(f.name, o.name);
    set(f.description, o.description);
    set(f.output_name, o.output_name);
    set(f.output_ttl, o.output_ttl);
    set(f.partitions, o.partitions);
    set(f.max_run_time, o.max_run_time);
    f.priority = o.priority;
    f.container_count_max = o.container_count_max;
    const Json base = !given.is_null() ? given : o.file.empty() ? Json() : cr::load_spec_file(o.file);
    return cr::build_spec(base, f, ctx.config().get_string("crctl.default_image"));
}

namespace {
struct DryRunRollback {
    Json value;
};
}  // namespace

Json mutate(cr::Store& store, bool dry_run, const std::function<Json(cr::Tx&)>& fn) {
    if (!dry_run) return store.write(fn);
    try {
        store.write([&](cr::Tx& tx) { throw DryRunRollback{fn(tx)}; });
    } catch (DryRunRollback& rollback) {
        return std::move(rollback.value);
    }
    return nullptr;
}

Json audited(std::string_view operation, const std::string& object, bool dry_run, const std::function<Json()>& fn) {
    if (dry_run) return fn();
    try {
        Json result = fn();
        const std::string name =
            object.empty() && result.is_object() && result.contains("uuid") ? result["uuid"].get<std::string>() : object;
        audit(operation, name, "ok");
        return result;
    } catch (const Error& e) {
        audit(operation, object.empty() ? "-" : object, to_string(e.kind()), e.what());
        throw;
    }
}

}  // namespace opskit::crctl
