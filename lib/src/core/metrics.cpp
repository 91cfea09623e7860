// The textfile writer of metrics.hpp: exposition format, escaping and the atomic write.
#include "opskit/core/metrics.hpp"

#include <fmt/format.h>

#include <cmath>

#include "opskit/core/error.hpp"
#include "opskit/core/fs.hpp"

namespace opskit::metrics {

void TextFile::add(const std::string& name, Type type, const std::string& help, double value,
                   std::map<std::string, std::string> labels) {
    for (auto& f : m_families)
        if (f.name == name) {
            f.samples.push_back({std::move(labels), value});
            return;
        }
    m_families.push_back({name, help, type, {{std::move(labels), value}}});
}

std::string escape_label_value(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (const char c : value) {
        if (c == '\\') out += "\\\\";
        else if (c == '"') out += "\\\"";
        else if (c == '\n') out += "\\n";
        else out += c;
    }
    return out;
}

std::string escape_help(std::string_view text) {
    std::string out;
    for (const char c : text) {
        if (c == '\\') out += "\\\\";
        else if (c == '\n') out += "\\n";
        else out += c;
    }
    return out;
}

namespace {

std::string format_value(double v) {
    if (std::isnan(v)) return "NaN";
    if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
    if (v == std::floor(v) && std::fabs(v) < 1e15) return fmt::format("{}", static_cast<long long>(v));
    return fmt::format("{}", v);
}

std::string sanitize(std::string_view s) {
    std::string out(s);
    for (auto& c : out) {
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
                        c == '.' || c == '-';
        if (!ok) c = '_';
    }
    return out;
}

}  // namespace

std::string TextFile::render() const {
    std::string out;
    for (const auto& f : m_families) {
        out += fmt::format("# HELP {} {}\n", f.name, escape_help(f.help));
        out += fmt::format("# TYPE {} {}\n", f.name, f.type == Type::counter ? "counter" : "gauge");
        for (const auto& s : f.samples) {
            out += f.name;
            if (!s.labels.empty()) {
                out += '{';
                bool first = true;
                for (const auto& [k, v] : s.labels) {
                    if (!first) out += ',';
                    first = false;
                    out += fmt::format("{}=\"{}\"", k, escape_label_value(v));
                }
                out += '}';
            }
            out += ' ';
            out += format_value(s.value);
            out += '\n';
        }
    }
    return out;
}

std::string file_name(std::string_view tool, std::string_view verb, std::string_view id) {
    std::string name = "opskit_" + sanitize(tool) + "_" + sanitize(verb);
    if (!id.empty()) name += "_" + sanitize(id);
    return name + ".prom";
}

void write_textfile(const std::filesystem::path& dir, const std::string& name, std::string_view content) {
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec))
        throw Error(ErrorKind::not_found, "metrics folder missing", dir.string(), "create it or fix metrics_textfile_dir");
    // The temp file ends in `.tmp.PID`, which the collector ignores (it reads only *.prom).
    write_file_atomic(dir / name, content, 0644);
}

std::filesystem::path write_run_metrics(const std::filesystem::path& dir, const Run& run) {
    const auto name = file_name(run.tool, run.verb, run.id);
    write_textfile(dir, name, run_metrics(run).render());
    return dir / name;
}

}  // namespace opskit::metrics
