// The dsmc parser on inputs no visible capture shows but real clients print: locale
// separators (`.` `'` space U+202F), decimal commas, every byte unit, CRLF, other date
// formats, server actlog (ANE) lines, OCR-damaged ids, query image and wide query backup
// layouts, and hostile bytes. Each expectation is exact.
#include <catch2/catch.hpp>

#include <string>

#include "dsmc/dates.hpp"
#include "dsmc/numbers.hpp"
#include "opskit/dsmc/report.hpp"

using namespace opskit::dsmc;
using namespace opskit::dsmc::detail;

TEST_CASE("counts with every thousands separator", "[dsmc][numbers]") {
    CHECK(parse_count("27,843,085") == 27843085u);
    CHECK(parse_count("11.765.672") == 11765672u);
    CHECK(parse_count("4\xe2\x80\xaf" "719\xe2\x80\xaf" "746") == 4719746u);  // U+202F
    CHECK(parse_count("1\xc2\xa0" "000") == 1000u);                          // U+00A0
    CHECK(parse_count("1'000'000") == 1000000u);
    CHECK(parse_count("1 000 000") == 1000000u);
    CHECK(parse_count("0") == 0u);
    CHECK(parse_count("4,999") == 4999u);
    CHECK_FALSE(parse_count("1.5").has_value());
    CHECK_FALSE(parse_count("abc").has_value());
    CHECK_FALSE(parse_count("").has_value());
    CHECK_FALSE(parse_count("99999999999999999999999").has_value());  // overflow
}

TEST_CASE("decimal commas and points", "[dsmc][numbers]") {
    CHECK(parse_seconds("1.544,64 sec") == Approx(1544.64));
    CHECK(parse_seconds("6,982.41 sec") == Approx(6982.41));
    CHECK(parse_seconds("1 000,00 sec") == Approx(1000.0));
    CHECK(parse_seconds("1'000,00 sec") == Approx(1000.0));
    CHECK(parse_seconds("1,000,00 sec") == Approx(1000.0));  // numberformat 2
    CHECK(parse_percent("99,69%") == Approx(99.69));
    CHECK(parse_percent("37%") == Approx(37));
    CHECK(parse_percent("100.00%") == Approx(100));
    CHECK(parse_rate("147,046.32 KB/sec") == Approx(147046.32 * 1024));
    CHECK(parse_rate("0,00 KB/sec") == Approx(0));
    CHECK(parse_rate("1.5 MB/sec") == Approx(1.5 * 1048576));
    CHECK_FALSE(parse_rate("12 KB/hour").has_value());
}

TEST_CASE("byte quantities: B to PB as powers of 1024, exact rounding", "[dsmc][numbers]") {
    CHECK(parse_bytes("0  B") == 0u);
    CHECK(parse_bytes("607  B") == 607u);
    CHECK(parse_bytes("4.00 KB") == 4096u);
    CHECK(parse_bytes("442.62 KB") == 453243u);
    CHECK(parse_bytes("155.34 MB") == 162885796u);
    CHECK(parse_bytes("2.37 GB") == 2544768123u);
    CHECK(parse_bytes("4.51 TB") == 4958797441270u);
    CHECK(parse_bytes("67,87 TB") == 74623854177157u);
    CHECK(parse_bytes("1.00 PB") == 1125899906842624u);
    CHECK(parse_bytes("1,244,997,334 KB") == 1274877270016u);
    CHECK(parse_bytes("4,743") == 4743u);
    CHECK_FALSE(parse_bytes("12 XB").has_value());
    CHECK_FALSE(parse_bytes("99999999 PB").has_value());  // beyond 2^64
}

TEST_CASE("elapsed time over 24 hours", "[dsmc][numbers]") {
    CHECK(parse_hms("00:13:12") == Approx(792));
    CHECK(parse_hms("24:56:18") == Approx(89778));
    CHECK(parse_hms("123:00:01") == Approx(442801));
    CHECK_FALSE(parse_hms("00:61:00").has_value());
    CHECK_FALSE(parse_hms("12:00").has_value());
}

TEST_CASE("dates in every documented -dateformat", "[dsmc][dates]") {
    CHECK(to_iso("01/28/2003 00:30:28") == "2003-01-28T00:30:28");
    CHECK(to_iso("01/28/03   00:30:28") == "2003-01-28T00:30:28");
    CHECK(to_iso("24-04-2012 02:52:09") == "2012-04-24T02:52:09");
    CHECK(to_iso("24.04.2012 02:52:09") == "2012-04-24T02:52:09");
    CHECK(to_iso("2012.04.24 02:52:09") == "2012-04-24T02:52:09");
    CHECK(to_iso("2012-04-24 02:52:09") == "2012-04-24T02:52:09");
    CHECK(to_iso("04/07/2019") == "2019-04-07");
    CHECK(to_iso("2019-03-26 15:07:11 PM") == "");  // 24 h time with PM is not a time
    CHECK(to_iso("03/26/2019 03:07:11 PM") == "2019-03-26T15:07:11");
    CHECK(to_iso("03/26/2019 12:07:11 AM") == "2019-03-26T00:07:11");
    CHECK(to_iso("13/26/2019") == "");
    CHECK(to_iso("02/30/2019") == "");
    CHECK(to_iso("not a date") == "");
}

TEST_CASE("CRLF, German numbers and U+202F in a summary", "[dsmc][locale]") {
    const std::string text =
        "Total number of objects inspected:   11.765.672\r\n"
        "Total number of objects failed:      4\xe2\x80\xaf" "999\r\n"
        "Total number of bytes inspected:         67,87 TB\r\n"
        "Data transfer time:                 1.544,64 sec\r\n"
        "Total data reduction ratio:             99,69%\r\n"
        "Elapsed processing time:            24:56:18\r\n";
    const Report r = parse_output(text);
    REQUIRE(r.summaries.size() == 1);
    const Summary& s = r.summaries[0];
    CHECK(s.objects_inspected == 11765672u);
    CHECK(s.objects_failed == 4999u);
    CHECK(s.bytes_inspected == 74623854177157u);
    CHECK(s.data_transfer_time_s == Approx(1544.64));
    CHECK(s.data_reduction_percent == Approx(99.69));
    CHECK(s.elapsed_s == Approx(89778));
    CHECK(s.raw_value("elapsed_s") == "24:56:18");
    CHECK(r.lines == 6);
}

TEST_CASE("server actlog ANE lines parse like bare summary lines", "[dsmc][ane]") {
    const std::string text =
        "09/24/2018 10:33:00      ANE4952I (Session: 1777737, Node: BLACKHOLE)  Total number of objects "
        "inspected:        1  (SESSION: 1777737)  \n"
        "09/24/2018 10:33:00      ANE4954I (Session: 1777737, Node: BLACKHOLE)  Total number of objects backed "
        "up:        1  (SESSION: 1777737)\n"
        "ANE4961I Total number of bytes transferred:     2.37 GB (SESSION: 1777737)\n"
        "ANE4005E Error processing '/x': file not found\n";
    const Report r = parse_output(text);
    REQUIRE(r.summaries.size() == 1);
    CHECK(r.summaries[0].objects_inspected == 1u);
    CHECK(r.summaries[0].objects_backed_up == 1u);
    CHECK(r.summaries[0].bytes_transferred == 2544768123u);
    CHECK(r.summaries[0].timestamp == "2018-09-24T10:33:00");
    REQUIRE(r.messages.size() == 1);
    CHECK(r.messages[0].code == "ANE4005E");
    CHECK(r.messages[0].prefix == "ANE");
    CHECK(r.messages[0].severity == Severity::error);
    CHECK(r.verdict == "error");
}

TEST_CASE("message ids: three letters, four digits, a severity letter, a boundary", "[dsmc][messages]") {
    // A digit where the severity letter stands (OCR `ANS12471`), a letter among the digits,
    // a fifth digit or a glued suffix are text, not messages (issue 15).
    CHECK(parse_output("ANS12471 Waiting for files from the server...\n").messages.empty());
    CHECK(parse_output("ANS1O92W No files matching\n").messages.empty());
    CHECK(parse_output("ANS12345E five digits\n").messages.empty());
    CHECK(parse_output("ANS1234EX glued\nANS1234e lower case letter\n").messages.empty());
    CHECK(parse_output("ANSWERS are here\nANS1234X nope\nANNOUNCE: x\n").messages.empty());
    // Boundaries: space, tab, colon, end of line.
    const Report r = parse_output("ANS1247I Waiting\nANS1092W: colon\nANS1228E\nANR2579E\tTab\nANS9999K odd letter\n");
    REQUIRE(r.messages.size() == 5);
    CHECK(r.messages[0].code == "ANS1247I");
    CHECK(r.messages[0].raw_code.empty());
    CHECK(r.messages[1].code == "ANS1092W");
    CHECK(r.messages[1].severity == Severity::warning);
    CHECK(r.messages[2].code == "ANS1228E");
    CHECK(r.messages[2].text.empty());
    CHECK(r.messages[3].prefix == "ANR");
    CHECK(r.messages[4].code == "ANS9999K");
    CHECK(r.messages[4].severity == Severity::info);
    CHECK(r.verdict == "error");
}

TEST_CASE("return codes: the last printed wins, rc maps to the generic verdict", "[dsmc][verdict]") {
    CHECK(parse_output("Return code = 4\n").return_code == 4);
    CHECK(parse_output("Return code = 4\n").verdict == "warning");
    CHECK(parse_output("ANS1901I Highest return code was 8.\n").return_code == 8);
    CHECK(parse_output("Return code = 0\n").verdict == "success");
    CHECK(parse_output("Return code = 12\n").verdict == "error");
    CHECK(parse_output("Return code = 4\nReturn code = 0\n").return_code == 0);
    CHECK_FALSE(parse_output("dsmc exits with return code 8.\n").return_code.has_value());
    CHECK(generic_verdict(std::nullopt, std::nullopt) == "success");
    CHECK(generic_verdict(0, Severity::warning) == "warning");
    CHECK(generic_verdict(0, Severity::severe) == "error");
    CHECK(generic_verdict(137, std::nullopt) == "error");
    CHECK(generic_verdict(8, Severity::info) == "warning");
}

TEST_CASE("unknown labels inside a summary are kept raw, a repeated label starts a new one", "[dsmc][summary]") {
    const Report r = parse_output(
        "Total number of objects inspected:        3\n"
        "Total number of objects archived:         2\n"
        "Data encryption type:               256-bit AES\n"
        "Subfile objects reduced by:             12%\n"
        "LanFree bytes transferred:            1.00 KB\n"
        "Total number of objects inspected:        9\n");
    REQUIRE(r.summaries.size() == 2);
    CHECK(r.summaries[0].objects_inspected == 3u);
    CHECK(r.summaries[0].other.at("Total number of objects archived") == "2");
    CHECK(r.summaries[0].encryption_type == "256-bit AES");
    CHECK(r.summaries[0].subfile_reduced_percent == Approx(12));
    CHECK(r.summaries[0].lanfree_bytes_transferred == 1024u);
    CHECK(r.summaries[1].objects_inspected == 9u);
    CHECK(r.summaries[1].line == 6);
    // A value that does not parse keeps its raw text and leaves the field empty.
    const Report bad = parse_output("Total number of objects failed:   lots\n");
    REQUIRE(bad.summaries.size() == 1);
    CHECK_FALSE(bad.summaries[0].objects_failed.has_value());
    CHECK(bad.summaries[0].raw_value("objects_failed") == "lots");
}

TEST_CASE("query image and the wide query backup layout", "[dsmc][tables]") {
    const Report r = parse_output(
        "  Image Size   Stored Size  FSType   Backup Date          Mgmt Class  A/I Image Name\n"
        "  ----------   -----------  ------   -----------          ----------  --- ----------\n"
        "1     1.00 GB      1.00 GB  RAW      11/05/2013 10:51:54  DEFAULT      A  /dev/backup-7\n"
        "     20.00 MB     12.50 MB  ext4     2013-11-06 01:00:00  STANDARD     I  /dev/vg/lv one\n"
        "\n"
        "   Size      Backup Date                Mgmt Class           A/I File\n"
        "   512  B  24-04-2012 02:52:09          STANDARD             A  /home/ians/projects\n"
        "19,251,200  B  03/02/2010 09:46:12    PERMANENT   A  /daitssfs/023/data\n"
        "    \t      Modified: 10/28/2009 16:50:30\tAccessed: 02/25/2010 21:46:19\n");
    REQUIRE(r.tables.size() == 2);
    const Table& img = r.tables[0];
    CHECK(img.kind == "query_image");
    REQUIRE(img.rows.size() == 2);
    CHECK(img.rows[0].index == 1);
    CHECK(img.rows[0].size_bytes == 1073741824u);
    CHECK(img.rows[0].stored_size_bytes == 1073741824u);
    CHECK(img.rows[0].fs_type == "RAW");
    CHECK(img.rows[0].date == "2013-11-05T10:51:54");
    CHECK(img.rows[0].mgmt_class == "DEFAULT");
    CHECK(img.rows[0].active == true);
    CHECK(img.rows[0].name == "/dev/backup-7");
    CHECK_FALSE(img.rows[1].index.has_value());
    CHECK(img.rows[1].size_bytes == 20971520u);
    CHECK(img.rows[1].stored_size_bytes == 13107200u);
    CHECK(img.rows[1].active == false);
    CHECK(img.rows[1].name == "/dev/vg/lv one");
    const Table& qb = r.tables[1];
    CHECK(qb.kind == "query_backup");
    REQUIRE(qb.rows.size() == 2);
    CHECK(qb.rows[0].size_bytes == 512u);
    CHECK(qb.rows[0].date == "2012-04-24T02:52:09");
    CHECK(qb.rows[0].mgmt_class == "STANDARD");
    CHECK(qb.rows[1].size_bytes == 19251200u);
    CHECK(qb.rows[1].date == "2010-03-02T09:46:12");
    REQUIRE(qb.rows[1].fields.size() == 2);
    CHECK(qb.rows[1].fields[0] == std::pair<std::string, std::string>{"modified", "2009-10-28T16:50:30"});
    CHECK(qb.rows[1].fields[1] == std::pair<std::string, std::string>{"accessed", "2010-02-25T21:46:19"});
}

TEST_CASE("hostile bytes never crash and stay linear", "[dsmc][robust]") {
    std::string nasty;
    for (int i = 0; i < 256; ++i) nasty.push_back(static_cast<char>(i));
    nasty += "\nANS\nANS1\nANS123\nANS1234\nTotal number of objects inspected:\n:\n::::\n(\n)\n";
    nasty += std::string("ANS1228E x\n") + std::string(100000, 'a') + "\n";
    nasty += std::string(100000, '\n');
    nasty += "Size Backup Date\n" + std::string(5000, '9') + "\n";
    nasty.push_back('\0');
    nasty += "\xe2\x80";  // truncated UTF-8 at the end
    const Report r = parse_output(nasty);
    CHECK(r.lines > 100000);
    const auto dumped = to_json(r).dump(-1, ' ', false, opskit::Json::error_handler_t::replace);
    CHECK_FALSE(dumped.empty());
    CHECK(parse_output("").lines == 0);
    CHECK(parse_output("").verdict == "success");
    CHECK(parse_output("no newline at end").lines == 1);
}

TEST_CASE("scheduler-log timestamps: repeated prefixes, AM/PM after one, invalid dates", "[dsmc][dates]") {
    const std::string text =
        "2019-03-26 03:07:11 ANS1483I Schedule log pruning started.\n"
        "2019-03-26 03:07:11 ANS1484I Schedule log pruning finished successfully.\n"
        "2019-03-26 03:07:11 PM ANS1228E Sending of object '/a' failed.\n"
        "2019-03-26 03:07:11\tANS1802E Incremental backup of '/' finished with 1 failure(s)\n"
        "2019-02-29 03:07:11 ANS1228E not a date, so not a message line\n"
        "2019-03-26 03:07:111 ANS1228E a seventh digit, so no timestamp\n"
        "2020-02-29 23:59:60 ANS1483I leap day and leap second\n";
    const Report r = parse_output(text);
    REQUIRE(r.messages.size() == 5);
    CHECK(r.messages[0].timestamp == "2019-03-26T03:07:11");
    CHECK(r.messages[1].timestamp == "2019-03-26T03:07:11");
    CHECK(r.messages[2].timestamp == "2019-03-26T15:07:11");
    CHECK(r.messages[3].timestamp == "2019-03-26T03:07:11");
    CHECK(r.messages[4].timestamp == "2020-02-29T23:59:60");
    CHECK(to_iso("2019-03-26 24:00:00") == "");
    CHECK(to_iso("2019-13-26 03:07:11") == "");
}

TEST_CASE("lines of every length around the 8-byte scan are split exactly", "[dsmc][robust]") {
    std::string text;
    for (std::size_t n = 0; n < 40; ++n) text += "ANS1228E " + std::string(n, static_cast<char>('a' + n % 26)) + "\n";
    text += "ANS1228E last";  // no newline at the end
    const Report r = parse_output(text);
    REQUIRE(r.messages.size() == 41);
    for (std::size_t n = 0; n < 40; ++n) CHECK(r.messages[n].text == std::string(n, static_cast<char>('a' + n % 26)));
    CHECK(r.messages[40].text == "last");
    CHECK(r.lines == 41);
}

TEST_CASE("query backup -detail: a table ends only at a message, summary, header or prompt", "[dsmc][tables]") {
    const std::string text =
        "             Size      Backup Date                Mgmt Class           A/I File\n"
        "             ----      -----------                ----------           --- ----\n"
        "           1,024  B  2019-08-06 23:35:07          DEFAULT               A  /home/a\n"
        "\tModified: 2019-08-01 10:00:00  Accessed: 2019-08-02 11:00:00  Inode changed: 2019-08-03 12:00:00\n"
        "\n"
        "[...]\n"
        "<snip>\n"
        "...\n"
        "           2,048  B  2019-08-06 23:35:08          DEFAULT               I  /home/b/a/very/long/path/that\n"
        "wraps/onto/the/next/line\n"
        "        Modified: 2019-08-04 10:00:00  Accessed: 2019-08-05 11:00:00\n"
        "ANS1092W No more files\n"
        "           4,096  B  2019-08-06 23:35:09          DEFAULT               A  /not/a/row/any/more\n";
    const Report r = parse_output(text);
    REQUIRE(r.tables.size() == 1);
    const Table& t = r.tables[0];
    REQUIRE(t.rows.size() == 2);
    CHECK(t.rows[0].name == "/home/a");
    REQUIRE(t.rows[0].fields.size() == 3);
    CHECK(t.rows[0].fields[2].first == "inode_changed");
    CHECK(t.rows[0].fields[2].second == "2019-08-03T12:00:00");
    CHECK(t.rows[1].active == false);
    REQUIRE(t.rows[1].fields.size() == 2);
    CHECK(t.rows[1].fields[1].second == "2019-08-05T11:00:00");
    REQUIRE(r.messages.size() == 1);
    CHECK(r.messages[0].code == "ANS1092W");

    // A summary line and a prompt end a table too.
    const Report s = parse_output(
        "  Size      Backup Date        Mgmt Class A/I File\n"
        "   512  12-09-2011 19:57:09    STANDARD    A  /x\n"
        "Total number of objects inspected:  3\n"
        "   512  12-09-2011 19:57:09    STANDARD    A  /y\n");
    REQUIRE(s.tables.size() == 1);
    CHECK(s.tables[0].rows.size() == 1);
    CHECK(s.summaries.size() == 1);
    const Report p = parse_output(
        "  Size      Backup Date        Mgmt Class A/I File\n"
        "   512  12-09-2011 19:57:09    STANDARD    A  /x\n"
        "tsm> q ba /y\n"
        "   512  12-09-2011 19:57:09    STANDARD    A  /y\n");
    REQUIRE(p.tables.size() == 1);
    CHECK(p.tables[0].rows.size() == 1);
}

TEST_CASE("actlog ANE summary lines: any prefix before the label, value ends before (SESSION: n)", "[dsmc][actlog]") {
    const Report r = parse_output(
        "09/16/2022 12:34:01  ANE4952I (Session: 7, Node: N1)  Total number of objects inspected:  1,234  (SESSION: 7)\n"
        "09/16/2022 12:34:01  ANE4961I ... Total number of bytes transferred:  1.00 KB  (SESSION: 7)\n"
        "09/16/2022 12:34:01  ANE4964I [x] Elapsed processing time:  00:00:10 (SESSION: 7)\n"
        "09/16/2022 12:34:02  ANE4005E Error processing '/x': file not found (SESSION: 7)\n");
    REQUIRE(r.summaries.size() == 1);
    const Summary& s = r.summaries[0];
    CHECK(s.objects_inspected == 1234u);
    CHECK(s.bytes_transferred == 1024u);
    CHECK(s.raw_value("bytes_transferred") == "1.00 KB");
    CHECK(s.elapsed_s == Approx(10));
    CHECK(s.timestamp == "2022-09-16T12:34:01");
    REQUIRE(r.messages.size() == 1);
    CHECK(r.messages[0].code == "ANE4005E");
}
