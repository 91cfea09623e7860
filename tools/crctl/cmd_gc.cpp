// crctl gc: delete collections past delete_at and free stored content nobody refers to;
// reports what was trashed, deleted and freed. Safe to run from cron next to dispatchers.
#include <memory>

#include "commands.hpp"
#include "store_cli.hpp"
#include "opskit/core/lock.hpp"
#include "opskit/cr/collections/collection_gc.hpp"

namespace opskit::crctl {

void set_gc_command(CLI::App* cmd, cli::Context& ctx) {
    struct Options {
        bool dry_run = false;
        std::string min_age = "10m";
    };
    auto opts = std::make_shared<Options>();
    cmd->add_flag("--dry-run", opts->dry_run, "report what would be deleted and freed, change nothing");
    cmd->add_option("--min-age", opts->min_age, "keep unreferenced content younger than DURATION")->capture_default_str();
    add_store_option(cmd, ctx);
    ctx.on(cmd, [opts, &ctx] {
        cr::GcOptions options;
        options.dry_run = opts->dry_run;
        options.min_age = parse_duration(opts->min_age);
        auto store = open_store(ctx);
        const auto lock = acquire_lock("crctl-gc-" + store.path().string(), "gc of store " + store.path().string());
        const auto report = cr::collect_garbage(store, options);
        Result r;
        r.value = report.to_json();
        r.table_value = Json{{"trashed", report.trashed.size()},
                             {"deleted", report.deleted.size()},
                             {"freed", report.freed.size()},
                             {"freed_bytes", report.freed_bytes},
                             {"work_dirs", report.work_dirs.size()},
                             {"dry_run", report.dry_run}};
        return r;
    });
}

}  // namespace opskit::crctl
