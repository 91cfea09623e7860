// The main wrapper: the one place where parse errors, opskit::Error kinds and unexpected
// exceptions become a single `TOOL: error: …` line and an exit code.
#include "cli.hpp"

#include <unistd.h>

#include <fmt/format.h>

#include <chrono>
#include <cstdio>

#include "completion.hpp"
#include "opskit/core/audit.hpp"
#include "opskit/core/error.hpp"
#include "opskit/core/lock.hpp"
#include "opskit/core/metrics.hpp"
#include "opskit/core/process.hpp"
#include "opskit/core/redact.hpp"
#include "opskit/core/term.hpp"
#include "opskit/core/version.hpp"

namespace opskit::cli {
namespace {

void print_error(const std::string& tool, std::string_view message) {
    // One line: newlines inside a message (e.g. from a backend) are folded.
    std::string line = redact(message);
    for (auto& c : line)
        if (c == '\n' || c == '\r') c = ' ';
    std::fprintf(stderr, "%s: error: %s\n", tool.c_str(), line.c_str());
}

CLI::App* selected_leaf(CLI::App& app) {
    CLI::App* cur = &app;
    for (;;) {
        const auto subs = cur->get_subcommands();
        if (subs.empty()) return cur;
        cur = subs.front();
    }
}

// A repeatable option (--env, --mount, ...) takes one value per occurrence. CLI11 would
// otherwise let it swallow the following words and eat the `--` that starts a command, so
// `crctl run --env A=1 -- sh -c ...` would parse the command's words as our own.
void one_value_per_occurrence(CLI::App& app) {
    for (auto* opt : app.get_options()) {
        if (opt->nonpositional() && opt->get_items_expected_max() > 1) opt->allow_extra_args(false);
    }
    for (auto* sub : app.get_subcommands([](CLI::App*) { return true; })) one_value_per_occurrence(*sub);
}

Result config_show(const Context& ctx, bool origin) {
    const auto& cfg = ctx.config();
    Result r;
    r.value = cfg.to_json(origin);
    Json rows = Json::array();
    for (const auto& [section, keys] : r.value.items())
        for (const auto& [name, v] : keys.items()) {
            Json row = {{"key", section + "." + name}};
            if (origin) {
                row["value"] = v.at("value");
                row["origin"] = v.at("origin");
            } else {
                row["value"] = v;
            }
            rows.push_back(row);
        }
    r.table_value = rows;
    r.columns = {{"key", ""}, {"value", ""}};
    if (origin) r.columns.push_back({"origin", ""});
    return r;
}

// Writes the run's metrics file when the verb is a mutating one and a folder is configured.
// A failure to write warns on stderr but never changes the exit code being recorded.
void record_metrics(const Context& ctx, CLI::App* leaf, std::chrono::steady_clock::time_point t0, int code,
                    const Json* result) {
    if (!ctx.m_config || !ctx.m_config->is_set("common.metrics_textfile_dir")) return;
    if (!metrics::verb_writes_metrics(ctx.tool(), leaf->get_name())) return;
    metrics::Run run;
    run.tool = ctx.tool();
    run.verb = leaf->get_name();
    if (const auto* id = leaf->get_option_no_throw("--id"); id && id->count() > 0) run.id = id->as<std::string>();
    run.duration_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    run.finished_unix_s =
        std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    run.exit_code = code;
    run.result = result;
    try {
        metrics::write_run_metrics(ctx.m_config->get_string("common.metrics_textfile_dir"), run);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%s: warning: metrics not written: %s\n", ctx.tool().c_str(), e.what());
    }
}

}  // namespace

const Config& Context::config() const {
    if (!m_config) throw Error(ErrorKind::internal, "configuration", m_tool, "used before it was loaded");
    return *m_config;
}

namespace {
std::unique_ptr<Context::Bound> bound_to(const std::string& flag, const std::string& key) {
    auto bound = std::make_unique<Context::Bound>();
    // Origins name the long spelling (`flag --output`), whichever the user typed.
    const auto long_pos = flag.find("--");
    bound->flag = flag.substr(long_pos == std::string::npos ? 0 : long_pos);
    bound->flag = bound->flag.substr(0, bound->flag.find(','));
    bound->key = key;
    return bound;
}
}  // namespace

CLI::Option* Context::config_option(CLI::App* cmd, const std::string& flag, const std::string& key,
                                    const std::string& help) {
    auto bound = bound_to(flag, key);
    bound->opt = cmd->add_option(flag, bound->value, help);
    auto* opt = bound->opt;
    m_bound.push_back(std::move(bound));
    return opt;
}

CLI::Option* Context::config_repeated_option(CLI::App* cmd, const std::string& flag, const std::string& key,
                                             const std::string& help) {
    auto bound = bound_to(flag, key);
    bound->repeated = true;
    bound->opt = cmd->add_option(flag, bound->values, help);
    auto* opt = bound->opt;
    m_bound.push_back(std::move(bound));
    return opt;
}

void Context::config_switch(CLI::App* cmd, const std::string& flag, const std::string& negated,
                            const std::string& key, const std::string& help) {
    auto bound = std::make_unique<Bound>();
    bound->flag = flag;
    bound->key = key;
    bound->opt = cmd->add_flag(flag)->description(help);
    bound->negated = cmd->add_flag(negated)->description("opposite of " + flag);
    bound->opt->excludes(bound->negated);
    m_bound.push_back(std::move(bound));
}

void require_yes(bool yes, std::string_view what, std::string_view input) {
    if (!yes) throw Error(ErrorKind::usage, what, input, "irreversible; add --yes to confirm");
}

/// Whether any word of the command line is `verb`'s name. CLI11 selects a subcommand by its
/// exact name only, so a verb that no word names cannot be selected and needs no tree; a word
/// that only looks like one (an option's value, an argument after --) costs building that verb.
bool names_verb(int argc, char** argv, const Verb& verb) {
    for (int i = 1; i < argc; ++i)
        if (std::string_view(argv[i]) == verb.name) return true;
    return false;
}

int run(int argc, char** argv, const ToolSpec& spec) {
    const auto version_line = fmt::format("{} {} (libopskit {})", spec.name, OPSKIT_VERSION, version());
    // `TOOL --version` alone needs none of the command tree (every verb's CLI11 options):
    // answered before it is built. Any other use of the flag goes through CLI11.
    if (argc == 2 && std::string_view(argv[1]) == "--version") {
        std::fwrite(version_line.data(), 1, version_line.size(), stdout);
        std::fputc('\n', stdout);
        return std::fflush(stdout) == 0 ? 0 : static_cast<int>(ExitCode::failed);
    }
    install_interrupt_handlers();
    Context ctx(spec.name);
    CLI::App app{spec.summary, spec.name};
    app.set_version_flag("--version", version_line);
    app.fallthrough();  // global options may follow the verb: `vmctl stop web1 -o json`
    auto* output_opt = ctx.config_option(&app, "-o,--output", "common.output", "output format: table, json, yaml or jsonl");
    ctx.complete(output_opt, [] { return std::vector<std::string>{"table", "json", "yaml", "jsonl"}; });
    bool quiet = false;
    app.add_flag("-q,--quiet", quiet, "print nothing on success");
    app.add_flag("-v,--verbose", ctx.m_verbose, "more detail on stderr (repeatable)");
    std::string config_file;
    app.add_option("--config", config_file, "read only this config file");
    ctx.config_option(&app, "--metrics-dir", "common.metrics_textfile_dir",
                      "write this run's Prometheus textfile metrics into DIR (mutating verbs)");
    ctx.config_option(&app, "--wait-lock", "common.wait_lock", "wait up to DURATION for a busy lock (default: exit 6 at once)");

    auto* config_cmd = app.add_subcommand("config", "show the effective configuration");
    auto* show = config_cmd->add_subcommand("show", "print every setting of this tool and common");
    auto origin = std::make_shared<bool>(false);
    show->add_flag("--origin", *origin, "also say where each value comes from");
    ctx.on(show, [&ctx, origin] { return config_show(ctx, *origin); });

    if (spec.globals) spec.globals(app, ctx);
    const bool completing = argc >= 2 && std::string_view(argv[1]) == "__complete";
    for (const auto& verb : spec.verbs) {
        auto* sub = app.add_subcommand(verb.name, verb.summary);
        if (completing || names_verb(argc, argv, verb)) verb.set(sub, ctx);
    }
    one_value_per_occurrence(app);

    if (completing) {
        // Config for dynamic completers (store path, libvirt URI) comes from env and files only.
        try {
            ConfigSources sources;
            sources.tool = spec.name;
            ctx.m_config = load_config(sources);
        } catch (const Error&) {
            return 0;  // completion never prints errors into the user's prompt
        }
        return run_completion(app, ctx, std::vector<std::string>(argv + 2, argv + argc));
    }

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);  // help of the selected subcommand, on stdout, exit 0
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        print_error(spec.name, e.what());
        return static_cast<int>(ExitCode::usage);
    }

    CLI::App* leaf = selected_leaf(app);
    try {
        ConfigSources sources;
        sources.tool = spec.name;
        if (!config_file.empty()) sources.explicit_file = config_file;
        for (const auto& b : ctx.m_bound) {
            if (b->negated) {
                if (b->opt->count() > 0) sources.flags[b->key] = {b->flag, "true"};
                if (b->negated->count() > 0) sources.flags[b->key] = {b->negated->get_name(), "false"};
            } else if (b->opt->count() > 0 && b->repeated) {
                sources.repeated_flags[b->key] = {b->flag, b->values};
            } else if (b->opt->count() > 0) {
                sources.flags[b->key] = {b->flag, b->value};
            }
        }
        ctx.m_config = load_config(sources);
        const auto& cfg = *ctx.m_config;
        ctx.m_print.format = parse_output_format(cfg.get_string("common.output"));
        ctx.m_print.quiet = quiet;
        ctx.m_print.color = ctx.m_print.format == OutputFormat::table && color_enabled(STDOUT_FILENO);
        set_default_lock_wait(cfg.get_duration("common.wait_lock"));
        AuditSettings audit_settings{spec.name, cfg.get_bool("common.syslog"), std::nullopt};
        if (cfg.is_set("common.audit_file")) audit_settings.file = cfg.get_string("common.audit_file");
        configure_audit(audit_settings);
    } catch (const Error& e) {
        print_error(spec.name, e.what());
        return static_cast<int>(e.exit_code());
    }

    const auto t0 = std::chrono::steady_clock::now();
    try {
        const auto it = ctx.m_handlers.find(leaf);
        if (it == ctx.m_handlers.end()) {
            const auto where = leaf == &app ? spec.name : spec.name + " " + leaf->get_name();
            print_error(spec.name, fmt::format("missing subcommand ({}): run '{} --help' for the list", where, where));
            return static_cast<int>(ExitCode::usage);
        }
        const Result result = it->second();
        print_result(result, ctx.m_print);
        record_metrics(ctx, leaf, t0, static_cast<int>(result.exit_code), &result.value);
        return static_cast<int>(result.exit_code);
    } catch (const Error& e) {
        print_error(spec.name, e.what());
        if (interrupted_by() != 0) {
            // The process dies of the signal: the shell sees 128+N.
            record_metrics(ctx, leaf, t0, 128 + interrupted_by(), nullptr);
            reraise_interrupt();
        }
        record_metrics(ctx, leaf, t0, static_cast<int>(e.exit_code()), nullptr);
        return static_cast<int>(e.exit_code());
    } catch (const std::exception& e) {
        print_error(spec.name, fmt::format("internal error: {} (please report)", e.what()));
        record_metrics(ctx, leaf, t0, static_cast<int>(ExitCode::internal), nullptr);
        return static_cast<int>(ExitCode::internal);
    }
}

}  // namespace opskit::cli
