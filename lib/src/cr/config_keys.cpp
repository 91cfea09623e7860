// The `crctl:` section of the config schema.
#include "../core/config_sections.hpp"

namespace opskit::detail {

std::vector<ConfigKey> crctl_config_keys() {
    return {
        {"crctl", "store", ValueType::string, nullptr,
         "SQLite store (default $XDG_STATE_HOME/crctl/crctl.db, root: /var/lib/crctl/crctl.db)"},
        {"crctl", "cluster_id", ValueType::string, "zzzzz", "five-character cluster id in UUIDs"},
        {"crctl", "default_image", ValueType::string, "host", "container_image for requests built from flags"},
        {"crctl", "runtime", ValueType::string, "host", "dispatch runtime: host, podman or docker"},
    };
}

}  // namespace opskit::detail
