// Completion for two-word verbs whose second positional depends on the VM already named
// (`snapshot revert VM NAME`, `volume detach VM TARGET`): a VM name first, then what the VM
// has. Shared by the snapshot and volume verbs so both read the command line the same way.
#include "common.hpp"

namespace opskit::vmctl {

std::vector<std::string> typed_after(const cli::Context& ctx, const std::string& group, const std::string& sub) {
    const auto& words = ctx.completion_words();
    std::vector<std::string> out;
    bool after = false;
    // The last word is the one being completed: never part of the answer.
    for (std::size_t i = 0; i + 1 < words.size(); ++i) {
        if (!after) {
            after = words[i] == sub && i > 0 && words[i - 1] == group;
            continue;
        }
        if (!words[i].empty() && words[i][0] != '-') out.push_back(words[i]);
    }
    return out;
}

void complete_vm_then(CLI::App* cmd, cli::Context& ctx, const std::string& group, const std::string& sub,
                      const VmItems& second) {
    ctx.complete_positional(cmd, [&ctx, group, sub, second]() -> std::vector<std::string> {
        const auto typed = typed_after(ctx, group, sub);
        if (typed.empty()) return complete_vm_names(ctx);
        if (!second || typed.size() > 1) return {};
        try {
            const auto one = locate(ctx, typed[0]);
            return second(one.backend(), one.target.name);
        } catch (const std::exception&) {
            return {};
        }
    });
}

}  // namespace opskit::vmctl
