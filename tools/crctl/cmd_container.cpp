// crctl container list|show|lock|unlock|start|complete|cancel|export|exec: containers as a
// dispatcher (or an operator standing in for one) drives them. The plumbing verbs take the
// holder identity from --holder (config crctl.holder); cancel without --holder is
// administrative. `export` prints what an engine would be given, for deploying by other
// means. `exec` is the node side of a remote engine: it runs one container from its spool
// record and never opens the store.
#include <memory>

#include "commands.hpp"
#include "opskit/core/error.hpp"
#include "opskit/cr/lifecycle/containers.hpp"
#include "opskit/cr/dispatch/export.hpp"
#include "opskit/cr/dispatch/spool.hpp"
#include "store_cli.hpp"

namespace opskit::crctl {
namespace {

const std::vector<Column> container_columns{{"uuid", "UUID"},         {"state", "STATE"},
                                            {"priority", "PRIORITY"}, {"lock_count", "LOCKS"},
                                            {"exit_code", "EXIT"},    {"locked_by", "HOLDER"}};

Result one(Json value) { return Result{std::move(value), {}, nullptr, ExitCode::ok, true}; }

struct ReportOptions {
    std::optional<std::int64_t> exit_code;
    std::string output, log;
    std::optional<double> progress;
    std::vector<std::string> runtime_status;
};

void add_report_flags(CLI::App* cmd, ReportOptions& o, bool results) {
    if (results) {
        cmd->add_option("--exit-code", o.exit_code, "the process exit code");
        cmd->add_option("--output", o.output, "portable data hash of the output collection");
        cmd->add_option("--progress", o.progress, "0..1");
    }
    cmd->add_option("--log", o.log, "portable data hash of the log collection");
    cmd->add_option("--runtime-status", o.runtime_status, "KEY=VALUE merged into runtime_status (error, warning, activity, ...)");
}

cr::ContainerReport to_report(const ReportOptions& o) {
    cr::ContainerReport r;
    r.exit_code = o.exit_code;
    if (!o.output.empty()) r.output = o.output;
    if (!o.log.empty()) r.log = o.log;
    r.progress = o.progress;
    if (!o.runtime_status.empty()) {
        Json status = Json::object();
        for (const auto& kv : o.runtime_status) {
            const auto eq = kv.find('=');
            if (eq == std::string::npos || eq == 0)
                throw Error(ErrorKind::usage, "invalid --runtime-status", kv, "expected KEY=VALUE");
            status[kv.substr(0, eq)] = kv.substr(eq + 1);
        }
        r.runtime_status = status;
    }
    return r;
}

using Plumbing = std::function<cr::Container(cr::Tx&, const std::string& uuid, const std::string& holder,
                                             const cr::ContainerReport&)>;

void add_plumbing(CLI::App* parent, cli::Context& ctx, const std::string& name, const std::string& help, bool reports,
                  bool results, Plumbing op) {
    struct Options {
        std::string uuid, holder;
        ReportOptions report;
        bool dry_run = false;
    };
    auto o = std::make_shared<Options>();
    auto* cmd = parent->add_subcommand(name, help);
    cmd->add_option("uuid", o->uuid, "container UUID")->required();
    ctx.config_option(cmd, "--holder", "crctl.holder", "holder identity of the lock");
    if (reports) add_report_flags(cmd, o->report, results);
    cmd->add_flag("--dry-run", o->dry_run, "show the result, change nothing");
    add_store_option(cmd, ctx);
    ctx.complete_positional(cmd, container_uuid_completer(ctx));
    ctx.on(cmd, [o, &ctx, name, op] {
        const auto report = to_report(o->report);
        const std::string holder = ctx.config().get_string("crctl.holder");
        auto store = open_store(ctx);
        return one(audited("container." + name, o->uuid, o->dry_run, [&] {
            return mutate(store, o->dry_run, [&](cr::Tx& tx) { return cr::to_json(op(tx, o->uuid, holder, report)); });
        }));
    });
}

void add_cancel(CLI::App* parent, cli::Context& ctx) {
    struct Options {
        std::string uuid, holder;
        ReportOptions report;
        bool dry_run = false;
    };
    auto o = std::make_shared<Options>();
    auto* cmd = parent->add_subcommand("cancel", "cancel a container (retried if its requests allow)");
    cmd->add_option("uuid", o->uuid, "container UUID")->required();
    cmd->add_option("--holder", o->holder, "act as this lock holder (default: administrative cancel)");
    add_report_flags(cmd, o->report, true);
    cmd->add_flag("--dry-run", o->dry_run, "show the result, change nothing");
    add_store_option(cmd, ctx);
    ctx.complete_positional(cmd, container_uuid_completer(ctx));
    ctx.on(cmd, [o, &ctx] {
        const auto report = to_report(o->report);
        auto store = open_store(ctx);
        return one(audited("container.cancel", o->uuid, o->dry_run, [&] {
            return mutate(store, o->dry_run,
                          [&](cr::Tx& tx) { return cr::to_json(cr::cancel_container(tx, o->uuid, o->holder, report)); });
        }));
    });
}

void add_show(CLI::App* parent, cli::Context& ctx) {
    auto uuid = std::make_shared<std::string>();
    auto* cmd = parent->add_subcommand("show", "print one container");
    cmd->add_option("uuid", *uuid, "container UUID")->required();
    add_store_option(cmd, ctx);
    ctx.complete_positional(cmd, container_uuid_completer(ctx));
    ctx.on(cmd, [uuid, &ctx] {
        auto store = open_existing_store(ctx);
        if (!store) throw Error(ErrorKind::not_found, "no such container", *uuid, "the store does not exist yet");
        return one(store->read([&](cr::Tx& tx) { return cr::to_json(cr::get_container(tx, *uuid)); }));
    });
}

void add_list(CLI::App* parent, cli::Context& ctx) {
    struct Options {
        std::string state;
        std::int64_t limit = 0;
        bool queue = false;
    };
    auto o = std::make_shared<Options>();
    auto* cmd = parent->add_subcommand("list", "list containers, highest priority first");
    cmd->add_option("--state", o->state, "only Queued, Locked, Running, Complete or Cancelled");
    cmd->add_flag("--queue", o->queue, "only the dispatch queue: Queued with priority > 0");
    cmd->add_option("--limit", o->limit, "at most N (0 = all)");
    add_store_option(cmd, ctx);
    ctx.on(cmd, [o, &ctx] {
        cr::ContainerFilter filter;
        if (!o->state.empty()) {
            filter.state = cr::parse_container_state(o->state);
            if (!filter.state)
                throw Error(ErrorKind::usage, "invalid --state", o->state, "expected Queued, Locked, Running, Complete or Cancelled");
        }
        if (o->queue) {
            filter.state = cr::ContainerState::queued;
            filter.min_priority = 1;
        }
        if (o->limit < 0) throw Error(ErrorKind::usage, "invalid --limit", std::to_string(o->limit), "expected N >= 0");
        filter.limit = o->limit;
        Json rows = Json::array();
        if (auto store = open_existing_store(ctx))
            for (const auto& c : store->read([&](cr::Tx& tx) { return cr::list_containers(tx, filter); }))
                rows.push_back(cr::to_json(c));
        return Result{rows, container_columns, nullptr, ExitCode::ok, true};
    });
}

void add_export(CLI::App* parent, cli::Context& ctx) {
    struct Options {
        std::string uuid, format;
    };
    auto o = std::make_shared<Options>();
    auto* cmd = parent->add_subcommand("export", "print what an engine would be given for a container (swarm, podman, sbatch)");
    cmd->add_option("uuid", o->uuid, "container UUID")->required();
    ctx.complete(cmd->add_option("--format", o->format, "swarm, podman or sbatch")->required(), cr::export_format_names);
    ctx.config_option(cmd, "--spool", "crctl.spool", "spool folder shared with the nodes (swarm, sbatch)");
    add_store_option(cmd, ctx);
    ctx.complete_positional(cmd, container_uuid_completer(ctx));
    ctx.on(cmd, [o, &ctx] {
        const auto format = cr::parse_export_format(o->format);
        auto store = open_existing_store(ctx);
        if (!store) throw Error(ErrorKind::not_found, "no such container", o->uuid, "the store does not exist yet");
        const auto container = store->read([&](cr::Tx& tx) { return cr::get_container(tx, o->uuid); });
        const auto options = cr::export_options_from(ctx.config(), *store);
        auto view = cr::export_container(container, format, options);
        return Result{std::move(view.document), {}, Json(std::move(view.text)), ExitCode::ok, true};
    });
}

void add_exec(CLI::App* parent, cli::Context& ctx) {
    struct Options {
        std::string uuid, spool;
    };
    auto o = std::make_shared<Options>();
    auto* cmd = parent->add_subcommand("exec", "node side of a remote engine: run a container from its spool record");
    cmd->add_option("uuid", o->uuid, "container UUID")->required();
    cmd->add_option("--spool", o->spool, "the spool folder the dispatcher wrote the record into")->required();
    ctx.complete_positional(cmd, container_uuid_completer(ctx));
    ctx.on(cmd, [o] {
        const int code = cr::exec_from_spool(cr::Spool(o->spool), o->uuid);
        Result r = one(Json{{"uuid", o->uuid}, {"exit_code", code}});
        r.exit_code = static_cast<ExitCode>(code);
        return r;
    });
}

}  // namespace

void set_container_command(CLI::App* cmd, cli::Context& ctx) {
    add_list(cmd, ctx);
    add_show(cmd, ctx);
    add_plumbing(cmd, ctx, "lock", "Queued -> Locked by the holder (needs priority > 0)", false, false,
                 [](cr::Tx& tx, const std::string& uuid, const std::string& holder, const cr::ContainerReport&) {
                     return cr::lock_container(tx, uuid, holder);
                 });
    add_plumbing(cmd, ctx, "unlock", "Locked -> Queued (Cancelled after max_dispatch_attempts locks)", false, false,
                 [](cr::Tx& tx, const std::string& uuid, const std::string& holder, const cr::ContainerReport&) {
                     return cr::unlock_container(tx, uuid, holder);
                 });
    add_plumbing(cmd, ctx, "start", "Locked -> Running", false, false,
                 [](cr::Tx& tx, const std::string& uuid, const std::string& holder, const cr::ContainerReport&) {
                     return cr::start_container(tx, uuid, holder);
                 });
    add_plumbing(cmd, ctx, "progress", "report progress, runtime_status, log or output while Locked/Running", true, true,
                 [](cr::Tx& tx, const std::string& uuid, const std::string& holder, const cr::ContainerReport& r) {
                     return cr::set_progress(tx, uuid, holder, r);
                 });
    add_plumbing(cmd, ctx, "complete", "Running -> Complete with exit code, output and log; finalizes its requests", true,
                 true, [](cr::Tx& tx, const std::string& uuid, const std::string& holder, const cr::ContainerReport& r) {
                     return cr::complete_container(tx, uuid, holder, r);
                 });
    add_cancel(cmd, ctx);
    add_export(cmd, ctx);
    add_exec(cmd, ctx);
}

}  // namespace opskit::crctl
