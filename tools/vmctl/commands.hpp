// The verbs of vmctl, one file each (cmd_<verb>.cpp); main.cpp registers them in this order.
#pragma once

#include "common.hpp"
#include "common/cli.hpp"

namespace opskit::vmctl {
// `config show` comes from tools/common.
void set_hosts_command(CLI::App* verb, cli::Context& ctx);
void set_list_command(CLI::App* verb, cli::Context& ctx);
void set_status_command(CLI::App* verb, cli::Context& ctx);
void set_start_command(CLI::App* verb, cli::Context& ctx);
void set_stop_command(CLI::App* verb, cli::Context& ctx);
void set_reboot_command(CLI::App* verb, cli::Context& ctx);
void set_snapshot_command(CLI::App* verb, cli::Context& ctx);
void set_destroy_command(CLI::App* verb, cli::Context& ctx);
void set_recover_command(CLI::App* verb, cli::Context& ctx);
void set_expunge_command(CLI::App* verb, cli::Context& ctx);
void set_wait_command(CLI::App* verb, cli::Context& ctx);
void set_volume_command(CLI::App* verb, cli::Context& ctx);
}  // namespace opskit::vmctl
