// Shared option binding for the dsmc verbs (see options.hpp).
#include "options.hpp"

#include <unistd.h>

#include <filesystem>

#include "opskit/backup/dsmc_command.hpp"
#include "opskit/device/resolve.hpp"

namespace fs = std::filesystem;

namespace opskit::bkctl {

std::shared_ptr<JobOptions> add_job_options(CLI::App* cmd, cli::Context& ctx, const OptionSet& set) {
    auto opts = std::make_shared<JobOptions>();
    if (set.device) {
        cmd->add_option("DEVICE", opts->device, "block device: path, symlink, or UUID=/LABEL=/PARTUUID=/PARTLABEL= tag")
            ->required();
        ctx.complete_positional(cmd, device_candidates);
    }
    if (set.id) cmd->add_option("--id", opts->id, "backup id: 1-128 of A-Z a-z 0-9 . _ -")->required();
    if (set.dry_run) cmd->add_flag("--dry-run", opts->dry_run, "print what would be done, change nothing");
    auto* mode = ctx.config_option(cmd, "--mode", "bkctl.mode", "auto, image (block device) or file (regular file)");
    ctx.complete(mode, [] { return std::vector<std::string>{"auto", "image", "file"}; });
    ctx.config_option(cmd, "--prefix", "bkctl.prefix", "name prefix of the per-backup link (default backup)");
    ctx.config_option(cmd, "--dev-dir", "bkctl.dev_dir", "folder of the per-backup link (default /dev)");
    ctx.config_option(cmd, "--dsmc", "bkctl.dsmc", "the dsmc program (name in PATH or path)");
    ctx.config_option(cmd, "--timeout", "bkctl.timeout", "kill dsmc's process group after DURATION (exit 8)");
    ctx.config_option(cmd, "--password-file", "bkctl.password_file", "file (mode 0600) with the TSM password");
    if (set.compression)
        ctx.config_switch(cmd, "--compression", "--no-compression", "bkctl.compression", "ask dsmc to compress (default on)");
    if (set.hooks) {
        ctx.config_option(cmd, "--pre", "bkctl.pre_hook", "command run before dsmc (no shell); failure aborts");
        ctx.config_option(cmd, "--post", "bkctl.post_hook", "command run after dsmc (no shell); failure warns");
    }
    return opts;
}

backup::JobSpec make_job_spec(const cli::Context& ctx, const JobOptions& opts, backup::Operation op) {
    const auto& cfg = ctx.config();
    backup::JobSpec spec;
    spec.op = op;
    spec.device = opts.device;
    spec.backup_id = opts.id;
    spec.dry_run = opts.dry_run;
    spec.mode = cfg.get_string("bkctl.mode");
    spec.prefix = cfg.get_string("bkctl.prefix");
    spec.dev_dir = cfg.get_string("bkctl.dev_dir");
    spec.dsmc.program = cfg.get_string("bkctl.dsmc");
    spec.dsmc.extra = cfg.get_list("bkctl.dsmc_options");
    spec.dsmc.compression = cfg.get_bool("bkctl.compression");
    if (cfg.is_set("bkctl.timeout")) spec.dsmc.timeout = cfg.get_duration("bkctl.timeout");
    spec.pre = cfg.get_string("bkctl.pre_hook");
    spec.post = cfg.get_string("bkctl.post_hook");
    std::optional<fs::path> pw_file;
    if (cfg.is_set("bkctl.password_file")) pw_file = cfg.get_string("bkctl.password_file");
    spec.dsmc.password = backup::load_password(pw_file);
    if (ctx.verbose() > 0)
        spec.on_output = [](std::string_view chunk) {
            [[maybe_unused]] auto n = ::write(STDERR_FILENO, chunk.data(), chunk.size());
        };
    return spec;
}

std::vector<std::string> device_candidates() {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator("/sys/class/block", ec)) {
        const auto dev = fs::path("/dev") / e.path().filename();
        if (!fs::exists(dev, ec)) continue;
        out.push_back(dev.string());
        for (const auto& [k, v] : device::probe(dev))
            if (k == "UUID" || k == "LABEL" || k == "PARTUUID" || k == "PARTLABEL") out.push_back(k + "=" + v);
    }
    return out;
}

Result job_result(backup::JobOutcome outcome) {
    Result r;
    r.value = std::move(outcome.value);
    r.table_value = std::move(outcome.table);
    r.exit_code = outcome.exit_code;
    return r;
}

}  // namespace opskit::bkctl
