// The `vmctl:` section of the config schema.
#include "../core/config_sections.hpp"

namespace opskit::detail {

std::vector<ConfigKey> vmctl_config_keys() {
    return {
        {"vmctl", "connect", ValueType::repeated_string, nullptr,
         "libvirt URI, or several (URI or NAME=URI each): one host each (default: libvirt's own default)"},
        {"vmctl", "hosts", ValueType::string_map, nullptr, "the fleet: host name -> libvirt URI"},
        {"vmctl", "stop_timeout", ValueType::duration, 120, "graceful stop deadline"},
        {"vmctl", "expunge_delay", ValueType::duration, 86400, "time from destroy to due expunge"},
        {"vmctl", "parallel", ValueType::integer, 1, "VMs handled at once by bulk verbs (fleet: default one per host)"},
        {"vmctl", "per_host_parallel", ValueType::integer, nullptr, "VMs handled at once on one host (default: --parallel)"},
        {"vmctl", "connect_timeout", ValueType::duration, 30, "how long opening one host's connection may take"},
    };
}

}  // namespace opskit::detail
