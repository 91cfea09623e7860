// vmctl: VM power operations on libvirt: graceful stop, snapshots, destroy and recover.
// Only the verb list is here; parsing, config, output and exit codes come from tools/common.
#include "commands.hpp"

int main(int argc, char** argv) {
    const opskit::cli::ToolSpec spec{
        "vmctl",
        "vmctl — VM power operations on libvirt: graceful stop, snapshots, destroy and recover",
        [](CLI::App& app, opskit::cli::Context& ctx) {
            using namespace opskit::vmctl;
            ctx.config_repeated_option(&app, "-c,--connect", "vmctl.connect",
                                       "libvirt URI or NAME=URI, repeatable: one host each (default: vmctl.hosts, else libvirt's default)");
            auto* host = app.add_option("--host", host_flags(), "work only on this host of vmctl.hosts (repeatable)");
            ctx.complete(host, [&ctx] { return complete_host_names(ctx); });
            ctx.config_option(&app, "--connect-timeout", "vmctl.connect_timeout", "deadline for opening each host's connection");
            set_hosts_command(app, ctx);
            set_list_command(app, ctx);
            set_status_command(app, ctx);
            set_start_command(app, ctx);
            set_stop_command(app, ctx);
            set_reboot_command(app, ctx);
            set_snapshot_command(app, ctx);
            set_destroy_command(app, ctx);
            set_recover_command(app, ctx);
            set_expunge_command(app, ctx);
            set_wait_command(app, ctx);
            set_volume_command(app, ctx);
        },
    };
    return opskit::cli::run(argc, argv, spec);
}
