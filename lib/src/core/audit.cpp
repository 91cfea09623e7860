// Syslog and audit-file lines for mutating operations. The ident string must outlive
// openlog(), hence the static storage.
#include "opskit/core/audit.hpp"

#include <fcntl.h>
#include <syslog.h>
#include <unistd.h>

#include <fmt/format.h>

#include <mutex>

#include "opskit/core/redact.hpp"
#include "opskit/core/time.hpp"

namespace opskit {
namespace {
std::mutex g_mutex;
AuditSettings g_settings{"opskit", false, std::nullopt};
bool g_opened = false;

// Values with spaces are quoted so the line stays machine-splittable.
std::string field(std::string_view v) {
    if (!v.empty() && v.find_first_of(" \"=") == std::string_view::npos) return std::string(v);
    std::string out = "\"";
    for (char c : v) {
        if (c == '"' || c == '\\') out += '\\';
        out += (c == '\n' ? ' ' : c);
    }
    return out + "\"";
}
}  // namespace

void configure_audit(AuditSettings settings) {
    std::lock_guard lock(g_mutex);
    g_settings = std::move(settings);
    if (g_opened) closelog();
    g_opened = false;
}

void audit(std::string_view operation, std::string_view object, std::string_view outcome, std::string_view detail) {
    std::lock_guard lock(g_mutex);
    auto line = fmt::format("op={} object={} outcome={}", field(operation), field(object), field(outcome));
    if (!detail.empty()) line += " detail=" + field(detail);
    line = redact(line);
    if (g_settings.syslog) {
        if (!g_opened) {
            static std::string ident;
            ident = g_settings.tool;
            openlog(ident.c_str(), LOG_PID, LOG_USER);
            g_opened = true;
        }
        syslog(outcome == "success" || outcome == "noop" ? LOG_INFO : LOG_WARNING, "%s", line.c_str());
    }
    if (g_settings.file) {
        const int fd = ::open(g_settings.file->c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
        if (fd >= 0) {
            const auto full = fmt::format("{} {}[{}]: {}\n", to_rfc3339(now_ms()), g_settings.tool, ::getpid(), line);
            [[maybe_unused]] auto n = ::write(fd, full.data(), full.size());
            ::close(fd);
        }
    }
}

}  // namespace opskit
