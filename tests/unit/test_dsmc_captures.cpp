// Every visible dsmc capture (tests/data/dsmc, copied from the shared samples with their
// source on line 1) parsed with exact expected values: sessions, messages with severity and
// continuation lines, every summary figure in bytes/seconds, query tables, return codes.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "opskit/dsmc/report.hpp"

using namespace opskit::dsmc;

namespace {

std::string capture(const std::string& name) {
    // A path, not string concatenation: GCC 12 raises a false -Warray-bounds on the latter.
    const std::filesystem::path path = std::filesystem::path(OPSKIT_TEST_DATA) / "dsmc" / name;
    std::ifstream in(path, std::ios::binary);
    REQUIRE(in.good());
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

Report parse_capture(const std::string& name) { return parse_output(capture(name)); }

}  // namespace

TEST_CASE("01 dsmsched.log: timestamps, summary, rc 12 from ANS1512E", "[dsmc][captures]") {
    const Report r = parse_capture("01-dsmsched-incremental-summary-rc-failed2.txt");
    REQUIRE(r.summaries.size() == 1);
    const Summary& s = r.summaries[0];
    CHECK(s.line == 4);
    CHECK(s.timestamp == "2019-03-26T03:07:11");
    CHECK(s.objects_inspected == 3220562u);
    CHECK(s.objects_backed_up == 418u);
    CHECK(s.objects_updated == 208u);
    CHECK(s.objects_rebound == 0u);
    CHECK(s.objects_deleted == 0u);
    CHECK(s.objects_expired == 296u);
    CHECK(s.objects_failed == 2u);
    CHECK(s.objects_encrypted == 0u);
    CHECK(s.objects_grew == 0u);
    CHECK(s.retries == 1u);
    // 4.51 TB with K = 1024: 451 * 2^40 / 100, rounded.
    CHECK(s.bytes_inspected == 4958797441270u);
    CHECK(s.raw_value("bytes_inspected") == "4.51 TB");
    CHECK(s.bytes_transferred == 162885796u);  // 155.34 MB
    CHECK(s.data_transfer_time_s == Approx(1.08));
    CHECK(s.network_rate_bytes_per_s == Approx(147046.32 * 1024));
    CHECK(s.aggregate_rate_bytes_per_s == Approx(200.83 * 1024));
    CHECK(s.compressed_percent == Approx(0.0));
    CHECK(s.data_reduction_percent == Approx(100.0));
    CHECK(s.elapsed_s == Approx(13 * 60 + 12));
    CHECK_FALSE(s.objects_restored.has_value());
    CHECK(s.other.empty());

    REQUIRE(r.messages.size() == 3);
    CHECK(r.messages[0].code == "ANS1483I");
    CHECK(r.messages[0].severity == Severity::info);
    CHECK(r.messages[1].code == "ANS1484I");
    const Message& m = r.messages[2];
    CHECK(m.code == "ANS1512E");
    CHECK(m.prefix == "ANS");
    CHECK(m.number == 1512);
    CHECK(m.severity == Severity::error);
    CHECK(m.text == "Scheduled event 'DAILY_MACSERVERS' failed.  Return code = 12.");
    CHECK(m.line == 33);
    CHECK(m.timestamp == "2019-03-20T02:29:05");

    REQUIRE(r.sessions.size() == 2);
    CHECK(r.sessions[0].server_name == "TSM3");
    CHECK(r.sessions[0].server_platform == "Linux/x86_64");
    CHECK(r.sessions[0].node_name.empty());
    CHECK(r.sessions[1].node_name == "LAGRING2");
    CHECK(r.sessions[1].server_name == "TSM3");
    CHECK(r.sessions[1].client_version == "7.1.2.0");

    CHECK(r.return_code == 12);
    CHECK(r.highest_severity == Severity::error);
    CHECK(r.verdict == "error");
    CHECK(r.tables.empty());
    CHECK(r.lines == 33);
}

TEST_CASE("02 dedup summary: every dedup label, HH:MM:SS over 24 h", "[dsmc][captures]") {
    const Report r = parse_capture("02-incremental-summary-first-full-dedup.txt");
    REQUIRE(r.summaries.size() == 1);
    const Summary& s = r.summaries[0];
    CHECK(s.objects_inspected == 27843085u);
    CHECK(s.objects_backed_up == 27838989u);
    CHECK(s.objects_failed == 4999u);
    CHECK(s.objects_deduplicated == 13731609u);
    CHECK(s.retries == 0u);
    CHECK(s.bytes_inspected == 470470717604u);             // 438.16 GB
    CHECK(s.bytes_processed == 290833710449u);             // 270.86 GB
    CHECK(s.bytes_before_deduplication == 450735342879u);  // 419.78 GB
    CHECK(s.bytes_after_deduplication == 281846491382u);   // 262.49 GB
    CHECK(s.bytes_transferred == 184039348634u);           // 171.40 GB
    CHECK(s.data_transfer_time_s == Approx(6982.41));
    CHECK(s.network_rate_bytes_per_s == Approx(25740.56 * 1024));
    CHECK(s.aggregate_rate_bytes_per_s == Approx(2001.94 * 1024));
    CHECK(s.compressed_percent == Approx(37));
    CHECK(s.deduplication_reduction_percent == Approx(37.47));
    CHECK(s.data_reduction_percent == Approx(60.89));
    CHECK(s.elapsed_s == Approx(24 * 3600 + 56 * 60 + 18));
    CHECK(r.messages.empty());
    CHECK(r.sessions.empty());
    CHECK_FALSE(r.return_code.has_value());
    CHECK(r.verdict == "success");
}

TEST_CASE("04 changed files: three errors, ANS4037E continues with 'Object skipped.'", "[dsmc][captures]") {
    const Report r = parse_capture("04-incremental-changed-files-ANS1228E-ANS4037E-ANS1802E.txt");
    REQUIRE(r.messages.size() == 3);
    CHECK(r.messages[0].code == "ANS1228E");
    CHECK(r.messages[0].text == "Sending of object '/var/log/audit/audit.log' failed.");
    CHECK(r.messages[0].line == 16);
    CHECK(r.messages[1].code == "ANS4037E");
    CHECK(r.messages[1].text == "Object '/var/log/audit/audit.log' changed during processing.\nObject skipped.");
    CHECK(r.messages[2].code == "ANS1802E");
    CHECK(r.messages[2].text == "Incremental backup of '/var' finished with 1 failure(s)");
    for (const auto& m : r.messages) CHECK(m.severity == Severity::error);
    CHECK(r.summaries.empty());
    CHECK(r.highest_severity == Severity::error);
    CHECK(r.verdict == "error");
}

TEST_CASE("07 query filespace 8.1.23: ISO dates, banner, session", "[dsmc][captures]") {
    const Report r = parse_capture("07-query-filespace-iso-dates-8.1.23.txt");
    REQUIRE(r.sessions.size() == 1);
    const Session& s = r.sessions[0];
    CHECK(s.node_name == "YOURNODENAME");
    CHECK(s.server_name == "DCO1-BACKUP-SERVER-2");
    CHECK(s.server_platform == "Linux/x86_64");
    CHECK(s.server_version == "8.1.21.000");
    CHECK(s.client_version == "8.1.23.0");
    CHECK(s.client_datetime == "2024-09-13T08:00:00");
    CHECK(s.server_datetime == "2024-09-13T08:00:00");
    CHECK(s.last_access == "2024-09-13T08:00:00");
    REQUIRE(r.tables.size() == 1);
    const Table& t = r.tables[0];
    CHECK(t.kind == "query_filespace");
    REQUIRE(t.rows.size() == 1);
    CHECK(t.rows[0].index == 1);
    CHECK(t.rows[0].date == "2024-09-13T04:16:26");
    CHECK(t.rows[0].fs_type == "EXT4");
    CHECK(t.rows[0].name == "/");
    CHECK(r.messages.empty());
    CHECK(r.verdict == "success");
}

TEST_CASE("10 interrupted restore: ANS1330S severe with its paragraph after a blank line", "[dsmc][captures]") {
    const Report r = parse_capture("10-restore-interrupted-ANS1330S.txt");
    REQUIRE(r.messages.size() == 2);
    CHECK(r.messages[0].code == "ANS1247I");
    CHECK(r.messages[0].text == "Waiting for files from the server...");
    CHECK(r.messages[1].code == "ANS1330S");
    CHECK(r.messages[1].severity == Severity::severe);
    CHECK(r.messages[1].text ==
          "This node currently has a pending restartable restore session.\n"
          "The requested operation cannot complete until this session either\n"
          "completes or is canceled.");
    CHECK(r.highest_severity == Severity::severe);
    CHECK(r.verdict == "error");
}

TEST_CASE("13 selective backup: KB figures, OCR'd platform kept as printed", "[dsmc][captures]") {
    const Report r = parse_capture("13-selective-backup-single-file-summary.txt");
    REQUIRE(r.sessions.size() == 1);
    CHECK(r.sessions[0].node_name == "SSS-IP02");
    CHECK(r.sessions[0].server_name == "SSS-IP06");
    CHECK(r.sessions[0].server_platform == "Linux/x86 64");
    CHECK(r.sessions[0].server_version == "8.1.7.000");
    CHECK(r.sessions[0].client_version == "8.1.7.0");
    CHECK(r.sessions[0].client_datetime == "2019-08-06T23:35:07");
    CHECK(r.sessions[0].server_datetime == "2019-08-06T23:35:13");
    CHECK(r.sessions[0].last_access == "2019-08-06T23:32:39");
    REQUIRE(r.summaries.size() == 1);
    const Summary& s = r.summaries[0];
    CHECK(s.objects_inspected == 1u);
    CHECK(s.objects_backed_up == 1u);
    CHECK(s.objects_failed == 0u);
    CHECK(s.bytes_inspected == 453243u);    // 442.62 KB
    CHECK(s.bytes_transferred == 453427u);  // 442.80 KB
    CHECK(s.data_transfer_time_s == Approx(0.06));
    CHECK(s.network_rate_bytes_per_s == Approx(7055.12 * 1024));
    CHECK(s.aggregate_rate_bytes_per_s == Approx(420.90 * 1024));
    CHECK(s.data_reduction_percent == Approx(0.0));
    CHECK(s.elapsed_s == Approx(1));
    CHECK(r.messages.empty());
    CHECK(r.verdict == "success");
}

TEST_CASE("17 query archive -detail: sizes, ISO dates, detail fields, ANS1092W", "[dsmc][captures]") {
    const Report r = parse_capture("17-query-archive-detail-iso-ANS1092W.txt");
    REQUIRE(r.sessions.size() == 1);
    CHECK(r.sessions[0].accessing_as_node == "ASNODENAME");
    CHECK(r.sessions[0].client_version == "8.1.4.1");
    REQUIRE(r.tables.size() == 1);
    const Table& t = r.tables[0];
    CHECK(t.kind == "query_archive");
    REQUIRE(t.rows.size() == 1);
    const TableRow& row = t.rows[0];
    CHECK(row.size_bytes == 72191u);
    CHECK(row.size_raw == "72,191  B");
    CHECK(row.date == "2016-04-01T02:17:31");
    CHECK(row.name == "/grid/pool/out/0000004C9A19B5FA480398AED8A6CD61107D");
    CHECK(row.expires == "never");
    CHECK(row.description == "endit");
    auto field = [&](const std::string& k) {
        for (const auto& [key, v] : row.fields)
            if (key == k) return v;
        return std::string("<missing>");
    };
    CHECK(field("retention_initiation") == "STARTED");
    CHECK(field("object_held") == "NO");
    CHECK(field("modified") == "2016-04-01T01:52:11");
    CHECK(field("accessed") == "2016-04-01T01:05:51");
    CHECK(field("inode_changed") == "2016-04-01T01:59:24");
    CHECK(field("compression_type") == "None");
    CHECK(field("encryption_type") == "None");
    CHECK(field("client_deduplicated") == "NO");
    CHECK(field("media_class") == "Library");
    CHECK(field("volume_id") == "724216");
    CHECK(field("restore_order") == "00000000-00000002-00000000-00CEF5A1");
    REQUIRE(r.messages.size() == 1);
    CHECK(r.messages[0].code == "ANS1092W");
    CHECK(r.messages[0].severity == Severity::warning);
    CHECK(r.highest_severity == Severity::warning);
    CHECK_FALSE(r.return_code.has_value());  // the author's prose is not `Return code = N`
    CHECK(r.verdict == "warning");
}

TEST_CASE("19 TSM 4.2 query backup: two sessions, 2-digit years, ANS1092E", "[dsmc][captures]") {
    const Report r = parse_capture("19-query-backup-tsm42-2003-ANS1092E.txt");
    REQUIRE(r.sessions.size() == 2);
    for (const auto& s : r.sessions) {
        CHECK(s.node_name == "D_QUIRK");
        CHECK(s.server_name == "BUDDHA");
        CHECK(s.server_platform == "Solaris 7/8");
        CHECK(s.server_version == "4.2.2.12");
        CHECK(s.client_version == "4.2.2.1");
    }
    CHECK(r.sessions[0].server_datetime == "2003-01-28T10:55:48");
    CHECK(r.sessions[0].last_access == "2003-01-28T07:38:40");
    CHECK(r.sessions[1].server_datetime == "2003-01-28T10:57:47");
    REQUIRE(r.messages.size() == 1);
    CHECK(r.messages[0].code == "ANS1092E");
    CHECK(r.messages[0].severity == Severity::error);
    REQUIRE(r.tables.size() == 1);
    CHECK(r.tables[0].kind == "query_backup");
    REQUIRE(r.tables[0].rows.size() == 1);
    const TableRow& row = r.tables[0].rows[0];
    CHECK(row.size_bytes == 4743u);
    CHECK(row.date == "2003-01-28T00:30:28");
    CHECK(row.mgmt_class == "DEFAULT");
    CHECK(row.active == true);
    CHECK(row.name == "/etc/mnttab");
    CHECK(r.verdict == "error");
}

TEST_CASE("23 and 25 successful incrementals: '0  B', 4.00 KB = 4096", "[dsmc][captures]") {
    const Report r23 = parse_capture("23-interactive-incremental-summary-8.1-Protect-prompt.txt");
    REQUIRE(r23.summaries.size() == 1);
    CHECK(r23.summaries[0].objects_inspected == 5u);
    CHECK(r23.summaries[0].bytes_inspected == 12552041923u);  // 11.69 GB
    CHECK(r23.summaries[0].bytes_transferred == 0u);
    CHECK(r23.summaries[0].raw_value("bytes_transferred") == "0  B");
    CHECK(r23.summaries[0].elapsed_s == Approx(1));
    CHECK(r23.verdict == "success");

    const Report r25 = parse_capture("25-incremental-summary-8.1.27-successful.txt");
    REQUIRE(r25.summaries.size() == 1);
    const Summary& s = r25.summaries[0];
    CHECK(s.objects_inspected == 1u);
    CHECK(s.objects_grew == 0u);  // value one column further right
    CHECK(s.bytes_inspected == 4096u);
    CHECK(s.bytes_transferred == 0u);
    CHECK(s.data_reduction_percent == Approx(100.0));
    CHECK(s.elapsed_s == Approx(19));
    REQUIRE(r25.sessions.size() == 1);
    CHECK(r25.sessions[0].node_name == "OPENCLAW");
    CHECK(r25.sessions[0].server_name == "SP");
    CHECK(r25.sessions[0].server_version == "8.1.27.000");
    CHECK(r25.sessions[0].client_version == "8.1.27.0");
    CHECK(r25.sessions[0].server_datetime == "2026-07-16T16:16:27");
    CHECK(r25.verdict == "success");
}

TEST_CASE("26 query session: dotted block as one row of fields", "[dsmc][captures]") {
    const Report r = parse_capture("26-query-session-8.1.6-connection-info.txt");
    REQUIRE(r.sessions.size() == 1);
    CHECK(r.sessions[0].node_name == "BLACKHOLE");
    CHECK(r.sessions[0].server_name == "CLOUDTSM1");
    REQUIRE(r.tables.size() == 1);
    CHECK(r.tables[0].kind == "query_session");
    REQUIRE(r.tables[0].rows.size() == 1);
    const auto& f = r.tables[0].rows[0].fields;
    REQUIRE(f.size() == 11);
    CHECK(f[0] == std::pair<std::string, std::string>{"home_server_name", "SERVER_A"});
    CHECK(f[2] == std::pair<std::string, std::string>{"archive_retain_protect", "No"});
    CHECK(f[4] == std::pair<std::string, std::string>{"last_access_date", "2018-09-24T10:31:34"});
    CHECK(f[7] == std::pair<std::string, std::string>{"deduplication", "Server Only"});
    CHECK(f[8] == std::pair<std::string, std::string>{"node_name", "BLACKHOLE"});
    CHECK(f[10].first == "ssl_information");
    CHECK(r.verdict == "success");
}

TEST_CASE("28 TSM 5.1: wide number after one space, no 5.1-absent labels", "[dsmc][captures]") {
    const Report r = parse_capture("28-incremental-tsm51-solaris-2004-multi-volume.txt");
    REQUIRE(r.sessions.size() == 1);
    CHECK(r.sessions[0].client_version == "5.1.6.0");
    CHECK(r.sessions[0].server_version == "5.1.6.5");
    CHECK(r.sessions[0].server_platform == "Solaris 7/8");
    REQUIRE(r.messages.size() == 2);
    CHECK(r.messages[0].code == "ANS1898I");
    CHECK(r.messages[0].text == "***** Processed       500 files *****");
    CHECK(r.messages[1].text == "***** Processed     3,000 files *****");
    REQUIRE(r.summaries.size() == 1);
    const Summary& s = r.summaries[0];
    CHECK(s.objects_inspected == 4719746u);
    CHECK(s.objects_backed_up == 538u);
    CHECK(s.objects_expired == 22u);
    CHECK(s.objects_failed == 1u);
    CHECK_FALSE(s.objects_encrypted.has_value());
    CHECK_FALSE(s.retries.has_value());
    CHECK_FALSE(s.bytes_inspected.has_value());
    CHECK(s.bytes_transferred == 162078392u);  // 154.57 MB
    CHECK(s.data_transfer_time_s == Approx(8.20));
    CHECK(s.elapsed_s == Approx(43 * 60 + 44));
    CHECK(r.highest_severity == Severity::info);
    CHECK(r.verdict == "success");
}

TEST_CASE("90 cinder simulator: four summaries, no banner text swallowed", "[dsmc][captures]") {
    const Report r = parse_capture("90-SIMULATED-cinder-TSMBackupSimulator-NOT-REAL-DSMC.txt");
    REQUIRE(r.summaries.size() == 4);
    CHECK(r.summaries[0].objects_backed_up == 1u);
    CHECK(r.summaries[1].objects_inspected == 1u);
    CHECK_FALSE(r.summaries[1].objects_backed_up.has_value());
    CHECK(r.summaries[2].objects_restored == 1u);
    CHECK(r.summaries[3].objects_deleted == 1u);
    CHECK(r.summaries[3].objects_failed == 0u);
    REQUIRE(r.messages.size() == 3);
    CHECK(r.messages[0].code == "ANS1228E");
    CHECK(r.messages[1].code == "ANS1063E");
    CHECK(r.messages[1].text == "The specified path is not a valid file system or logical volume name.");
    CHECK(r.messages[2].code == "ANS4000E");
    CHECK(r.verdict == "error");
}

TEST_CASE("to_json follows the bkctl parse schema", "[dsmc][json]") {
    const opskit::Json j = to_json(parse_capture("01-dsmsched-incremental-summary-rc-failed2.txt"));
    CHECK(j["return_code"] == 12);
    CHECK(j["highest_severity"] == "error");
    CHECK(j["verdict"] == "error");
    CHECK(j["summaries"][0]["objects_failed"] == 2);
    CHECK(j["summaries"][0]["retries"] == 1);
    CHECK(j["summaries"][0]["bytes_inspected"] == 4958797441270u);
    CHECK(j["summaries"][0]["elapsed_s"] == 792);
    CHECK(j["summaries"][0]["elapsed_s"].is_number_integer());
    CHECK(j["summaries"][0]["raw"]["bytes_inspected"] == "4.51 TB");
    CHECK(j["summaries"][0]["other"].is_object());
    CHECK(j["messages"][2]["code"] == "ANS1512E");
    CHECK(j["messages"][2]["severity"] == "error");
    CHECK(j["messages"][2]["line"] == 33);
    CHECK(j["sessions"][1]["node_name"] == "LAGRING2");
    CHECK(j["sessions"][0]["node_name"].is_null());
    CHECK(j["tables"].is_array());

    const opskit::Json q = to_json(parse_capture("19-query-backup-tsm42-2003-ANS1092E.txt"));
    const opskit::Json& row = q["tables"][0]["rows"][0];
    CHECK(q["tables"][0]["kind"] == "query_backup");
    CHECK(row["size_bytes"] == 4743);
    CHECK(row["backup_date"] == "2003-01-28T00:30:28");
    CHECK(row["mgmt_class"] == "DEFAULT");
    CHECK(row["active"] == true);
    CHECK(row["name"] == "/etc/mnttab");
}
