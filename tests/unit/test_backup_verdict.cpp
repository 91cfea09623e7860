// The operation verdict of spec/dsmc.md: return code, highest severity and the expected
// count together; -quiet without a summary; "no such backup" as not found.
#include <catch2/catch.hpp>

#include "opskit/backup/verdict.hpp"

using namespace opskit;
using namespace opskit::backup;

namespace {

dsmc::Report with_summary(std::optional<std::uint64_t> backed_up, std::optional<std::uint64_t> restored = {},
                          std::optional<std::uint64_t> deleted = {}) {
    dsmc::Report r;
    dsmc::Summary s;
    s.objects_backed_up = backed_up;
    s.objects_restored = restored;
    s.objects_deleted = deleted;
    r.summaries.push_back(s);
    return r;
}

void add_message(dsmc::Report& r, const std::string& code, dsmc::Severity sev) {
    dsmc::Message m;
    m.code = code;
    m.prefix = code.substr(0, 3);
    m.severity = sev;
    m.text = "text";
    r.messages.push_back(m);
    if (!r.highest_severity || *r.highest_severity < sev) r.highest_severity = sev;
}

}  // namespace

TEST_CASE("image backup: rc 0 and one object backed up is success", "[backup][verdict]") {
    const auto v = judge(with_summary(1), Operation::backup, Mode::image, 0, true);
    CHECK(v.outcome == "success");
    CHECK(v.exit_code == ExitCode::ok);
}

TEST_CASE("image backup: counts other than 1 fail, file mode accepts more", "[backup][verdict]") {
    CHECK(judge(with_summary(0), Operation::backup, Mode::image, 0, true).exit_code == ExitCode::failed);
    CHECK(judge(with_summary(2), Operation::backup, Mode::image, 0, true).exit_code == ExitCode::failed);
    CHECK(judge(with_summary(3), Operation::backup, Mode::file, 0, true).exit_code == ExitCode::ok);
    CHECK(judge(with_summary({}, 1), Operation::restore, Mode::image, 0, true).exit_code == ExitCode::ok);
    CHECK(judge(with_summary({}, 0), Operation::restore, Mode::image, 0, true).exit_code == ExitCode::failed);
    CHECK(judge(with_summary({}, {}, 4), Operation::remove, Mode::image, 0, true).exit_code == ExitCode::ok);
}

TEST_CASE("rc 4 and 8 and warning messages are warnings, rc 12 and E/S messages fail", "[backup][verdict]") {
    CHECK(judge(with_summary(1), Operation::backup, Mode::image, 4, true).exit_code == ExitCode::warning);
    CHECK(judge(with_summary(1), Operation::backup, Mode::image, 8, true).outcome == "warning");
    auto w = with_summary(1);
    add_message(w, "ANS1898I", dsmc::Severity::info);
    CHECK(judge(w, Operation::backup, Mode::image, 0, true).exit_code == ExitCode::ok);
    add_message(w, "ANS9999W", dsmc::Severity::warning);
    CHECK(judge(w, Operation::backup, Mode::image, 0, true).exit_code == ExitCode::warning);
    CHECK(judge(with_summary(1), Operation::backup, Mode::image, 12, true).exit_code == ExitCode::failed);
    auto e = with_summary(1);  // a stale "backed up: 1" does not hide an error (seed 000's blind spot)
    add_message(e, "ANS1228E", dsmc::Severity::error);
    const auto v = judge(e, Operation::backup, Mode::image, 0, true);
    CHECK(v.exit_code == ExitCode::failed);
    CHECK(v.reason.find("ANS1228E") != std::string::npos);
    CHECK(judge(with_summary(1), Operation::backup, Mode::image, 127, true).exit_code == ExitCode::failed);
}

TEST_CASE("a missing summary: success only with -quiet, rc 0 and no warnings", "[backup][verdict]") {
    dsmc::Report none;
    CHECK(judge(none, Operation::backup, Mode::image, 0, true).exit_code == ExitCode::ok);
    CHECK(judge(none, Operation::backup, Mode::image, 0, false).exit_code == ExitCode::failed);
    CHECK(judge(none, Operation::backup, Mode::image, 8, true).exit_code == ExitCode::failed);
    dsmc::Report warned;
    add_message(warned, "ANS1000W", dsmc::Severity::warning);
    CHECK(judge(warned, Operation::backup, Mode::image, 0, true).exit_code == ExitCode::failed);
    CHECK(judge(none, Operation::backup, Mode::image, std::nullopt, true).exit_code == ExitCode::failed);
}

TEST_CASE("printed return code is used when none was seen", "[backup][verdict]") {
    auto r = with_summary(1);
    r.return_code = 12;
    CHECK(judge(r, Operation::backup, Mode::image, std::nullopt, true).exit_code == ExitCode::failed);
    r.return_code = 0;
    CHECK(judge(r, Operation::backup, Mode::image, std::nullopt, true).exit_code == ExitCode::ok);
}

TEST_CASE("no such backup on the server is not found for restore/delete, empty for query", "[backup][verdict]") {
    dsmc::Report r;
    add_message(r, "ANS1345E", dsmc::Severity::error);
    CHECK(judge(r, Operation::restore, Mode::image, 12, true).exit_code == ExitCode::not_found);
    CHECK(judge(r, Operation::remove, Mode::image, 12, true).exit_code == ExitCode::not_found);
    CHECK(judge(r, Operation::backup, Mode::image, 12, true).exit_code == ExitCode::failed);
    dsmc::Report q;
    add_message(q, "ANS1092W", dsmc::Severity::warning);
    CHECK(judge(q, Operation::query, Mode::image, 8, true).exit_code == ExitCode::ok);
    dsmc::Report broken;
    add_message(broken, "ANS1017E", dsmc::Severity::error);
    CHECK(judge(broken, Operation::query, Mode::image, 12, true).exit_code == ExitCode::failed);
}
