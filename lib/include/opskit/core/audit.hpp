// One line per outcome of a mutating operation, to syslog (ident = tool, facility user) and
// optionally to an append-only audit file — what an operator greps after a night of cron.
// Lines pass through the redactor, so nothing secret is ever logged.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace opskit {

struct AuditSettings {
    std::string tool;                                 ///< syslog ident
    bool syslog = true;                               ///< common.syslog
    std::optional<std::filesystem::path> file;        ///< common.audit_file
};

void configure_audit(AuditSettings settings);

/// Records `op=OPERATION object=OBJECT outcome=OUTCOME[ detail]`.
void audit(std::string_view operation, std::string_view object, std::string_view outcome,
           std::string_view detail = {});

}  // namespace opskit
