// The plugin libopskit-core-yaml: the only code that calls yaml-cpp. It copies a loaded
// document into core's plain YamlNode tree (core/yaml_tree.hpp), so yaml-cpp's libraries are
// mapped only by a process that reads YAML.
#include <yaml-cpp/yaml.h>

#include "core/yaml_tree.hpp"

namespace opskit::detail {
namespace {

YamlNode copy(const YAML::Node& node) {
    YamlNode out;
    const auto mark = node.Mark();
    if (!mark.is_null()) {
        out.line = mark.line + 1;
        out.column = mark.column + 1;
    }
    switch (node.Type()) {
        case YAML::NodeType::Undefined:
        case YAML::NodeType::Null: out.kind = YamlNode::Kind::null; break;
        case YAML::NodeType::Scalar:
            out.kind = YamlNode::Kind::scalar;
            out.text = node.Scalar();
            out.tag = node.Tag();
            break;
        case YAML::NodeType::Sequence:
            out.kind = YamlNode::Kind::sequence;
            out.items.reserve(node.size());
            for (const auto& item : node) out.items.push_back(copy(item));
            break;
        case YAML::NodeType::Map:
            out.kind = YamlNode::Kind::map;
            out.items.reserve(2 * node.size());
            for (const auto& entry : node) {
                out.items.push_back(copy(entry.first));
                out.items.push_back(copy(entry.second));
            }
            break;
    }
    return out;
}

}  // namespace
}  // namespace opskit::detail

// Looked up by name (yaml_load_symbol); C linkage keeps that name plain. Nothing thrown by
// yaml-cpp crosses back: a syntax error comes back as data.
extern "C" void opskit_core_yaml_load(std::string_view text, opskit::detail::YamlLoadResult& out) {
    try {
        out.root = opskit::detail::copy(YAML::Load(std::string(text)));
    } catch (const YAML::Exception& e) {
        out.ok = false;
        out.line = e.mark.is_null() ? 0 : e.mark.line + 1;
        out.what = e.what();
        out.message = e.msg;
    }
}
