// The parser reads the common shapes by position (a dsmsched.log stamp whose day is the one
// before, `NN/NN/NNNN` table dates, `NN:NN:NN` times) and everything else the general way.
// These inputs sit on the edge between the two, with what the general reading gives.
#include <catch2/catch.hpp>

#include <string>

#include "dsmc/numbers.hpp"
#include "dsmc/tables.hpp"
#include "opskit/dsmc/report.hpp"

using namespace opskit::dsmc;

TEST_CASE("stamps of one day still have their time checked", "[dsmc][dates]") {
    const Report r = parse_output(
        "2026-11-24 10:00:00 ANS1228E a\n"
        "2026-11-24 10:00:01 PM ANS1228E b\n"   // AM/PM after the stamp: the general reading
        "2026-11-24 10:00:02 ANS1228E c\n"
        "2026-11-24 10:00:03 ANS1228E d\n"
        "2026-11-24 10:61:03 ANS1228E e\n"      // no valid stamp: text, continuing d
        "2026-11-24 10:00:04 ANS1228E f\n"
        "2026-11-25 10:00:05 ANS1228E g\n"      // the next day
        "2026-11-25 10:00:06\tANS1228E h\n"
        "2026-11-25 10:00:07 AM ANS1228E i\n"
        "2026-11-25 10:00:075 ANS1228E j\n");   // a third digit of seconds: text, continuing i
    REQUIRE(r.messages.size() == 8);
    const std::pair<const char*, const char*> expected[] = {
        {"a", "2026-11-24T10:00:00"}, {"b", "2026-11-24T22:00:01"},
        {"c", "2026-11-24T10:00:02"}, {"d\n2026-11-24 10:61:03 ANS1228E e", "2026-11-24T10:00:03"},
        {"f", "2026-11-24T10:00:04"}, {"g", "2026-11-25T10:00:05"},
        {"h", "2026-11-25T10:00:06"}, {"i\n2026-11-25 10:00:075 ANS1228E j", "2026-11-25T10:00:07"},
    };
    for (std::size_t i = 0; i < r.messages.size(); ++i) {
        CHECK(r.messages[i].text == expected[i].first);
        CHECK(r.messages[i].timestamp == expected[i].second);
    }
}

TEST_CASE("stamps of one minute still have their seconds checked", "[dsmc][dates]") {
    const Report r = parse_output(
        "2026-11-24 10:00:00 ANS1228E a\n"
        "2026-11-24 10:00:59 ANS1228E b\n"
        "2026-11-24 10:00:60 ANS1228E c\n"     // a leap second, as the general reading takes it
        "2026-11-24 10:00:61 ANS1228E d\n"     // no valid stamp: text, continuing c
        "2026-11-24 10:00:6x ANS1228E e\n"     // nor this
        "2026-11-24 10:00:07 PM ANS1228E f\n"  // AM/PM after the stamp: the general reading
        "2026-11-24 10:00:08 ANS1228E g\n"     // the minute of a stamp read the general way
        "2026-11-24 10:01:08 ANS1228E h\n");   // the next minute
    REQUIRE(r.messages.size() == 6);
    const std::pair<const char*, const char*> expected[] = {
        {"a", "2026-11-24T10:00:00"},
        {"b", "2026-11-24T10:00:59"},
        {"c\n2026-11-24 10:00:61 ANS1228E d\n2026-11-24 10:00:6x ANS1228E e", "2026-11-24T10:00:60"},
        {"f", "2026-11-24T22:00:07"},
        {"g", "2026-11-24T10:00:08"},
        {"h", "2026-11-24T10:01:08"},
    };
    for (std::size_t i = 0; i < r.messages.size(); ++i) {
        CHECK(r.messages[i].text == expected[i].first);
        CHECK(r.messages[i].timestamp == expected[i].second);
    }
}

TEST_CASE("table dates in every separator, order and time shape", "[dsmc][dates][tables]") {
    const Report r = parse_output(
        "  Size      Backup Date        Mgmt Class A/I File\n"
        "  ----      -----------        ---------- --- ----\n"
        " 1,024  B  03/02/2010 09:46:12    DEFAULT    A  /a\n"
        " 2  KB  13/02/2010 09:46:12    DEFAULT    A  /b\n"       // no month 13: day first
        " 3  B  31.12.2010 23:59:59    DEFAULT    I  /c\n"
        " 4  B  02-03-2010 9:46:12    DEFAULT    A  /d\n"         // one-digit hour
        " 5  B  02/03/2010 09.46.12    DEFAULT    A  /e\n"
        " 6  B  02/03/2010 09:46:12 PM    DEFAULT    A  /f\n"
        " 7  B  02/30/2010 09:46:12    DEFAULT    A  /g\n"        // no such date either way
        " 8  B  02/03/20101 09:46:12    DEFAULT    A  /h\n"       // a fifth year digit
        " 9  B  02/03/2010 09:46:123    DEFAULT    A  /i\n");     // a third seconds digit
    REQUIRE(r.tables.size() == 1);
    const auto& rows = r.tables[0].rows;
    REQUIRE(rows.size() == 6);
    const std::pair<const char*, const char*> expected[] = {
        {"/a", "2010-03-02T09:46:12"}, {"/b", "2010-02-13T09:46:12"}, {"/c", "2010-12-31T23:59:59"},
        {"/d", "2010-03-02T09:46:12"}, {"/e", "2010-02-03T09:46:12"}, {"/f", "2010-02-03T21:46:12"},
    };
    for (std::size_t i = 0; i < rows.size(); ++i) {
        CHECK(rows[i].name == expected[i].first);
        CHECK(rows[i].date == expected[i].second);
    }
    CHECK(rows[0].size_bytes == 1024u);
    CHECK(rows[1].size_bytes == 2048u);
}

TEST_CASE("table dates with two-digit years, and three-digit ones", "[dsmc][dates][tables]") {
    const Report r = parse_output(
        "  Size      Backup Date        Mgmt Class A/I File\n"
        "  ----      -----------        ---------- --- ----\n"
        " 1  B  01/28/03 12:34:56    DEFAULT    A  /a\n"          // < 70: 20YY
        " 2  B  28.01.69 12:34:56    DEFAULT    A  /b\n"
        " 3  B  28-01-70 12:34:56    DEFAULT    A  /c\n"          // >= 70: 19YY
        " 4  B  13/02/99 12:34:56    DEFAULT    A  /d\n"          // no month 13: day first
        " 5  B  02/03/201 09:46:12    DEFAULT    A  /e\n"         // a three-digit year: no date
        " 6  B  02/30/03 09:46:12    DEFAULT    A  /f\n"          // no such date either way
        " 7  B  02/03/03\t09:46:123    DEFAULT    A  /g\n"       // a TAB, then no time
        " 8  B  02/03/03 9.46.12 AM    DEFAULT    A  /h\n");
    REQUIRE(r.tables.size() == 1);
    const auto& rows = r.tables[0].rows;
    REQUIRE(rows.size() == 5);
    const std::pair<const char*, const char*> expected[] = {
        {"/a", "2003-01-28T12:34:56"}, {"/b", "2069-01-28T12:34:56"}, {"/c", "1970-01-28T12:34:56"},
        {"/d", "1999-02-13T12:34:56"}, {"/h", "2003-02-03T09:46:12"},
    };
    for (std::size_t i = 0; i < rows.size(); ++i) {
        CHECK(rows[i].name == expected[i].first);
        CHECK(rows[i].date == expected[i].second);
    }
    CHECK(rows[0].date_raw == "01/28/03 12:34:56");
}

TEST_CASE("stamp times next to the digits and the colon in the byte order", "[dsmc][dates]") {
    // '/' and ':' lie right before and after the digits: neither is one where a digit stands,
    // nor is a digit one where the colon stands.
    const Report r = parse_output(
        "2026-11-24 10:00:00 ANS1228E a\n"
        "2026-11-24 1/:00:01 ANS1228E b\n"
        "2026-11-24 10:00:0: ANS1228E c\n"
        "2026-11-24 10:00:02 ANS1228E d\n"
        "2026-11-24 10;00:03 ANS1228E e\n"
        "2026-11-24 10:00:04 ANS1228E f\n"
        "2026-11-24 23:59:60 ANS1228E g\n"
        "2026-11-24 24:00:00 ANS1228E h\n");
    REQUIRE(r.messages.size() == 4);
    CHECK(r.messages[0].text == "a\n2026-11-24 1/:00:01 ANS1228E b\n2026-11-24 10:00:0: ANS1228E c");
    CHECK(r.messages[1].text == "d\n2026-11-24 10;00:03 ANS1228E e");
    CHECK(r.messages[2].timestamp == "2026-11-24T10:00:04");
    CHECK(r.messages[3].text == "g\n2026-11-24 24:00:00 ANS1228E h");
    CHECK(r.messages[3].timestamp == "2026-11-24T23:59:60");
}

TEST_CASE("a progress arrow counts in the first 64 bytes only", "[dsmc]") {
    const std::string inside = std::string(61, 'x') + "-->";   // its `>` is byte 63
    const std::string outside = std::string(62, 'x') + "-->";  // its `>` is byte 64
    const Report r = parse_output("ANS1228E a\n" + inside + "\nANS1228E b\n" + outside + "\n");
    REQUIRE(r.messages.size() == 2);
    CHECK(r.messages[0].text == "a");
    CHECK(r.messages[1].text == "b\n" + outside);
}

TEST_CASE("only the first `Version ` of a line is read", "[dsmc]") {
    const Report r = parse_output(
        "Node Name: N\n"
        "Session established with server S: Linux\n"
        "  Server Version x, Version 8, Release 1, Level 2.0\n"
        "  Server Version 8, Release 1, Level 27.000\n");
    REQUIRE(r.sessions.size() == 1);
    CHECK(r.sessions[0].server_version == "8.1.27.000");
}

TEST_CASE("row tokens that look like dates, control bytes inside tokens", "[dsmc][tables]") {
    const Report r = parse_output(
        "  Size      Backup Date        Mgmt Class A/I File\n"
        "  ----      -----------        ---------- --- ----\n"
        " 12.34  KB  03/02/2010 09:46:12    DEFAULT    A  /a\n"         // a size with a '.'
        " 1.5.2  B  03/02/2010 09:46:12    DEFAULT    A  /b\n"          // a size that starts like a date
        " 7 KB  03/02/2010 09:46:12    DEF\x01" "AULT    A  /c\x02" "d\n"  // control bytes are no spaces
        " 1 2 3 4 5 6 7  03/02/2010 09:46:12    DEFAULT    A  /e\n"    // the eighth token: found
        " 1 2 3 4 5 6 7 8  03/02/2010 09:46:12    DEFAULT    A  /f\n");  // the ninth: not looked for
    REQUIRE(r.tables.size() == 1);
    const auto& rows = r.tables[0].rows;
    REQUIRE(rows.size() == 3);  // neither /e (seven sizes) nor /f
    CHECK(rows[0].name == "/a");
    CHECK(rows[0].size_bytes == 12636u);
    CHECK(rows[1].name == "/b");
    CHECK(rows[1].size_raw == "1.5.2  B");
    CHECK(rows[2].name == "/c\x02" "d");
    CHECK(rows[2].mgmt_class == "DEF\x01" "AULT");
    CHECK(rows[2].size_bytes == 7168u);
}

TEST_CASE("rulers are tested by words and by their last bytes", "[dsmc][tables]") {
    using opskit::dsmc::detail::is_ruler;
    CHECK(is_ruler("---"));
    CHECK(is_ruler("----      -----------\t---------- --- ----"));
    CHECK(is_ruler("--------"));
    CHECK(is_ruler("---------"));
    CHECK_FALSE(is_ruler("--"));
    CHECK_FALSE(is_ruler(" ----"));                                           // starts with a space
    CHECK_FALSE(is_ruler("----   =  -----------        ---------- --- ----"));  // in a tested word
    CHECK_FALSE(is_ruler("----      -----------        ---------- --- ---="));  // in the tail
    CHECK_FALSE(is_ruler("-------,"));
    CHECK_FALSE(is_ruler("-------\r"));
    CHECK_FALSE(is_ruler("--------\xad"));  // '-' with the high bit set
}

TEST_CASE("query -detail segments end at a TAB or two spaces only", "[dsmc][tables]") {
    // Single spaces, a \r, a \f and control bytes lie inside segments; a segment longer than
    // eight bytes ends in the middle of a word's bytes and right at the line end.
    const Report r = parse_output(
        "  Size      Backup Date        Mgmt Class A/I File\n"
        "  ----      -----------        ---------- --- ----\n"
        "   512  12-09-2011 19:57:09    STANDARD    A  /x\n"
        "  Modified: a long value with single spaces  Owner:\troot\x01 x\r y\f z\tGroup: wheel wheel\n"
        "  Attr:  some\n"
        "  Key: v1 v2 v3 v4 v5 v6 v7 v8 v9  Other: w\n");
    REQUIRE(r.tables.size() == 1);
    REQUIRE(r.tables[0].rows.size() == 1);
    const std::pair<std::string, std::string> expected[] = {
        {"modified", "a long value with single spaces"}, {"owner", "root\x01 x\r y\f z"}, {"group", "wheel wheel"},
        {"attr", "some"}, {"key", "v1 v2 v3 v4 v5 v6 v7 v8 v9"}, {"other", "w"},
    };
    const auto& f = r.tables[0].rows[0].fields;
    REQUIRE(f.size() == std::size(expected));
    for (std::size_t i = 0; i < f.size(); ++i) CHECK(f[i] == expected[i]);
}

TEST_CASE("whole byte quantities at the edge of 64 bits, with and without rounding", "[dsmc][numbers]") {
    using opskit::dsmc::detail::parse_bytes;
    CHECK(parse_bytes("18446744073709551615 B") == 18446744073709551615u);  // 2^64 - 1
    CHECK_FALSE(parse_bytes("18446744073709551616 B").has_value());
    CHECK(parse_bytes("16383 PB") == std::uint64_t{16383} << 50);                          // below 2^64
    CHECK_FALSE(parse_bytes("16384 PB").has_value());                       // 2^64 exactly
    CHECK(parse_bytes("17592186044415 MB") == std::uint64_t{17592186044415} << 20);
    CHECK_FALSE(parse_bytes("17592186044416 MB").has_value());
    CHECK(parse_bytes("16383.00 PB") == std::uint64_t{16383} << 50);                       // the rounding path agrees
    CHECK_FALSE(parse_bytes("16384.00 PB").has_value());
}

TEST_CASE("archive rows: trailing RetInit/ObjHeld columns after spaces or a TAB", "[dsmc][tables]") {
    const Report r = parse_output(
        "             Size  Archive Date - Time    File - Expires on - Description\n"
        "             ----  -------------------    -------------------------------\n"
        "        1  B  2016-04-01 02:17:31    /a Never my desc  RetInit:STARTED\tObjHeld:NO\n"
        "        2  B  2016-04-01 02:17:31    /b 2017-04-01 two words\tRetInit:PENDING\n"
        "        3  B  2016-04-01 02:17:31    /c Never ObjHeld:YES\n"
        "        4  B  2016-04-01 02:17:31    /d Never note:x  Other:y\n");
    REQUIRE(r.tables.size() == 1);
    const auto& rows = r.tables[0].rows;
    REQUIRE(rows.size() == 4);
    using Fields = std::vector<std::pair<std::string, std::string>>;
    CHECK(rows[0].description == "my desc");
    CHECK(rows[0].fields == Fields{{"object_held", "NO"}, {"retention_initiation", "STARTED"}});
    CHECK(rows[1].expires == "2017-04-01");
    CHECK(rows[1].description == "two words");
    CHECK(rows[1].fields == Fields{{"retention_initiation", "PENDING"}});
    CHECK(rows[2].description.empty());
    CHECK(rows[2].fields == Fields{{"object_held", "YES"}});
    CHECK(rows[3].description == "note:x  Other:y");
    CHECK(rows[3].fields.empty());
}

TEST_CASE("a line that fails as a row leaves nothing in the next row", "[dsmc][tables]") {
    // `X Y` are two non-numeric columns: the first is taken as a file space type before the
    // second turns the line away, so the row it was parsed into must be cleared before reuse.
    const Report r = parse_output(
        "  Size      Backup Date        Mgmt Class A/I File\n"
        "  ----      -----------        ---------- --- ----\n"
        " 1  B  03/02/2010 09:46:12    DEFAULT    A  /a\n"
        " 2 X Y 03/02/2010 09:46:12    DEFAULT    A  /not-a-row\n"
        " 3  B  03/02/2010 09:46:12    DEFAULT    I  /b\n"
        " 4 X Y 03/02/2010 09:46:12    DEFAULT    A  /not-a-row\n"
        " 5 X Y 03/02/2010 09:46:12    DEFAULT    A  /not-a-row\n"
        " 6  B  03/02/2010 09:46:12    DEFAULT    A  /c\n");
    REQUIRE(r.tables.size() == 1);
    const auto& rows = r.tables[0].rows;
    REQUIRE(rows.size() == 3);
    for (const auto& row : rows) {
        CHECK(row.fs_type.empty());
        CHECK(row.fields.empty());
    }
    CHECK(rows[1].name == "/b");
    CHECK(rows[1].size_bytes == 3u);
    CHECK(rows[2].name == "/c");
}

TEST_CASE("summary counts of plain digits read as the general reading does", "[dsmc][numbers]") {
    const Report r = parse_output(
        "Total number of objects inspected:    0\n"
        "Total number of objects backed up:    1234567890123456789\n"   // nineteen digits
        "Total number of objects updated:      12345678901234567890\n"  // twenty, still in range
        "Total number of objects rebound:      18446744073709551616\n"  // one past the maximum
        "Total number of objects deleted:      007\n"
        "Total number of objects expired:      4,743\n"
        "Total number of objects failed:       12x\n"
        "Total number of retries:              1.5\n");
    REQUIRE(r.summaries.size() == 1);
    const Summary& s = r.summaries[0];
    CHECK(s.objects_inspected == 0u);
    CHECK(s.objects_backed_up == 1234567890123456789u);
    CHECK(s.objects_updated == 12345678901234567890u);
    CHECK_FALSE(s.objects_rebound.has_value());
    CHECK(s.objects_deleted == 7u);
    CHECK(s.objects_expired == 4743u);
    CHECK_FALSE(s.objects_failed.has_value());
    CHECK_FALSE(s.retries.has_value());
    CHECK(s.raw_value("objects_rebound") == "18446744073709551616");
    CHECK(s.raw_value("objects_inspected") == "0");
}

TEST_CASE("a summary block after a full one carries none of its fields over", "[dsmc][summary]") {
    const Report r = parse_output(
        "Total number of objects inspected:    5\n"
        "Total number of bytes transferred:    1.00 KB\n"
        "Data transfer time:                   1.08 sec\n"
        "Network data transfer rate:           2.00 KB/sec\n"
        "Objects compressed by:                3%\n"
        "Elapsed processing time:              00:00:10\n"
        "Data encryption type:                 256-bit AES\n"
        "Some new counter:                     7\n"
        "\n"
        "Total number of objects inspected:    6\n");
    REQUIRE(r.summaries.size() == 2);
    CHECK(r.summaries[0].encryption_type == std::string("256-bit AES"));
    CHECK(r.summaries[0].other.size() == 1);
    const Summary& s = r.summaries[1];
    CHECK(s.objects_inspected == 6u);
    CHECK_FALSE(s.bytes_transferred.has_value());
    CHECK_FALSE(s.data_transfer_time_s.has_value());
    CHECK_FALSE(s.network_rate_bytes_per_s.has_value());
    CHECK_FALSE(s.compressed_percent.has_value());
    CHECK_FALSE(s.elapsed_s.has_value());
    CHECK_FALSE(s.encryption_type.has_value());
    CHECK(s.other.empty());
    CHECK(s.raw_count == 1);
    CHECK(s.raw_text == "6");
    CHECK(s.line == 10);
}
