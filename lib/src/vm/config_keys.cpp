// The `vmctl:` section of the config schema.
#include "../core/config_sections.hpp"

namespace opskit::detail {

std::vector<ConfigKey> vmctl_config_keys() {
    return {
        {"vmctl", "connect", ValueType::string, nullptr, "libvirt URI (default: libvirt's own default)"},
        {"vmctl", "stop_timeout", ValueType::duration, 120, "graceful stop deadline"},
        {"vmctl", "expunge_delay", ValueType::duration, 86400, "time from destroy to due expunge"},
        {"vmctl", "parallel", ValueType::integer, 1, "VMs handled at once by bulk verbs"},
    };
}

}  // namespace opskit::detail
