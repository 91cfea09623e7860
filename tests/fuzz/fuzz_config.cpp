// libFuzzer target for the config loader: any bytes as the YAML config file (first byte picks
// the tool and one of its environment variables; a second part after a NUL byte is that
// variable's value) are either refused with Error(usage) naming the file or variable, or load into
// a Config whose every key reads back through its typed getter and shows with origins.
// fuzz_config -max_total_time=600 CORPUS_DIR tests/fuzz/corpus/config
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "opskit/core/config.hpp"
#include "opskit/core/error.hpp"

namespace {

const std::filesystem::path& config_file() {
    static const std::filesystem::path path =
        std::filesystem::temp_directory_path() / ("fuzz_config." + std::to_string(::getpid()) + ".yaml");
    return path;
}

void read_every_key(const opskit::Config& config) {
    for (const auto& key : opskit::config_schema()) {
        if (key.section != "common" && key.section != config.tool()) continue;
        const std::string name = key.full_name();
        switch (key.type) {
            case opskit::ValueType::string: (void)config.get_string(name); break;
            case opskit::ValueType::integer: if (config.is_set(name)) (void)config.get_int(name); break;
            case opskit::ValueType::boolean: if (config.is_set(name)) (void)config.get_bool(name); break;
            case opskit::ValueType::duration: if (config.is_set(name)) (void)config.get_duration(name); break;
            case opskit::ValueType::size: if (config.is_set(name)) (void)config.get_size(name); break;
            case opskit::ValueType::string_list:
            case opskit::ValueType::repeated_string: (void)config.get_list(name); break;
            case opskit::ValueType::string_map: (void)config.get_map(name); break;
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    static constexpr const char* tools[] = {"bkctl", "crctl", "vmctl"};
    const char* tool = tools[data[0] % 3];
    std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
    std::string env_value;
    const bool with_env = rest.find('\0') != std::string_view::npos;
    if (with_env) {
        env_value = std::string(rest.substr(rest.find('\0') + 1));
        rest = rest.substr(0, rest.find('\0'));
    }
    std::ofstream(config_file(), std::ios::binary | std::ios::trunc) << rest;

    opskit::ConfigSources sources;
    sources.tool = tool;
    sources.explicit_file = config_file();
    // The environment part is the value of one variable of the tool, picked by the first byte.
    std::vector<std::string> env_names;
    for (const auto& key : opskit::config_schema()) {
        const std::string env = opskit::env_name_for(tool, key);
        if (!env.empty()) env_names.push_back(env);
    }
    const std::string chosen = env_names.empty() ? "" : env_names[(data[0] / 3) % env_names.size()];
    sources.getenv = [&](const char* name) -> const char* {
        return with_env && chosen == name ? env_value.c_str() : nullptr;
    };
    try {
        const opskit::Config config = opskit::load_config(sources);
        read_every_key(config);
        (void)config.to_json(true).dump(-1, ' ', false, opskit::Json::error_handler_t::replace);
    } catch (const opskit::Error& e) {
        if (e.kind() != opskit::ErrorKind::usage) __builtin_trap();
    }
    return 0;
}
