// Backup-id and prefix validation (see backup_id.hpp for the rule and why it exists).
#include "opskit/backup/backup_id.hpp"

#include <fmt/format.h>

#include <string>

#include "opskit/core/error.hpp"

namespace opskit::backup {
namespace {

bool valid_name(std::string_view s, std::size_t max) noexcept {
    if (s.empty() || s.size() > max || s.front() == '.' || s.front() == '-') return false;
    for (char c : s) {
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
                        c == '_' || c == '-';
        if (!ok) return false;
    }
    return true;
}

// Control characters and bytes above 0x7e are shown escaped, so an error line stays one line.
std::string printable(std::string_view s) {
    std::string out;
    for (unsigned char c : s.substr(0, 80)) {
        if (c < 0x20 || c > 0x7e) out += fmt::format("\\x{:02x}", c);
        else out += static_cast<char>(c);
    }
    if (s.size() > 80) out += fmt::format("... ({} characters)", s.size());
    return out.empty() ? "(empty)" : out;
}

}  // namespace

bool is_valid_backup_id(std::string_view id) noexcept { return valid_name(id, 128); }

void validate_backup_id(std::string_view id) {
    if (!is_valid_backup_id(id))
        throw Error(ErrorKind::usage, "bad backup id", printable(id),
                    "expected 1-128 of A-Z a-z 0-9 . _ - not starting with '.' or '-'");
}

void validate_prefix(std::string_view prefix) {
    if (!valid_name(prefix, 64))
        throw Error(ErrorKind::usage, "bad link prefix", printable(prefix),
                    "expected 1-64 of A-Z a-z 0-9 . _ - not starting with '.' or '-'");
}

}  // namespace opskit::backup
