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
        },
        {
            {"hosts", opskit::vmctl::set_hosts_command},
            {"list", opskit::vmctl::set_list_command},
            {"status", opskit::vmctl::set_status_command},
            {"start", opskit::vmctl::set_start_command},
            {"stop", opskit::vmctl::set_stop_command},
            {"reboot", opskit::vmctl::set_reboot_command},
            {"snapshot", opskit::vmctl::set_snapshot_command},
            {"destroy", opskit::vmctl::set_destroy_command},
            {"recover", opskit::vmctl::set_recover_command},
            {"expunge", opskit::vmctl::set_expunge_command},
            {"wait", opskit::vmctl::set_wait_command},
            {"volume", opskit::vmctl::set_volume_command},
        },
    };
    return opskit::cli::run(argc, argv, spec);
}
