// Severity names and the generic verdict: the one place that turns a return code and the
// highest message severity into success/warning/error, so bkctl parse and the dsmc runner
// agree on what an output means before any operation-specific check.
#include "opskit/dsmc/report.hpp"

namespace opskit::dsmc {

std::string_view to_string(Severity s) noexcept {
    switch (s) {
        case Severity::info: return "info";
        case Severity::warning: return "warning";
        case Severity::error: return "error";
        case Severity::severe: return "severe";
    }
    return "info";
}

std::optional<Severity> severity_from_letter(char c) noexcept {
    switch (c) {
        case 'I': case 'i': return Severity::info;
        case 'W': case 'w': return Severity::warning;
        case 'E': case 'e': return Severity::error;
        case 'S': case 's': return Severity::severe;
        default: return std::nullopt;
    }
}

std::string generic_verdict(std::optional<int> return_code, std::optional<Severity> highest) {
    const bool rc_error = return_code && *return_code != 0 && *return_code != 4 && *return_code != 8;
    const bool msg_error = highest && (*highest == Severity::error || *highest == Severity::severe);
    if (rc_error || msg_error) return "error";
    const bool rc_warning = return_code && (*return_code == 4 || *return_code == 8);
    const bool msg_warning = highest && *highest == Severity::warning;
    if (rc_warning || msg_warning) return "warning";
    return "success";
}

}  // namespace opskit::dsmc
