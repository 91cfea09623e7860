// bkctl list: the backups bkctl made (`dsmc query image`, or `query backup` in file mode),
// one row per version, with the backup id taken from the link name.
#include "commands.hpp"
#include "options.hpp"

namespace opskit::bkctl {

void set_list_command(CLI::App* cmd, cli::Context& ctx) {
    auto opts = add_job_options(cmd, ctx, {});
    ctx.on(cmd, [&ctx, opts] {
        auto r = job_result(backup::run_list_job(make_job_spec(ctx, *opts, backup::Operation::query)));
        r.table_value = nullptr;
        r.columns = {{"backup_id", "ID"}, {"size_bytes", "SIZE"}, {"backup_date", "DATE"},
                     {"active", "ACTIVE"}, {"mgmt_class", "CLASS"}, {"name", "NAME"}};
        return r;
    });
}

}  // namespace opskit::bkctl
