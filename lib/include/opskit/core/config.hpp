// The one configuration loader. Values come from, in falling precedence: a command-line flag,
// the tool's environment variable, the user's YAML file, the system YAML file, the built-in
// default — and every value remembers which of those it came from, so `config show --origin`
// can answer "why is it set to that?". The schema of every key of every tool lives in the
// library, so a file is validated the same way whichever tool reads it.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "opskit/core/output.hpp"
#include "opskit/core/units.hpp"

namespace opskit {

/// string_map: a YAML mapping of names to strings (vmctl.hosts); from env or a flag it is
/// `NAME=VALUE` items separated by commas or white space. Layers merge per entry.
/// repeated_string: a list of strings given one per occurrence — a YAML scalar or list, one
/// env value (never split: URIs may hold commas), a flag given once or more (vmctl.connect).
enum class ValueType { string, integer, boolean, duration, size, string_list, string_map, repeated_string };

/// The layers a value can come from, lowest first.
enum class ConfigLayer { builtin, system_file, user_file, env, flag };

/// One key of the schema: `section.name`, its type, default and one-line help.
struct ConfigKey {
    std::string section;       ///< `common`, `bkctl`, `crctl` or `vmctl`
    std::string name;          ///< snake_case, unique within its section
    ValueType type;
    Json default_value;        ///< typed as in ConfigValue::value; null = unset
    std::string description;

    std::string full_name() const { return section + "." + name; }
};

/// A resolved value: durations as seconds (number), sizes as bytes (integer),
/// lists as arrays of strings; null when unset.
struct ConfigValue {
    Json value;
    std::string origin;        ///< `default`, `flag --store`, `env CRCTL_STORE`, `file /etc/opskit/config.yaml:12`
    std::map<std::string, std::string> entry_origins;  ///< string_map only: where each entry came from
    ConfigLayer layer = ConfigLayer::builtin;          ///< the layer that set it (--config counts as user_file)
};

/// Every key the library knows, all sections.
const std::vector<ConfigKey>& config_schema();

/// Where the values may come from. Flags are raw text keyed by full key name.
struct ConfigSources {
    std::string tool;                                        ///< `bkctl`, `crctl`, `vmctl`
    std::optional<std::filesystem::path> explicit_file;      ///< --config: the only file read
    std::map<std::string, std::pair<std::string, std::string>> flags;  ///< key → (flag name, raw text)
    /// repeated_string keys: key → (flag name, one raw text per occurrence of the flag).
    std::map<std::string, std::pair<std::string, std::vector<std::string>>> repeated_flags;
    std::function<const char*(const char*)> getenv = nullptr;          ///< defaults to ::getenv
    std::filesystem::path system_file = "/etc/opskit/config.yaml";
    std::optional<std::filesystem::path> user_file;          ///< defaults to $XDG_CONFIG_HOME/opskit/config.yaml
};

/// The environment variable of a key for a tool (`crctl.store` → `CRCTL_STORE`,
/// `common.syslog` → `CRCTL_SYSLOG`); empty when the key belongs to another tool.
std::string env_name_for(std::string_view tool, const ConfigKey& key);

class Config {
public:
    /// The value of `section.name`; throws Error(internal) for a key not in the schema.
    const ConfigValue& at(std::string_view key) const;
    bool is_set(std::string_view key) const { return !at(key).value.is_null(); }

    std::string get_string(std::string_view key) const;     ///< "" when unset
    std::int64_t get_int(std::string_view key) const;
    bool get_bool(std::string_view key) const;
    Duration get_duration(std::string_view key) const;
    std::uint64_t get_size(std::string_view key) const;
    std::vector<std::string> get_list(std::string_view key) const;
    /// A string_map as name → value (empty when unset).
    std::map<std::string, std::string> get_map(std::string_view key) const;
    /// True when `key` was set in a higher layer than `other` (flag > env > user file >
    /// system file > default): which of two keys that can name the same thing wins.
    bool overrides(std::string_view key, std::string_view other) const;

    /// The keys of `common` and of this tool as nested objects; with origins,
    /// each leaf is `{"value": …, "origin": "…"}`.
    Json to_json(bool with_origin) const;
    /// Files that were read, in order.
    const std::vector<std::filesystem::path>& files() const { return m_files; }
    const std::string& tool() const { return m_tool; }

private:
    friend Config load_config(const ConfigSources& sources);
    std::string m_tool;
    std::map<std::string, ConfigValue, std::less<>> m_values;
    std::vector<std::filesystem::path> m_files;
};

/// Loads and validates. An unknown section or key, or a value of the wrong type, in a file
/// throws Error(usage) naming the file, the key and the line; a bad env or flag value names
/// the variable or flag. A missing --config file is Error(not_found).
Config load_config(const ConfigSources& sources);

}  // namespace opskit
