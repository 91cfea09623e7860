// Placeholder: the line scanner lands next.
#include "opskit/dsmc/report.hpp"

namespace opskit::dsmc {

Report parse_output(std::string_view text) {
    Report r;
    (void)text;
    r.verdict = generic_verdict(r.return_code, r.highest_severity);
    return r;
}

}  // namespace opskit::dsmc
