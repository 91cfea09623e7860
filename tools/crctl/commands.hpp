// The verbs of crctl, one file each (cmd_<verb>.cpp); main.cpp registers them in this order.
#pragma once

#include "common/cli.hpp"

namespace opskit::crctl {
// Verbs are added here by the domain work; `config show` comes from tools/common.
}  // namespace opskit::crctl
