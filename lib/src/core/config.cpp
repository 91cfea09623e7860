// Config loading: schema-checked YAML files, environment and flags, with an origin per value.
#include "opskit/core/config.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <set>

#include "config_sections.hpp"
#include "yaml_tree.hpp"
#include "opskit/core/error.hpp"
#include "opskit/core/fs.hpp"

namespace fs = std::filesystem;

namespace opskit {
namespace {

std::string_view type_name(ValueType t) {
    switch (t) {
    case ValueType::string: return "a string";
    case ValueType::integer: return "an integer";
    case ValueType::boolean: return "true or false";
    case ValueType::duration: return "a duration (90, 90s, 5m, 2h, 1d)";
    case ValueType::size: return "a size (bytes, K, M, G, T, KiB, MiB, GiB, TiB)";
    case ValueType::string_list: return "a list of strings";
    case ValueType::string_map: return "a mapping of names to strings (NAME=VALUE,...)";
    case ValueType::repeated_string: return "a string or a list of strings";
    }
    return "a value";
}

Json duration_json(Duration d) {
    if (d.count() % 1000 == 0) return d.count() / 1000;
    return to_seconds(d);
}

// Converts raw text (env or flag) to the key's JSON representation; throws a usage Error
// naming `source` on a bad value.
Json parse_text(const ConfigKey& key, const std::string& text, const std::string& source) {
    const auto bad = [&]() {
        return Error(ErrorKind::usage, fmt::format("invalid value for {}", key.full_name()),
                     fmt::format("{}={}", source, text), fmt::format("expected {}", type_name(key.type)));
    };
    switch (key.type) {
    case ValueType::string: return text;
    case ValueType::repeated_string: return Json::array({text});
    case ValueType::integer: {
        std::int64_t v = 0;
        auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
        if (ec != std::errc{} || p != text.data() + text.size()) throw bad();
        return v;
    }
    case ValueType::boolean: {
        std::string t = text;
        std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return std::tolower(c); });
        if (t == "1" || t == "true" || t == "yes" || t == "on") return true;
        if (t == "0" || t == "false" || t == "no" || t == "off") return false;
        throw bad();
    }
    case ValueType::duration:
        try {
            return duration_json(parse_duration(text));
        } catch (const Error&) {
            throw bad();
        }
    case ValueType::size:
        try {
            return parse_size(text);
        } catch (const Error&) {
            throw bad();
        }
    case ValueType::string_list: {
        Json list = Json::array();
        std::size_t start = 0;
        while (start <= text.size() && !text.empty()) {
            auto comma = text.find(',', start);
            if (comma == std::string::npos) comma = text.size();
            if (comma > start) list.push_back(text.substr(start, comma - start));
            start = comma + 1;
        }
        return list;
    }
    case ValueType::string_map: {
        Json map = Json::object();
        std::size_t i = 0;
        while (i < text.size()) {
            while (i < text.size() && (text[i] == ',' || std::isspace(static_cast<unsigned char>(text[i])))) ++i;
            std::size_t j = i;
            while (j < text.size() && text[j] != ',' && !std::isspace(static_cast<unsigned char>(text[j]))) ++j;
            if (j == i) break;
            const std::string item = text.substr(i, j - i);
            const auto eq = item.find('=');
            if (eq == 0 || eq == std::string::npos) throw bad();
            map[item.substr(0, eq)] = item.substr(eq + 1);
            i = j;
        }
        return map;
    }
    }
    throw bad();
}

// A mapping key as text. YAML allows a sequence or mapping as a key (`? [a, b]`), which no
// config name can be.
std::string key_text(const detail::YamlNode& key, const fs::path& file) {
    if (!key.is_scalar())
        throw Error(ErrorKind::usage, "invalid config", fmt::format("{}:{}", file.string(), key.line),
                    "expected a plain name as a key");
    return key.text;
}

Json parse_yaml(const ConfigKey& key, const detail::YamlNode& node, const fs::path& file) {
    const auto bad = [&]() {
        return Error(ErrorKind::usage, "invalid config", fmt::format("{}:{}", file.string(), node.line),
                     fmt::format("{} must be {}", key.full_name(), type_name(key.type)));
    };
    if (node.is_null()) return nullptr;
    if (key.type == ValueType::string_map) {
        if (!node.is_map()) throw bad();
        Json map = Json::object();
        for (std::size_t i = 0; i < node.items.size(); i += 2) {
            if (!node.items[i + 1].is_scalar()) throw bad();
            map[key_text(node.items[i], file)] = node.items[i + 1].text;
        }
        return map;
    }
    if (key.type == ValueType::repeated_string && node.is_scalar()) return Json::array({node.text});
    if (key.type == ValueType::string_list || key.type == ValueType::repeated_string) {
        if (!node.is_sequence()) throw bad();
        Json list = Json::array();
        for (const auto& item : node.items) {
            if (!item.is_scalar()) throw bad();
            list.push_back(item.text);
        }
        return list;
    }
    if (!node.is_scalar()) throw bad();
    if (key.type == ValueType::string) return node.text;
    try {
        return parse_text(key, node.text, key.full_name());
    } catch (const Error&) {
        throw bad();
    }
}

const ConfigKey* find_key(std::string_view section, std::string_view name) {
    for (const auto& k : config_schema())
        if (k.section == section && k.name == name) return &k;
    return nullptr;
}

bool known_section(std::string_view s) {
    return s == "common" || s == "bkctl" || s == "crctl" || s == "vmctl";
}

void load_file(const fs::path& file, ConfigLayer layer, std::map<std::string, ConfigValue, std::less<>>& values) {
    // Opened as yaml-cpp's LoadFile did: a file that cannot be opened is refused; one that
    // opens but reads nothing (a folder) is an empty document.
    std::ifstream in(file, std::ios::binary);
    if (!in) throw Error(ErrorKind::unavailable, "cannot read config", file.string(), "permission denied or not a file");
    const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    detail::YamlNode root;
    try {
        root = detail::load_yaml(text);
    } catch (const detail::YamlSyntaxError& e) {
        throw Error(ErrorKind::usage, "invalid config", fmt::format("{}:{}", file.string(), e.line()),
                    fmt::format("YAML syntax: {}", e.message()));
    }
    if (root.is_null()) return;
    if (!root.is_map())
        throw Error(ErrorKind::usage, "invalid config", fmt::format("{}:{}", file.string(), root.line),
                    "expected a mapping of sections (common, bkctl, crctl, vmctl)");
    for (std::size_t s = 0; s < root.items.size(); s += 2) {
        const auto& section_key = root.items[s];
        const auto& section_value = root.items[s + 1];
        const auto sname = key_text(section_key, file);
        const auto line = section_key.line;
        if (!known_section(sname))
            throw Error(ErrorKind::usage, "invalid config", fmt::format("{}:{}", file.string(), line),
                        fmt::format("unknown section '{}', expected common, bkctl, crctl or vmctl", sname));
        if (section_value.is_null()) continue;
        if (!section_value.is_map())
            throw Error(ErrorKind::usage, "invalid config", fmt::format("{}:{}", file.string(), line),
                        fmt::format("section '{}' must be a mapping", sname));
        for (std::size_t e = 0; e < section_value.items.size(); e += 2) {
            const auto& entry_key = section_value.items[e];
            const auto& entry_value = section_value.items[e + 1];
            const auto kname = key_text(entry_key, file);
            const auto kline = entry_key.line;
            const ConfigKey* key = find_key(sname, kname);
            if (!key)
                throw Error(ErrorKind::usage, "invalid config", fmt::format("{}:{}", file.string(), kline),
                            fmt::format("unknown key '{}.{}'", sname, kname));
            auto value = parse_yaml(*key, entry_value, file);
            const auto origin = fmt::format("file {}:{}", file.string(), kline);
            if (key->type == ValueType::string_map && value.is_object()) {
                // Maps merge per entry across files (a user file adds hosts to the system's).
                auto& cur = values[key->full_name()];
                if (!cur.value.is_object()) cur = {Json::object(), origin, {}, layer};
                for (std::size_t i = 0; i < entry_value.items.size(); i += 2) {
                    const auto name = key_text(entry_value.items[i], file);
                    cur.value[name] = value[name];
                    cur.entry_origins[name] = fmt::format("file {}:{}", file.string(), entry_value.items[i].line);
                }
                cur.origin = origin;
                cur.layer = layer;
                continue;
            }
            values[key->full_name()] = {std::move(value), origin, {}, layer};
        }
    }
}

}  // namespace

const std::vector<ConfigKey>& config_schema() {
    static const std::vector<ConfigKey> schema = [] {
        std::vector<ConfigKey> all;
        for (auto part : {detail::common_config_keys(), detail::bkctl_config_keys(), detail::crctl_config_keys(),
                          detail::vmctl_config_keys()})
            all.insert(all.end(), part.begin(), part.end());
        return all;
    }();
    return schema;
}

std::string env_name_for(std::string_view tool, const ConfigKey& key) {
    if (key.section != "common" && key.section != tool) return {};
    std::string name(tool);
    name += "_" + key.name;
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::toupper(c); });
    return name;
}

const ConfigValue& Config::at(std::string_view key) const {
    const auto it = m_values.find(key);
    if (it == m_values.end()) throw Error(ErrorKind::internal, "unknown config key", key, "not in the schema");
    return it->second;
}

std::string Config::get_string(std::string_view key) const {
    const auto& v = at(key).value;
    return v.is_string() ? v.get<std::string>() : std::string();
}
std::int64_t Config::get_int(std::string_view key) const {
    const auto& v = at(key).value;
    return v.is_number() ? v.get<std::int64_t>() : 0;
}
bool Config::get_bool(std::string_view key) const {
    const auto& v = at(key).value;
    return v.is_boolean() && v.get<bool>();
}
Duration Config::get_duration(std::string_view key) const {
    const auto& v = at(key).value;
    return v.is_number() ? Duration(static_cast<Duration::rep>(v.get<double>() * 1000.0 + 0.5)) : Duration(0);
}
std::uint64_t Config::get_size(std::string_view key) const {
    const auto& v = at(key).value;
    return v.is_number() ? v.get<std::uint64_t>() : 0;
}
std::map<std::string, std::string> Config::get_map(std::string_view key) const {
    const auto& v = at(key).value;
    std::map<std::string, std::string> out;
    if (v.is_object())
        for (const auto& [k, e] : v.items()) out[k] = e.is_string() ? e.get<std::string>() : e.dump();
    return out;
}
bool Config::overrides(std::string_view key, std::string_view other) const {
    return at(key).layer > at(other).layer;
}

std::vector<std::string> Config::get_list(std::string_view key) const {
    const auto& v = at(key).value;
    return v.is_array() ? v.get<std::vector<std::string>>() : std::vector<std::string>{};
}

Json Config::to_json(bool with_origin) const {
    Json out = Json::object();
    for (const auto& key : config_schema()) {
        if (key.section != "common" && key.section != m_tool) continue;
        const auto& v = at(key.full_name());
        Json leaf = with_origin ? Json{{"value", v.value}, {"origin", v.origin}} : v.value;
        if (with_origin && !v.entry_origins.empty()) leaf["entries"] = v.entry_origins;
        out[key.section][key.name] = leaf;
    }
    return out;
}

Config load_config(const ConfigSources& sources) {
    Config cfg;
    cfg.m_tool = sources.tool;
    for (const auto& key : config_schema())
        cfg.m_values[key.full_name()] = {key.default_value, "default", {}, ConfigLayer::builtin};

    std::vector<std::pair<fs::path, ConfigLayer>> files;
    if (sources.explicit_file) {
        std::error_code ec;
        if (!fs::exists(*sources.explicit_file, ec))
            throw Error(ErrorKind::not_found, "config file not found", sources.explicit_file->string(),
                        "no such file");
        files.emplace_back(*sources.explicit_file, ConfigLayer::user_file);
    } else {
        files.emplace_back(sources.system_file, ConfigLayer::system_file);
        files.emplace_back(sources.user_file.value_or(xdg_home("CONFIG") / "opskit/config.yaml"), ConfigLayer::user_file);
    }
    for (const auto& [f, layer] : files) {
        std::error_code ec;
        if (!fs::exists(f, ec)) continue;
        load_file(f, layer, cfg.m_values);
        cfg.m_files.push_back(f);
    }

    const auto getenv = sources.getenv ? sources.getenv : [](const char* n) -> const char* { return std::getenv(n); };
    for (const auto& key : config_schema()) {
        const auto env = env_name_for(sources.tool, key);
        if (env.empty()) continue;
        if (const char* v = getenv(env.c_str()); v != nullptr) {
            cfg.m_values[key.full_name()] = {parse_text(key, v, env), "env " + env, {}, ConfigLayer::env};
            if (key.type == ValueType::string_map)
                for (const auto& [k, _] : cfg.m_values[key.full_name()].value.items())
                    cfg.m_values[key.full_name()].entry_origins[k] = "env " + env;
        }
    }
    const auto flag_key = [](const std::string& name) {
        const auto dot = name.find('.');
        const ConfigKey* key = dot == std::string::npos ? nullptr : find_key(name.substr(0, dot), name.substr(dot + 1));
        if (!key) throw Error(ErrorKind::internal, "flag bound to unknown config key", name, "not in the schema");
        return key;
    };
    for (const auto& [name, flag] : sources.flags)
        cfg.m_values[name] = {parse_text(*flag_key(name), flag.second, flag.first), "flag " + flag.first, {},
                              ConfigLayer::flag};
    for (const auto& [name, flag] : sources.repeated_flags) {
        if (flag_key(name)->type != ValueType::repeated_string)
            throw Error(ErrorKind::internal, "repeatable flag bound to a key that takes one value", name, flag.first);
        cfg.m_values[name] = {Json(flag.second), "flag " + flag.first, {}, ConfigLayer::flag};
    }
    return cfg;
}

}  // namespace opskit
