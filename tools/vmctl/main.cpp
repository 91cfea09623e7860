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
            {"hosts", "list the fleet's hosts: reachable, versions, VM counts by state",
             opskit::vmctl::set_hosts_command},
            {"list", "list VMs with their state (Destroyed ones only with --all or --state)",
             opskit::vmctl::set_list_command},
            {"status", "show the state, reason, vcpus, memory, snapshots and destroy record of VMs",
             opskit::vmctl::set_status_command},
            {"start", "start VMs (a Running VM is left alone)",
             opskit::vmctl::set_start_command},
            {"stop", "stop VMs gracefully within a deadline, or power them off",
             opskit::vmctl::set_stop_command},
            {"reboot", "reboot VMs gracefully, or reset them with --force",
             opskit::vmctl::set_reboot_command},
            {"snapshot", "create, list, revert and delete VM snapshots",
             opskit::vmctl::set_snapshot_command},
            {"destroy", "mark VMs Destroyed (expunged after vmctl.expunge_delay), or expunge now",
             opskit::vmctl::set_destroy_command},
            {"recover", "take Destroyed VMs back to Stopped",
             opskit::vmctl::set_recover_command},
            {"expunge", "remove Destroyed VMs now (--yes), or those that are due (--due)",
             opskit::vmctl::set_expunge_command},
            {"wait", "wait until a VM is in a state",
             opskit::vmctl::set_wait_command},
            {"volume", "list, attach, detach and resize a VM's disks (refused while it has snapshots)",
             opskit::vmctl::set_volume_command},
        },
    };
    return opskit::cli::run(argc, argv, spec);
}
