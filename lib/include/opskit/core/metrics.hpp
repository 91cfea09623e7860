// Metrics a cron run leaves behind for monitoring: a Prometheus node_exporter
// textfile-collector file per tool and verb (and per backup id), replaced atomically so the
// collector never reads half a file. The wrapper in tools/common writes it after every
// mutating verb with the exit code the process exits with.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "opskit/core/output.hpp"

namespace opskit::metrics {

enum class Type { gauge, counter };

/// One labelled value of a metric family.
struct Sample {
    std::map<std::string, std::string> labels;
    double value = 0;
};

/// A metric family: name (`opskit_` prefix, base units), HELP, TYPE and its samples.
struct Family {
    std::string name;
    std::string help;
    Type type = Type::gauge;
    std::vector<Sample> samples;
};

/// A whole exposition text file, families in the order they were added.
class TextFile {
public:
    /// Adds a sample to family `name` (created on first use with `help` and `type`).
    void add(const std::string& name, Type type, const std::string& help, double value,
             std::map<std::string, std::string> labels = {});
    /// Prometheus text exposition format 0.0.4, ending with a newline.
    std::string render() const;
    const std::vector<Family>& families() const { return m_families; }

private:
    std::vector<Family> m_families;
};

/// Escapes a label value for the text format (backslash, double quote, newline).
std::string escape_label_value(std::string_view value);

/// Escapes HELP text (backslash and newline).
std::string escape_help(std::string_view text);

/// `opskit_TOOL_VERB[_ID].prom`, with every character outside [A-Za-z0-9_.-] turned into `_`.
std::string file_name(std::string_view tool, std::string_view verb, std::string_view id = {});

/// Writes `content` to `dir/name` atomically (temp in the same folder, fsync, rename), 0644.
void write_textfile(const std::filesystem::path& dir, const std::string& name, std::string_view content);

/// Whether `tool verb` is a mutating verb that writes metrics.
bool verb_writes_metrics(std::string_view tool, std::string_view verb);

/// What the wrapper knows about one finished run.
struct Run {
    std::string tool;
    std::string verb;
    std::string id;                 ///< bkctl backup id, else empty
    double finished_unix_s = 0;     ///< wall clock at the end
    double duration_s = 0;
    int exit_code = 0;
    const Json* result = nullptr;   ///< the verb's result document, null when it threw
};

/// The run's file: last-run timestamp, duration, exit code, and the domain figures found in
/// the result document (dsmc summary, dispatch and gc counts, VMs per result).
TextFile run_metrics(const Run& run);

/// Writes run_metrics(run) into `dir`; returns the file written.
std::filesystem::path write_run_metrics(const std::filesystem::path& dir, const Run& run);

}  // namespace opskit::metrics
