// Spec intake (see spec.hpp): YAML/JSON files and flags become one JSON object of client
// fields. YAML scalars are typed here (yaml-cpp leaves that to the caller) so that
// `priority: 5` is an integer and `name: "5"` stays a string.
#include "opskit/cr/lifecycle/spec.hpp"

#include <fmt/format.h>

#include <iostream>
#include <iterator>
#include <regex>

#include "core/yaml_tree.hpp"
#include "opskit/core/error.hpp"
#include "opskit/core/fs.hpp"
#include "opskit/core/units.hpp"
#include "opskit/cr/lifecycle/model.hpp"

namespace opskit::cr {
namespace {

using detail::YamlNode;

Json scalar_to_json(const YamlNode& node) {
    const std::string& text = node.text;
    if (node.tag == "!") return text;  // quoted: always a string
    static const std::regex int_re(R"([-+]?[0-9]+)");
    static const std::regex float_re(R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)");
    if (text == "null" || text == "Null" || text == "NULL" || text == "~" || text.empty()) return nullptr;
    if (text == "true" || text == "True" || text == "TRUE") return true;
    if (text == "false" || text == "False" || text == "FALSE") return false;
    if (std::regex_match(text, int_re)) {
        try {
            return std::stoll(text);
        } catch (const std::out_of_range&) {
            return text;
        }
    }
    if (std::regex_match(text, float_re)) {
        try {
            return std::stod(text);
        } catch (const std::out_of_range&) {  // 1e400: kept as text, as too-long integers are
            return text;
        }
    }
    return text;
}

// A mapping key as yaml-cpp's as<std::string>() gave it: a scalar's text, "null" for an
// empty key, and its "bad conversion" for a sequence or mapping used as a key.
std::string key_text(const YamlNode& key, std::string_view input_name) {
    if (key.is_scalar()) return key.text;
    if (key.is_null()) return "null";
    throw Error(ErrorKind::usage, "invalid YAML spec", input_name,
                fmt::format("yaml-cpp: error at line {}, column {}: bad conversion", key.line, key.column));
}

Json node_to_json(const YamlNode& node, std::string_view input_name) {
    switch (node.kind) {
        case YamlNode::Kind::null: return nullptr;
        case YamlNode::Kind::scalar: return scalar_to_json(node);
        case YamlNode::Kind::sequence: {
            Json out = Json::array();
            for (const auto& item : node.items) out.push_back(node_to_json(item, input_name));
            return out;
        }
        case YamlNode::Kind::map: {
            Json out = Json::object();
            for (std::size_t i = 0; i < node.items.size(); i += 2)
                out[key_text(node.items[i], input_name)] = node_to_json(node.items[i + 1], input_name);
            return out;
        }
    }
    return nullptr;
}

std::int64_t parse_count(std::string_view text, std::string_view flag) {
    std::size_t used = 0;
    try {
        const long long value = std::stoll(std::string(text), &used);
        if (used == text.size()) return value;
    } catch (const std::exception&) {
    }
    throw Error(ErrorKind::usage, "invalid " + std::string(flag), text, "expected an integer");
}

/// `N` or `MIN-MAX` (of sizes when `sizes`).
Json parse_range(std::string_view text, std::string_view flag, bool sizes) {
    auto one = [&](std::string_view part) -> Json {
        if (sizes) {
            try {
                return static_cast<std::int64_t>(parse_size(part));
            } catch (const Error&) {
                throw Error(ErrorKind::usage, "invalid " + std::string(flag), text, "expected SIZE or MIN-MAX (4G, 2G-8G)");
            }
        }
        try {
            return parse_count(part, flag);
        } catch (const Error&) {
            throw Error(ErrorKind::usage, "invalid " + std::string(flag), text, "expected N or MIN-MAX (2, 2-8)");
        }
    };
    const auto dash = text.find('-');
    if (dash == std::string_view::npos) return one(text);
    return Json::array({one(text.substr(0, dash)), one(text.substr(dash + 1))});
}

std::int64_t duration_seconds(std::string_view text, std::string_view flag) {
    try {
        return parse_duration(text).count() / 1000;
    } catch (const Error&) {
        throw Error(ErrorKind::usage, "invalid " + std::string(flag), text, "expected a duration (90, 90s, 5m, 2h, 1d)");
    }
}

}  // namespace

Json yaml_to_json(std::string_view text, std::string_view input_name) {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first != std::string_view::npos && (text[first] == '{' || text[first] == '[')) {
        try {
            return Json::parse(text);
        } catch (const Json::exception& e) {  // parse_error, and out_of_range for numbers like 1e400
            throw Error(ErrorKind::usage, "invalid JSON spec", input_name, e.what());
        }
    }
    YamlNode root;
    try {
        root = detail::load_yaml(text);
    } catch (const detail::YamlSyntaxError& e) {
        throw Error(ErrorKind::usage, "invalid YAML spec", input_name, e.what());
    }
    return node_to_json(root, input_name);
}

Json load_spec_file(std::string_view path) {
    std::string text;
    if (path == "-") text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    else text = read_file(std::string(path));
    const std::string name = path == "-" ? "stdin" : std::string(path);
    Json spec = yaml_to_json(text, name);
    if (!spec.is_object()) throw Error(ErrorKind::usage, "invalid spec", name, "expected a mapping of request fields");
    return spec;
}

std::pair<std::string, Json> parse_mount_flag(std::string_view text) {
    static constexpr std::string_view expected =
        "expected TARGET=tmp[:SIZE], TARGET=host:PATH[:rw|:ro], TARGET=collection:PDH|UUID, TARGET=json:FILE or "
        "TARGET=text:FILE";
    const auto eq = text.find('=');
    if (eq == std::string_view::npos || eq == 0) throw Error(ErrorKind::usage, "invalid --mount", text, expected);
    const std::string target(text.substr(0, eq));
    const std::string_view spec = text.substr(eq + 1);
    const auto colon = spec.find(':');
    const std::string_view kind = spec.substr(0, colon);
    const std::string_view rest = colon == std::string_view::npos ? std::string_view{} : spec.substr(colon + 1);
    Json mount{{"kind", std::string(kind)}};
    if (kind == "tmp") {
        if (!rest.empty()) {
            try {
                mount["capacity"] = static_cast<std::int64_t>(parse_size(rest));
            } catch (const Error&) {
                throw Error(ErrorKind::usage, "invalid --mount", text, "tmp capacity must be a size (512M, 1G)");
            }
        }
    } else if (kind == "host") {
        std::string path(rest);
        bool writable = false;
        if (path.size() > 3 && (path.ends_with(":rw") || path.ends_with(":ro"))) {
            writable = path.ends_with(":rw");
            path.resize(path.size() - 3);
        }
        if (path.empty() || path[0] != '/') throw Error(ErrorKind::usage, "invalid --mount", text, "a host mount needs an absolute path");
        mount["path"] = path;
        mount["writable"] = writable;
    } else if (kind == "collection") {
        if (rest.empty()) throw Error(ErrorKind::usage, "invalid --mount", text, "a collection mount needs a PDH or uuid");
        if (is_uuid(rest, collection_infix)) mount["uuid"] = std::string(rest);
        else mount["portable_data_hash"] = std::string(rest);
    } else if (kind == "json" || kind == "text") {
        if (rest.empty()) throw Error(ErrorKind::usage, "invalid --mount", text, "a json or text mount needs a FILE");
        const std::string content = read_file(std::string(rest));
        if (kind == "text") mount["content"] = content;
        else {
            try {
                mount["content"] = Json::parse(content);
            } catch (const Json::exception& e) {  // parse_error, and out_of_range for numbers like 1e400
                throw Error(ErrorKind::usage, "invalid --mount", text, std::string("the file is not JSON: ") + e.what());
            }
        }
    } else {
        throw Error(ErrorKind::usage, "invalid --mount", text, expected);
    }
    return {target, mount};
}

Json build_spec(const Json& base, const FlagSpec& f, std::string_view default_image) {
    Json spec = base.is_object() ? base : Json::object();
    if (!base.is_object()) {
        spec["container_image"] = std::string(default_image);
        spec["cwd"] = "/tmp";
        spec["mounts"] = Json{{"/out", {{"kind", "tmp"}}}};
        spec["output_path"] = "/out";
        spec["runtime_constraints"] = Json{{"vcpus", 1}, {"ram", 268435456}};
    }
    auto object_field = [&](const char* key) -> Json& {
        if (!spec.contains(key) || !spec[key].is_object()) spec[key] = Json::object();
        return spec[key];
    };
    if (f.image) spec["container_image"] = *f.image;
    if (f.cwd) spec["cwd"] = *f.cwd;
    for (const auto& kv : f.env) {
        const auto eq = kv.find('=');
        if (eq == std::string::npos || eq == 0) throw Error(ErrorKind::usage, "invalid --env", kv, "expected KEY=VALUE");
        object_field("environment")[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    for (const auto& m : f.mounts) {
        auto [target, mount] = parse_mount_flag(m);
        object_field("mounts")[target] = mount;
    }
    if (f.output_path) spec["output_path"] = *f.output_path;
    if (f.vcpus) object_field("runtime_constraints")["vcpus"] = parse_range(*f.vcpus, "--vcpus", false);
    if (f.ram) object_field("runtime_constraints")["ram"] = parse_range(*f.ram, "--ram", true);
    if (f.priority) spec["priority"] = *f.priority;
    if (f.name) spec["name"] = *f.name;
    if (f.description) spec["description"] = *f.description;
    if (f.container_count_max) spec["container_count_max"] = *f.container_count_max;
    if (f.no_use_existing) spec["use_existing"] = false;
    if (f.output_name) spec["output_name"] = *f.output_name;
    if (f.output_ttl) spec["output_ttl"] = duration_seconds(*f.output_ttl, "--output-ttl");
    if (f.partitions) {
        Json parts = Json::array();
        std::string_view rest = *f.partitions;
        while (!rest.empty()) {
            const auto comma = rest.find(',');
            const auto part = rest.substr(0, comma);
            if (!part.empty()) parts.push_back(std::string(part));
            if (comma == std::string_view::npos) break;
            rest.remove_prefix(comma + 1);
        }
        object_field("scheduling_parameters")["partitions"] = parts;
    }
    if (f.max_run_time) object_field("scheduling_parameters")["max_run_time"] = duration_seconds(*f.max_run_time, "--max-run-time");
    if (f.commit) spec["state"] = "Committed";
    if (!f.command.empty()) spec["command"] = f.command;
    return spec;
}

}  // namespace opskit::cr
