// The CLI glue all three tools share: the main wrapper (one catch site that maps opskit
// errors to exit codes), the global options of cli.md, config binding for flags, and the
// hidden `__complete` verb that the tiny shell completion scripts call. A tool's main.cpp
// only names itself and registers its verbs.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "opskit/core/config.hpp"
#include "opskit/core/output.hpp"

namespace opskit::cli {

using Handler = std::function<Result()>;
using Completer = std::function<std::vector<std::string>()>;

/// What a verb sees at run time, and what it uses to register itself.
class Context {
public:
    explicit Context(std::string tool) : m_tool(std::move(tool)) {}

    const std::string& tool() const { return m_tool; }
    /// The loaded configuration (valid inside handlers and completers).
    const Config& config() const;
    int verbose() const { return m_verbose; }
    const PrintOptions& print_options() const { return m_print; }

    /// Runs `handler` when `cmd` is the subcommand selected on the command line.
    void on(CLI::App* cmd, Handler handler) { m_handlers[cmd] = std::move(handler); }
    /// Adds `--flag VALUE` to `cmd` whose value, when given, overrides config key `key`.
    CLI::Option* config_option(CLI::App* cmd, const std::string& flag, const std::string& key, const std::string& help);
    /// Adds `--flag VALUE`, repeatable, for a repeated_string key: each occurrence one item.
    CLI::Option* config_repeated_option(CLI::App* cmd, const std::string& flag, const std::string& key,
                                        const std::string& help);
    /// Adds a boolean `--flag`/`--no-flag` pair bound to config key `key`.
    void config_switch(CLI::App* cmd, const std::string& flag, const std::string& negated, const std::string& key,
                       const std::string& help);
    /// Dynamic completion values for an option's value, or for `cmd`'s positional arguments.
    void complete(const CLI::Option* opt, Completer fn) { m_option_completers[opt] = std::move(fn); }
    void complete_positional(const CLI::App* cmd, Completer fn) { m_positional_completers[cmd] = std::move(fn); }
    /// While completing: the words typed so far (the last one is being completed), so a
    /// completer can depend on earlier arguments (e.g. snapshot names of the VM named before).
    const std::vector<std::string>& completion_words() const { return m_completion_words; }

    // Used by the wrapper.
    struct Bound {
        std::string flag;
        std::string key;
        std::string value;
        std::vector<std::string> values;   ///< repeated options
        bool repeated = false;
        std::optional<bool> switch_value;
        CLI::Option* opt = nullptr;
        CLI::Option* negated = nullptr;
    };
    std::map<CLI::App*, Handler> m_handlers;
    std::map<const CLI::Option*, Completer> m_option_completers;
    std::map<const CLI::App*, Completer> m_positional_completers;
    std::vector<std::unique_ptr<Bound>> m_bound;
    std::vector<std::string> m_completion_words;
    std::optional<Config> m_config;
    PrintOptions m_print;
    int m_verbose = 0;

private:
    std::string m_tool;
};

/// One top-level verb: its name and one-line summary (what `TOOL -h` lists), and the function
/// that fills in its options and subcommands on the subcommand run() made for it.
struct Verb {
    const char* name;
    const char* summary;
    void (*set)(CLI::App* verb, Context& ctx);
};

struct ToolSpec {
    std::string name;      ///< bkctl, crctl, vmctl
    std::string summary;   ///< one line for --help
    std::function<void(CLI::App& app, Context& ctx)> globals;  ///< the tool's own global options (may be empty)
    /// Every verb. Each is a subcommand with its summary, but only the one a command line names
    /// gets its tree built (most of a start's own work is CLI11 building options); `TOOL -h`
    /// and errors need no verb's tree, completion gets all.
    std::vector<Verb> verbs;
};

/// The whole main(): parse, load config, run the selected verb, print, map errors to exit codes.
int run(int argc, char** argv, const ToolSpec& spec);

/// Throws Error(usage) unless `yes` — irreversible operations require --yes.
void require_yes(bool yes, std::string_view what, std::string_view input);

}  // namespace opskit::cli
