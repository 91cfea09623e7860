// The verbs of bkctl, one file each (cmd_<verb>.cpp); main.cpp registers them in this order.
#pragma once

#include "common/cli.hpp"

namespace opskit::bkctl {
// `config show` comes from tools/common.
void set_parse_command(CLI::App& app, cli::Context& ctx);
}  // namespace opskit::bkctl
