// The real dsmc outputs collected for issue 15 (tests/data/dsmc/30-47, each with its public
// source on line 1), parsed with their expected typed results: message codes and
// severities, summary figures, table kinds and row counts, return codes and verdicts. They
// cover query backup -detail with continuation lines and elisions, server actlog ANE lines,
// restores, scheduler logs and error outputs.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "opskit/dsmc/report.hpp"

using namespace opskit::dsmc;

namespace {

Report parse_public(const std::string& name) {
    const std::filesystem::path path = std::filesystem::path(OPSKIT_TEST_DATA) / "dsmc" / name;
    std::ifstream in(path, std::ios::binary);
    REQUIRE(in.good());
    std::ostringstream ss;
    ss << in.rdbuf();
    return parse_output(ss.str());
}

std::vector<std::string> codes(const Report& r) {
    std::vector<std::string> out;
    for (const auto& m : r.messages) out.push_back(m.code);
    return out;
}

std::string field(const TableRow& row, const std::string& key) {
    for (const auto& [k, v] : row.fields)
        if (k == key) return v;
    return {};
}

}  // namespace

TEST_CASE("30 query backup -detail: tab continuation lines belong to their row, '...' does not end the table",
          "[dsmc][captures][public]") {
    const Report r = parse_public("30-query-backup-detail-tab-continuation-elision.txt");
    REQUIRE(r.tables.size() == 1);
    const Table& t = r.tables[0];
    CHECK(t.kind == "query_backup");
    REQUIRE(t.rows.size() == 3);
    CHECK(t.rows[0].size_bytes == 0u);
    CHECK(t.rows[0].name == "/daitssfs/023/000/.lock");
    CHECK(field(t.rows[0], "modified") == "2010-07-12T18:22:25");
    CHECK(field(t.rows[0], "accessed") == "2009-10-28T16:50:30");
    CHECK(t.rows[1].size_bytes == 19251200u);
    CHECK(t.rows[1].mgmt_class == "PERMANENT");
    CHECK(field(t.rows[1], "accessed") == "2010-02-25T21:46:19");
    CHECK(t.rows[2].active == false);
    CHECK(t.rows[2].date == "2010-03-02T22:33:17");
    CHECK(field(t.rows[2], "modified") == "2009-11-02T08:49:15");
    CHECK(r.messages.empty());
}

TEST_CASE("31 actlog: ANE lines with a (Session, Node) prefix build one typed summary", "[dsmc][captures][public]") {
    const Report r = parse_public("31-actlog-ANE-session-prefix-ANR2579E.txt");
    REQUIRE(r.summaries.size() == 1);
    const Summary& s = r.summaries[0];
    CHECK(s.objects_backed_up == 7002u);
    CHECK(s.bytes_transferred == 468189184u);  // 446.50 MB
    CHECK(s.raw_value("bytes_transferred") == "446.50 MB");
    CHECK(s.elapsed_s == Approx(6232));        // 01:43:52
    CHECK(s.timestamp == "2022-09-16T12:34:01");
    CHECK(codes(r) == std::vector<std::string>{"ANR2579E", "ANR2579E"});
    CHECK(r.messages[0].timestamp == "2022-09-15T16:24:49");
    CHECK(r.verdict == "error");
}

TEST_CASE("32 restore: OCR'd ANS12471 is text, restore summary typed", "[dsmc][captures][public]") {
    const Report r = parse_public("32-restore-gpfs-summary-ANS12471-ocr.txt");
    CHECK(r.messages.empty());
    REQUIRE(r.sessions.size() == 1);
    CHECK(r.sessions[0].node_name == "SSS-IP02");
    CHECK(r.sessions[0].server_version == "8.1.7.000");
    REQUIRE(r.summaries.size() == 1);
    CHECK(r.summaries[0].objects_restored == 6491u);
    CHECK(r.summaries[0].objects_failed == 0u);
    CHECK(r.summaries[0].bytes_transferred == 2544768123u);
    CHECK(r.summaries[0].elapsed_s == Approx(31));
    CHECK(r.verdict == "success");
}

TEST_CASE("33 restore -filelist as node: elision, garbled ANS1898I, summary", "[dsmc][captures][public]") {
    const Report r = parse_public("33-restore-filelist-asnode-elision-ANS1898I.txt");
    REQUIRE(r.sessions.size() == 1);
    CHECK(r.sessions[0].accessing_as_node == "SSS-IP02");
    CHECK(codes(r) == std::vector<std::string>{"ANS1898I"});
    REQUIRE(r.summaries.size() == 1);
    CHECK(r.summaries[0].objects_restored == 2144u);
    CHECK(r.summaries[0].bytes_transferred == 846693663u);
    CHECK(r.summaries[0].elapsed_s == Approx(60));
    CHECK(r.verdict == "success");
}

TEST_CASE("34-38 Oxford dsmc guide: banner, query filespace, query backup tables with prompts", "[dsmc][captures][public]") {
    const Report banner = parse_public("34-session-banner-6.4-ddmmyyyy-prompt.txt");
    REQUIRE(banner.sessions.size() == 1);
    CHECK(banner.sessions[0].node_name == "TEST-UBUNTU-OUCS");
    CHECK(banner.sessions[0].client_version == "6.4.1.7");
    CHECK(banner.sessions[0].server_datetime == "2014-03-13T15:01:15");
    CHECK(banner.messages.empty());

    const Report fs = parse_public("35-query-filespace-ddmmyyyy-tsm-prompt.txt");
    REQUIRE(fs.tables.size() == 1);
    CHECK(fs.tables[0].kind == "query_filespace");
    REQUIRE(fs.tables[0].rows.size() == 2);
    CHECK(fs.tables[0].rows[1].date == "2014-07-25T12:26:09");
    CHECK(fs.tables[0].rows[1].fs_type == "EXT3");

    const Report one = parse_public("36-query-backup-wide-single-row-ddmmyyyy.txt");
    REQUIRE(one.tables.size() == 1);
    REQUIRE(one.tables[0].rows.size() == 1);
    CHECK(one.tables[0].rows[0].size_bytes == 512u);
    CHECK(one.tables[0].rows[0].date == "2012-04-24T02:52:09");

    // A blank line and a new prompt: the first table ends at the prompt, not at the blank.
    const Report two = parse_public("37-query-backup-subdir-two-prompts.txt");
    REQUIRE(two.tables.size() == 2);
    CHECK(two.tables[0].rows.size() == 4);
    CHECK(two.tables[1].rows.size() == 10);
    CHECK(two.tables[1].rows[6].size_bytes == 12048u);

    const Report inactive = parse_public("38-query-backup-inactive-A-I.txt");
    REQUIRE(inactive.tables.size() == 1);
    REQUIRE(inactive.tables[0].rows.size() == 12);
    int inactive_rows = 0;
    for (const auto& row : inactive.tables[0].rows)
        if (row.active == false) ++inactive_rows;
    CHECK(inactive_rows == 2);
}

TEST_CASE("39 errors: ANS1071E and ANS1081E", "[dsmc][captures][public]") {
    const Report r = parse_public("39-incremental-selective-ANS1071E-ANS1081E.txt");
    CHECK(codes(r) == std::vector<std::string>{"ANS1071E", "ANS1081E"});
    CHECK(r.messages[0].severity == Severity::error);
    CHECK(r.highest_severity == Severity::error);
    CHECK(r.verdict == "error");
}

TEST_CASE("40, 46, 47: schedule, include/exclude and pick window outputs are not messages or summaries",
          "[dsmc][captures][public]") {
    const Report sched = parse_public("40-query-schedule-classic.txt");
    CHECK(sched.messages.empty());
    CHECK(sched.summaries.empty());
    CHECK(sched.tables.empty());
    CHECK(sched.verdict == "success");
    const Report incl = parse_public("46-query-inclexcl.txt");
    CHECK(incl.messages.empty());
    CHECK(incl.summaries.empty());
    CHECK(incl.tables.empty());
    // The pick window's header looks like a query backup header; its `174. |` rows are not rows.
    const Report pick = parse_public("47-restore-pick-window.txt");
    CHECK(pick.messages.empty());
    REQUIRE(pick.tables.size() == 1);
    CHECK(pick.tables[0].kind == "query_backup");
    CHECK(pick.tables[0].rows.empty());
}

TEST_CASE("41 query/delete access then ANS1302E", "[dsmc][captures][public]") {
    const Report r = parse_public("41-query-access-delete-access-ANS1302E.txt");
    CHECK(codes(r) == std::vector<std::string>{"ANS1302E"});
    CHECK(r.messages[0].line == 20);
    CHECK(r.verdict == "error");
}

TEST_CASE("42 dsmsched tail: schedule end, log pruning, ANS1512E rc 12", "[dsmc][captures][public]") {
    const Report r = parse_public("42-dsmsched-schedule-end-ANS1512E-rc12.txt");
    CHECK(codes(r) == std::vector<std::string>{"ANS1483I", "ANS1484I", "ANS1512E"});
    CHECK(r.return_code == 12);
    REQUIRE(r.summaries.size() == 1);
    CHECK(r.summaries[0].elapsed_s == Approx(792));
    REQUIRE(r.sessions.size() == 1);
    CHECK(r.sessions[0].node_name == "LAGRING2");
    CHECK(r.sessions[0].server_name == "TSM3");
    CHECK(r.sessions[0].client_version == "7.1.2.0");
    CHECK(r.verdict == "error");
}

TEST_CASE("43 query access 5.5: ANS1148I (cut by the index), session header", "[dsmc][captures][public]") {
    const Report r = parse_public("43-query-access-5.5-ANS1148I.txt");
    CHECK(codes(r) == std::vector<std::string>{"ANS1148I"});
    REQUIRE(r.sessions.size() == 1);
    CHECK(r.sessions[0].node_name == "SOL10");
    CHECK(r.sessions[0].server_platform == "Linux/i386");
    CHECK(r.verdict == "success");
}

TEST_CASE("44 incremental with client encryption: [...] elisions, encryption summary", "[dsmc][captures][public]") {
    const Report r = parse_public("44-incremental-encryption-prompt-elisions.txt");
    CHECK(codes(r) == std::vector<std::string>{"ANS1898I", "ANS1898I"});
    REQUIRE(r.summaries.size() == 1);
    const Summary& s = r.summaries[0];
    CHECK(s.objects_inspected == 16376u);
    CHECK(s.objects_backed_up == 77u);
    CHECK(s.objects_encrypted == 77u);
    CHECK(s.encryption_type == "256-bit AES");
    CHECK(r.verdict == "success");
}

TEST_CASE("45 TSM 5.1 run terminated before its summary", "[dsmc][captures][public]") {
    const Report r = parse_public("45-incremental-tsm51-terminated.txt");
    CHECK(codes(r) == std::vector<std::string>{"ANS1898I", "ANS1898I"});
    CHECK(r.summaries.empty());
    CHECK_FALSE(r.return_code.has_value());
    REQUIRE(r.sessions.size() == 1);
    CHECK(r.sessions[0].node_name == "BCCSFS");
    CHECK(r.sessions[0].client_version == "5.1.6.0");
}

TEST_CASE("48 query archive 8.1.11: B and KB sizes, MM/DD/YYYY dates, 'Never' then a description",
          "[dsmc][captures][public]") {
    const Report r = parse_public("48-query-archive-kb-units-mmddyyyy-8.1.11.txt");
    REQUIRE(r.sessions.size() == 1);
    CHECK(r.sessions[0].client_version == "8.1.11.0");
    CHECK(r.sessions[0].accessing_as_node == "ArthurDent");
    CHECK(r.messages.empty());
    CHECK_FALSE(r.return_code.has_value());
    REQUIRE(r.tables.size() == 1);
    const Table& t = r.tables[0];
    CHECK(t.kind == "query_archive");
    REQUIRE(t.rows.size() == 4);
    CHECK(t.rows[0].size_bytes == 607u);
    CHECK(t.rows[0].date == "2016-12-03T11:51:24");  // MM/DD: the session's 09/16/2024 says so too
    CHECK(t.rows[0].name == "/home/hiseq.clinical/ENCRYPT/161115_ST-E00214_0117_BHVKJCDRXX.key.gpg");
    CHECK(t.rows[0].expires == "never");
    CHECK(t.rows[0].description == "Archive Date: 12/03/2016");
    CHECK(t.rows[1].size_bytes == 323235178u);
    CHECK(t.rows[3].size_raw == "647,336,368 KB");
    CHECK(t.rows[3].size_bytes == 647336368ull * 1024);
    CHECK(t.rows[3].date == "2016-12-03T18:30:04");
}

TEST_CASE("49 query archive TSM 7.1: a 43 GB row whose size fills the column, trailing blanks in the banner",
          "[dsmc][captures][public]") {
    const Report r = parse_public("49-query-archive-tsm7.1-forty-gb-row.txt");
    REQUIRE(r.sessions.size() == 1);
    CHECK(r.sessions[0].client_version == "7.1.4.0");
    CHECK(r.sessions[0].node_name == "HASTA.SCILIFELAB.SE_CLINICAL");
    CHECK(r.sessions[0].server_version == "8.1.9.300");
    REQUIRE(r.tables.size() == 1);
    REQUIRE(r.tables[0].rows.size() == 2);
    const TableRow& big = r.tables[0].rows[1];
    CHECK(big.size_bytes == 43868543141ull);
    CHECK(big.size_raw == "43,868,543,141  B");
    CHECK(big.date == "2022-03-28T11:53:04");
    CHECK(big.name == "/path/to/archived/flow_cell.tar.gz.gpg");
    CHECK(big.description == "Archive Date: 03/28/2022");
}
