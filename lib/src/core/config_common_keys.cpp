// The `common:` section: settings every tool honours.
#include "config_sections.hpp"

namespace opskit::detail {

std::vector<ConfigKey> common_config_keys() {
    return {
        {"common", "output", ValueType::string, "table", "default output format: table, json, yaml or jsonl"},
        {"common", "syslog", ValueType::boolean, true, "log one line per mutating operation to syslog"},
        {"common", "audit_file", ValueType::string, nullptr, "also append those lines to this file (0600)"},
        {"common", "wait_lock", ValueType::duration, 0, "how long to wait for a busy lock before exiting 6"},
        {"common", "metrics_textfile_dir", ValueType::string, nullptr,
         "node_exporter textfile folder: mutating verbs write their run metrics there"},
    };
}

}  // namespace opskit::detail
