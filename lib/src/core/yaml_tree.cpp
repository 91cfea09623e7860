// load_yaml() (see yaml_tree.hpp): finds the yaml-cpp plugin once, then hands it each text.
#include "yaml_tree.hpp"

#include "opskit/core/plugin.hpp"

namespace opskit::detail {

YamlNode load_yaml(std::string_view text) {
    // A function-local static: the plugin is looked up once per process, and a failure to
    // load it is thrown again (with the loader's reason) at every call instead of cached.
    static const auto load = reinterpret_cast<YamlLoadFn>(load_plugin_symbol(
        reinterpret_cast<const void*>(&load_yaml), OPSKIT_CORE_YAML_PLUGIN, yaml_load_symbol, "load the YAML reader"));
    YamlLoadResult result;
    load(text, result);
    if (!result.ok) throw YamlSyntaxError(result.what, result.line, std::move(result.message));
    return std::move(result.root);
}

}  // namespace opskit::detail
