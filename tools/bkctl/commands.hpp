// The verbs of bkctl, one file each (cmd_<verb>.cpp); main.cpp registers them in this order.
#pragma once

#include "common/cli.hpp"

namespace opskit::bkctl {
// `config show` comes from tools/common.
void set_resolve_command(CLI::App* verb, cli::Context& ctx);
void set_backup_command(CLI::App* verb, cli::Context& ctx);
void set_restore_command(CLI::App* verb, cli::Context& ctx);
void set_delete_command(CLI::App* verb, cli::Context& ctx);
void set_list_command(CLI::App* verb, cli::Context& ctx);
void set_parse_command(CLI::App* verb, cli::Context& ctx);
void set_sweep_command(CLI::App* verb, cli::Context& ctx);
}  // namespace opskit::bkctl
