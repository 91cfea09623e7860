// Completion by walking the CLI11 tree. Options of ancestors count too, since global options
// fall through to every verb.
#include "completion.hpp"

#include <algorithm>
#include <cstdio>

#include "cli.hpp"

namespace opskit::cli {
namespace {

bool visible(const CLI::App* sub) { return !sub->get_group().empty() && sub->get_name().rfind("__", 0) != 0; }

CLI::App* find_sub(CLI::App* cmd, const std::string& name) {
    for (auto* sub : cmd->get_subcommands([](CLI::App*) { return true; }))
        if (sub->check_name(name)) return sub;
    return nullptr;
}

const CLI::Option* find_option(CLI::App* cmd, const std::string& name) {
    for (CLI::App* c = cmd; c; c = c->get_parent())
        for (const auto* opt : c->get_options())
            if (!opt->get_positional() && opt->check_name(name)) return opt;
    return nullptr;
}

bool starts_with(const std::string& s, const std::string& prefix) { return s.compare(0, prefix.size(), prefix) == 0; }

}  // namespace

std::vector<std::string> complete_words(CLI::App& app, Context& ctx, const std::vector<std::string>& words) {
    const std::string current = words.empty() ? std::string() : words.back();
    ctx.m_completion_words = words;
    CLI::App* cmd = &app;
    const CLI::Option* expecting = nullptr;
    bool after_dashdash = false;
    for (std::size_t i = 0; i + 1 < words.size(); ++i) {
        const auto& w = words[i];
        if (expecting) {
            expecting = nullptr;
            continue;
        }
        if (after_dashdash) continue;
        if (w == "--") {
            after_dashdash = true;
            continue;
        }
        if (starts_with(w, "-")) {
            const auto eq = w.find('=');
            const auto* opt = find_option(cmd, w.substr(0, eq));
            if (opt && eq == std::string::npos && opt->get_expected_min() > 0 && opt->get_type_size_max() > 0) expecting = opt;
            continue;
        }
        if (auto* sub = find_sub(cmd, w)) cmd = sub;
    }
    std::vector<std::string> out;
    const auto add = [&](const std::string& c) {
        if (starts_with(c, current) && std::find(out.begin(), out.end(), c) == out.end()) out.push_back(c);
    };
    if (expecting) {
        if (auto it = ctx.m_option_completers.find(expecting); it != ctx.m_option_completers.end())
            for (const auto& c : it->second()) add(c);
        return out;
    }
    if (after_dashdash) return out;
    if (starts_with(current, "-")) {
        for (CLI::App* c = cmd; c; c = c->get_parent())
            for (const auto* opt : c->get_options()) {
                if (opt->get_positional() || opt->get_group().empty()) continue;
                for (const auto& l : opt->get_lnames()) add("--" + l);
                for (const auto& s : opt->get_snames()) add("-" + s);
            }
        return out;
    }
    for (auto* sub : cmd->get_subcommands([](CLI::App*) { return true; }))
        if (visible(sub)) add(sub->get_name());
    if (auto it = ctx.m_positional_completers.find(cmd); it != ctx.m_positional_completers.end())
        for (const auto& c : it->second()) add(c);
    return out;
}

int run_completion(CLI::App& app, Context& ctx, const std::vector<std::string>& raw) {
    std::vector<std::string> words = raw;
    if (!words.empty() && words.front() == "--") words.erase(words.begin());
    try {
        for (const auto& c : complete_words(app, ctx, words)) std::printf("%s\n", c.c_str());
    } catch (const std::exception&) {
        // A completer that cannot reach its backend offers nothing rather than an error.
    }
    return 0;
}

}  // namespace opskit::cli
