// YAML read into plain data. yaml-cpp (with its libraries) is mapped only by the plugin
// libopskit-core-yaml, which load_yaml() dlopen()s the first time a YAML text is read: a
// config file or a crctl spec. A tool's start, `--version`, `-h` and every run without a
// config file never map it (see core/plugin.hpp).
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace opskit::detail {

/// One node of a YAML document, as yaml-cpp loaded it.
struct YamlNode {
    enum class Kind : unsigned char { null, scalar, sequence, map };
    Kind kind = Kind::null;
    std::string text;  ///< a scalar's text
    std::string tag;   ///< yaml-cpp's tag: "!" for a quoted scalar, "?" for a plain one, else the explicit tag
    int line = 0;      ///< where the node starts, 1-based (0 when yaml-cpp gave no position)
    int column = 0;
    /// A sequence's items; a map's keys and values, alternating (key, value, key, value ...),
    /// in the document's order, duplicates kept as yaml-cpp keeps them.
    std::vector<YamlNode> items;

    bool is_null() const { return kind == Kind::null; }
    bool is_scalar() const { return kind == Kind::scalar; }
    bool is_sequence() const { return kind == Kind::sequence; }
    bool is_map() const { return kind == Kind::map; }
};

/// A text that is not YAML. what() is yaml-cpp's own message ("yaml-cpp: error at line L,
/// column C: MESSAGE"); line is 1-based, message the part after the position.
class YamlSyntaxError : public std::runtime_error {
public:
    YamlSyntaxError(const std::string& what, int line, std::string message)
        : std::runtime_error(what), m_line(line), m_message(std::move(message)) {}
    int line() const { return m_line; }
    const std::string& message() const { return m_message; }

private:
    int m_line;
    std::string m_message;
};

/// Parses the first document of `text`. Throws YamlSyntaxError, or Error(unavailable) when the
/// plugin cannot be loaded.
YamlNode load_yaml(std::string_view text);

/// What the plugin hands back: its entry point never throws across the dlopen() boundary
/// (only std::bad_alloc could).
struct YamlLoadResult {
    YamlNode root;
    bool ok = true;
    int line = 0;  ///< 1-based, of the error
    std::string what, message;
};

/// The plugin's entry point, looked up by this name.
using YamlLoadFn = void (*)(std::string_view text, YamlLoadResult& out);
inline constexpr const char* yaml_load_symbol = "opskit_core_yaml_load";

}  // namespace opskit::detail
