// The one output layer. A command returns a Result (a JSON value plus how to show it as a
// table and which exit code it implies); print_result renders it as table, JSON or YAML. No
// command formats output by hand, so `--output json` is the same contract in all three tools.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "opskit/core/error.hpp"

namespace opskit {

using Json = nlohmann::json;

/// jsonl: one compact JSON record a line (an array prints one element a line), for
/// pipelines; commands that stream give each record a `kind`.
enum class OutputFormat { table, json, yaml, jsonl };

/// Parses `table|json|yaml|jsonl`; throws Error(usage) otherwise.
OutputFormat parse_output_format(std::string_view text);

/// One table column: the JSON key it shows and its header (defaults to the key upper-cased).
struct Column {
    std::string key;
    std::string header;
};

/// What a command hands to the printer.
struct Result {
    Json value;                    ///< object (one item) or array (a list)
    std::vector<Column> columns;   ///< table columns for arrays; empty = all keys of the first row
    Json table_value;              ///< what the table shows instead of `value`, when not null
    ExitCode exit_code = ExitCode::ok;
    bool quiet_ok = true;          ///< --quiet suppresses stdout when the exit code is 0
    bool printed = false;          ///< the command streamed its own output; nothing left to print
};

struct PrintOptions {
    OutputFormat format = OutputFormat::table;
    bool quiet = false;
    bool color = false;
};

/// Renders a result to a string (redacted), ending with a newline; empty when quiet applies.
std::string render_result(const Result& result, const PrintOptions& options);

/// Renders and writes to `out` (stdout by default).
void print_result(const Result& result, const PrintOptions& options, std::FILE* out = stdout);

/// Plain JSON → YAML text (block style), used for `--output yaml`.
std::string to_yaml(const Json& value);

}  // namespace opskit
