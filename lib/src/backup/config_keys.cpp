// The `bkctl:` section of the config schema.
#include "../core/config_sections.hpp"

namespace opskit::detail {

std::vector<ConfigKey> bkctl_config_keys() {
    return {
        {"bkctl", "dsmc", ValueType::string, "dsmc", "the dsmc client to run (name in PATH or absolute path)"},
        {"bkctl", "timeout", ValueType::duration, nullptr, "kill dsmc's process group after this long"},
        {"bkctl", "prefix", ValueType::string, "backup", "name prefix of the per-backup hard link"},
        {"bkctl", "dev_dir", ValueType::string, "/dev", "folder in which the per-backup hard link is made"},
        {"bkctl", "mode", ValueType::string, "auto", "auto, image or file"},
        {"bkctl", "compression", ValueType::boolean, true, "pass -compression=yes to dsmc backup"},
        {"bkctl", "password_file", ValueType::string, nullptr, "file (mode 0600) holding the TSM password"},
        {"bkctl", "dsmc_options", ValueType::string_list, Json::array(), "extra dsmc options (-servername=…)"},
        {"bkctl", "pre_hook", ValueType::string, nullptr, "command (argv words, no shell) run before dsmc; failure aborts"},
        {"bkctl", "post_hook", ValueType::string, nullptr, "command (argv words, no shell) run after dsmc; failure warns"},
    };
}

}  // namespace opskit::detail
