// Hook splitting and running (see hooks.hpp).
#include "opskit/backup/hooks.hpp"

#include "opskit/core/error.hpp"
#include "opskit/core/process.hpp"

namespace opskit::backup {

std::vector<std::string> split_command(std::string_view command) {
    std::vector<std::string> words;
    std::string cur;
    bool in_word = false;
    char quote = 0;
    for (std::size_t i = 0; i < command.size(); ++i) {
        const char c = command[i];
        if (quote) {
            if (c == quote) quote = 0;
            else if (c == '\\' && quote == '"' && i + 1 < command.size() &&
                     (command[i + 1] == '"' || command[i + 1] == '\\'))
                cur += command[++i];
            else cur += c;
        } else if (c == '\'' || c == '"') {
            quote = c;
            in_word = true;
        } else if (c == '\\' && i + 1 < command.size()) {
            cur += command[++i];
            in_word = true;
        } else if (c == ' ' || c == '\t' || c == '\n') {
            if (in_word) words.push_back(std::move(cur));
            cur.clear();
            in_word = false;
        } else {
            cur += c;
            in_word = true;
        }
    }
    if (quote) throw Error(ErrorKind::usage, "bad hook command", command, "unterminated quote");
    if (in_word) words.push_back(std::move(cur));
    if (words.empty()) throw Error(ErrorKind::usage, "bad hook command", "(empty)", "expected a program and its arguments");
    return words;
}

HookResult run_hook(std::string_view command, std::string_view phase, std::string_view device,
                    std::string_view backup_id, std::optional<Duration> timeout, bool survives_interrupt) {
    HookResult hook;
    hook.phase = std::string(phase);
    hook.argv = split_command(command);
    ProcessSpec spec;
    spec.argv = hook.argv;
    spec.env_set = {{"BKCTL_DEVICE", std::string(device)},
                    {"BKCTL_BACKUP_ID", std::string(backup_id)},
                    {"BKCTL_PHASE", std::string(phase)}};
    spec.env_unset = {"BKCTL_PASSWORD"};
    spec.merge_output = true;
    spec.timeout = timeout;
    spec.survives_interrupt = survives_interrupt;
    try {
        const auto result = run_process(std::move(spec));
        hook.exit_code = result.exit_code;
        hook.ok = result.success();
        hook.output = result.out;
        hook.duration_s = to_seconds(result.elapsed);
        if (result.timed_out) hook.output += "\n(bkctl: hook timed out and was killed)";
    } catch (const Error& e) {
        hook.ok = false;
        hook.output = e.what();
    }
    return hook;
}

Json to_json(const HookResult& hook) {
    return {{"phase", hook.phase},         {"argv", hook.argv}, {"exit_code", hook.exit_code},
            {"ok", hook.ok},               {"output", hook.output}, {"duration_s", hook.duration_s}};
}

}  // namespace opskit::backup
