// The verbs of crctl, one file each (cmd_<verb>.cpp); main.cpp registers them in this order.
#pragma once

#include "common/cli.hpp"

namespace opskit::crctl {
// Requests and containers (the store); `config show` comes from tools/common.
void set_request_command(CLI::App* verb, cli::Context& ctx);
void set_container_command(CLI::App* verb, cli::Context& ctx);
void set_wait_command(CLI::App* verb, cli::Context& ctx);
// Dispatching (runtimes, collections).
void set_dispatch_command(CLI::App* verb, cli::Context& ctx);
void set_run_command(CLI::App* verb, cli::Context& ctx);
void set_collection_command(CLI::App* verb, cli::Context& ctx);
void set_gc_command(CLI::App* verb, cli::Context& ctx);
}  // namespace opskit::crctl
