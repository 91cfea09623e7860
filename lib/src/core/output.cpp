// One printer for every command result: aligned tables for people, JSON and YAML for scripts.
// Everything it prints passes through redact() last, so no secret reaches stdout.
#include "opskit/core/output.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "core/yaml_write.hpp"
#include "opskit/core/redact.hpp"

namespace opskit {
namespace {

constexpr auto kDumpReplace = Json::error_handler_t::replace;

std::string scalar_text(const Json& v) {
    if (v.is_null()) return "-";
    if (v.is_string()) return v.get<std::string>();
    if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
    if (v.is_array() && std::all_of(v.begin(), v.end(), [](const Json& e) { return e.is_primitive(); })) {
        std::string out;
        for (const auto& e : v) {
            if (!out.empty()) out += ",";
            out += scalar_text(e);
        }
        return out.empty() ? "-" : out;
    }
    return v.dump(-1, ' ', false, kDumpReplace);
}

// Display width of UTF-8 text: code points, which is right for everything we print.
std::size_t width(const std::string& s) {
    std::size_t n = 0;
    for (unsigned char c : s)
        if ((c & 0xC0) != 0x80) ++n;
    return n;
}

std::string upper(std::string s) {
    for (auto& c : s) c = c == '_' ? ' ' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

std::string render_table(const Json& rows, std::vector<Column> columns, bool color) {
    if (columns.empty() && !rows.empty() && rows.front().is_object())
        for (const auto& [k, v] : rows.front().items()) columns.push_back({k, ""});
    if (columns.empty()) {
        std::string out;
        for (const auto& r : rows) out += scalar_text(r) + "\n";
        return out;
    }
    std::vector<std::vector<std::string>> cells;
    std::vector<std::size_t> widths;
    std::vector<std::string> header;
    for (const auto& c : columns) {
        header.push_back(c.header.empty() ? upper(c.key) : c.header);
        widths.push_back(width(header.back()));
    }
    for (const auto& r : rows) {
        std::vector<std::string> line;
        for (std::size_t i = 0; i < columns.size(); ++i) {
            const auto it = r.is_object() ? r.find(columns[i].key) : r.end();
            line.push_back(it == r.end() ? "-" : scalar_text(*it));
            widths[i] = std::max(widths[i], width(line.back()));
        }
        cells.push_back(std::move(line));
    }
    const auto emit = [&](const std::vector<std::string>& line, bool bold) {
        std::string out;
        for (std::size_t i = 0; i < line.size(); ++i) {
            std::string cell = line[i];
            if (i + 1 < line.size()) cell += std::string(widths[i] - width(line[i]) + 2, ' ');
            out += cell;
        }
        while (!out.empty() && out.back() == ' ') out.pop_back();
        return bold ? "\033[1m" + out + "\033[0m\n" : out + "\n";
    };
    std::string out = emit(header, color);
    for (const auto& line : cells) out += emit(line, false);
    return out;
}

void render_object(const Json& obj, int indent, std::string& out) {
    std::size_t key_width = 0;
    for (const auto& [k, v] : obj.items()) key_width = std::max(key_width, k.size());
    const std::string pad(static_cast<std::size_t>(indent), ' ');
    for (const auto& [k, v] : obj.items()) {
        const bool nested_obj = v.is_object() && !v.empty();
        const bool nested_list = v.is_array() && !v.empty() && !std::all_of(v.begin(), v.end(), [](const Json& e) { return e.is_primitive(); });
        if (nested_obj) {
            out += fmt::format("{}{}:\n", pad, k);
            render_object(v, indent + 2, out);
        } else if (nested_list) {
            out += fmt::format("{}{}:\n", pad, k);
            for (const auto& e : v) {
                if (e.is_object()) {
                    std::string inner;
                    render_object(e, indent + 4, inner);
                    // The item's first line carries the "- " marker in place of its indent.
                    const std::string_view body(inner);
                    out += pad + "  - ";
                    out += body.substr(std::min(body.size(), static_cast<std::size_t>(indent) + 4));
                } else {
                    out += fmt::format("{}  - {}\n", pad, scalar_text(e));
                }
            }
        } else {
            out += fmt::format("{}{}:{}{}\n", pad, k, std::string(key_width - k.size() + 1, ' '), scalar_text(v));
        }
    }
}

}  // namespace

OutputFormat parse_output_format(std::string_view text) {
    if (text == "table") return OutputFormat::table;
    if (text == "json") return OutputFormat::json;
    if (text == "yaml") return OutputFormat::yaml;
    if (text == "jsonl") return OutputFormat::jsonl;
    throw Error(ErrorKind::usage, "invalid output format", text, "expected table, json, yaml or jsonl");
}

std::string to_yaml(const Json& value) {
    std::string out;
    detail::append_yaml(out, value);
    return out;
}

std::string render_result(const Result& result, const PrintOptions& options) {
    if (result.printed) return {};
    if (options.quiet && result.quiet_ok && result.exit_code == ExitCode::ok) return {};
    std::string out;
    switch (options.format) {
    case OutputFormat::json: out = result.value.dump(2, ' ', false, kDumpReplace) + "\n"; break;
    case OutputFormat::yaml: out = to_yaml(result.value); break;
    case OutputFormat::jsonl:
        if (result.value.is_array())
            for (const auto& e : result.value) out += e.dump(-1, ' ', false, kDumpReplace) + "\n";
        else
            out = result.value.dump(-1, ' ', false, kDumpReplace) + "\n";
        break;
    case OutputFormat::table: {
        const Json& shown = result.table_value.is_null() ? result.value : result.table_value;
        if (shown.is_array()) out = render_table(shown, result.columns, options.color);
        else if (shown.is_object()) render_object(shown, 0, out);
        else if (!shown.is_null()) out = scalar_text(shown) + "\n";
        break;
    }
    }
    redact_in_place(out);
    return out;
}

void print_result(const Result& result, const PrintOptions& options, std::FILE* out) {
    const auto text = render_result(result, options);
    std::fwrite(text.data(), 1, text.size(), out);
    std::fflush(out);
}

}  // namespace opskit
