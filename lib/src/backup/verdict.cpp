// The operation verdict (see verdict.hpp).
#include "opskit/backup/verdict.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace opskit::backup {
namespace {

// Messages that mean "the server holds nothing under that name": a missing backup, not a
// broken run (exit 4 rather than 1).
constexpr std::array<std::string_view, 5> k_not_found = {"ANS1092W", "ANS1092E", "ANS1302E", "ANS1345E", "ANS4000E"};

std::optional<std::uint64_t> expected_count(const dsmc::Report& report, Operation op) {
    std::optional<std::uint64_t> found;
    for (const auto& s : report.summaries) {
        std::optional<std::uint64_t> v;
        if (op == Operation::backup) v = s.objects_backed_up;
        else if (op == Operation::restore) v = s.objects_restored;
        else if (op == Operation::remove) v = s.objects_deleted;
        if (v) found = found.value_or(0) + *v;
    }
    return found;
}

std::string_view count_label(Operation op) {
    switch (op) {
        case Operation::backup: return "objects backed up";
        case Operation::restore: return "objects restored";
        case Operation::remove: return "objects deleted";
        case Operation::query: break;
    }
    return "";
}

}  // namespace

Verdict judge(const dsmc::Report& report, Operation op, Mode mode, std::optional<int> rc_seen, bool quiet) {
    const auto rc = rc_seen ? rc_seen : report.return_code;
    const auto sev = report.highest_severity;
    const bool bad_message = sev && (*sev == dsmc::Severity::error || *sev == dsmc::Severity::severe);
    const bool warn_message = sev && *sev == dsmc::Severity::warning;
    const auto worst = [&]() -> std::string {
        for (const auto& m : report.messages)
            if (m.severity == dsmc::Severity::error || m.severity == dsmc::Severity::severe) return m.code + " " + m.text.substr(0, m.text.find('\n'));
        return {};
    };
    const auto not_found = std::any_of(report.messages.begin(), report.messages.end(), [](const dsmc::Message& m) {
        return std::find(k_not_found.begin(), k_not_found.end(), m.code) != k_not_found.end();
    });

    if (!rc) return {"error", ExitCode::failed, "dsmc return code unknown"};
    if (op == Operation::query && not_found && (*rc == 8 || *rc == 12))
        return {"success", ExitCode::ok, "the server holds no matching backups"};
    if (op != Operation::backup && not_found && *rc != 0)
        return {"error", ExitCode::not_found, "the server holds no backup under that name"};
    if (*rc == 12 || bad_message || (*rc != 0 && *rc != 4 && *rc != 8)) {
        auto why = fmt::format("dsmc return code {}", *rc);
        if (const auto w = worst(); !w.empty()) why += ": " + w;
        return {"error", ExitCode::failed, why};
    }
    if (op != Operation::query) {
        const auto count = expected_count(report, op);
        const bool at_least = (mode == Mode::file && op != Operation::remove) || op == Operation::remove;
        if (!count) {
            if (!(quiet && *rc == 0 && !warn_message))
                return {"error", ExitCode::failed, fmt::format("no summary with the number of {}", count_label(op))};
        } else if (at_least ? *count < 1 : *count != 1) {
            return {"error", ExitCode::failed,
                    fmt::format("{} {} (expected {}1)", *count, count_label(op), at_least ? "at least " : "")};
        }
    }
    if (*rc == 4 || *rc == 8 || warn_message)
        return {"warning", ExitCode::warning, fmt::format("dsmc return code {}{}", *rc, warn_message ? " with warnings" : "")};
    if (op != Operation::query && !expected_count(report, op))
        return {"success", ExitCode::ok, "return code 0; -quiet hid the summary"};
    return {"success", ExitCode::ok, "return code 0"};
}

}  // namespace opskit::backup
