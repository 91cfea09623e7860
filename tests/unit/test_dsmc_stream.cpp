// The incremental dsmc parser against the whole-report API over every capture in
// tests/data/dsmc: fed in 1-byte, odd-sized and data-derived chunks (lines and CRLF pairs
// cut anywhere) it must hand out exactly the records parse_output reports, and hand them out
// before the input ends. The streaming printers must print the same documents as the
// whole-report output layer.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <sys/mman.h>
#include <unistd.h>

#include "opskit/core/output.hpp"
#include "opskit/core/redact.hpp"
#include "opskit/dsmc/print.hpp"
#include "opskit/dsmc/report.hpp"
#include "memfd_output.hpp"
#include "opskit/dsmc/stream.hpp"

using namespace opskit;
using namespace opskit::dsmc;

namespace {

struct Fixture {
    std::filesystem::path path;
    std::string text;
};

std::vector<Fixture> fixtures() {
    std::vector<Fixture> out;
    for (const auto& e : std::filesystem::directory_iterator(std::filesystem::path(OPSKIT_TEST_DATA) / "dsmc")) {
        if (e.path().extension() != ".txt") continue;
        std::ifstream in(e.path(), std::ios::binary);
        std::ostringstream ss;
        ss << in.rdbuf();
        out.push_back({e.path(), ss.str()});
    }
    std::sort(out.begin(), out.end(), [](const Fixture& a, const Fixture& b) { return a.path < b.path; });
    REQUIRE(out.size() >= 20);
    return out;
}

std::string crlf(const std::string& text) {
    std::string out;
    for (char c : text) {
        if (c == '\n') out.push_back('\r');
        out.push_back(c);
    }
    return out;
}

/// The report of `text` fed in chunks of the sizes `sizes` (cycled).
Report chunked(const std::string& text, const std::vector<std::size_t>& sizes) {
    ReportSink sink;
    StreamParser p(sink);
    std::size_t at = 0, i = 0;
    while (at < text.size()) {
        const std::size_t n = std::min(sizes[i++ % sizes.size()], text.size() - at);
        p.feed(std::string_view(text).substr(at, n));
        at += n;
    }
    p.finish();
    return sink.take();
}

std::string dump(const Report& r) { return to_json(r).dump(1, ' ', false, Json::error_handler_t::replace); }

/// What print_parse writes for `path`.
std::string printed(const std::filesystem::path& path, OutputFormat format) {
    return written_to_fd([&](int fd) { print_parse(path.string(), format, fd); });
}

/// Counts what has been handed out so far.
struct Counter : Sink {
    std::size_t parts = 0;
    bool ended = false;
    void on_session(const Session&) override { ++parts; }
    void on_message(const Message&) override { ++parts; }
    void on_summary(const Summary&) override { ++parts; }
    void on_table_row(const Table&, const TableRow&) override { ++parts; }
    void on_end(const Totals&) override { ended = true; }
};

}  // namespace

TEST_CASE("dsmc stream: every capture gives the whole-report records in any chunking", "[dsmc][stream]") {
    for (const auto& f : fixtures()) {
        for (const std::string& text : {f.text, crlf(f.text)}) {
            INFO(f.path.filename().string() << (text.size() == f.text.size() ? "" : " (CRLF)"));
            const std::string whole = dump(parse_output(text));
            CHECK(dump(chunked(text, {1})) == whole);
            CHECK(dump(chunked(text, {7, 3, 13})) == whole);
            CHECK(dump(chunked(text, {4093})) == whole);
            // A split derived from the data, as the fuzz target does.
            const std::size_t cut = text.empty() ? 1 : static_cast<unsigned char>(text[text.size() / 2]) % 97 + 1;
            CHECK(dump(chunked(text, {cut, text.size()})) == whole);
        }
    }
}

TEST_CASE("dsmc stream: records are handed out before the input ends", "[dsmc][stream]") {
    const std::string text = "ANS1228E Sending of object '/a' failed.\n\nANS1802E Incremental backup finished with 1 failure\n"
                             "Total number of objects inspected:        5\nTotal number of objects failed:           1\n"
                             "ANS1512E Scheduled event failed.  Return code = 12.\n";
    Counter c;
    StreamParser p(c);
    p.feed(text);
    // The first two messages are complete; the summary and the last message may go on.
    CHECK(c.parts == 2);
    CHECK_FALSE(c.ended);
    p.finish();
    CHECK(c.parts == 4);
    CHECK(c.ended);
}

TEST_CASE("dsmc stream: an endless line is cut, not buffered", "[dsmc][stream]") {
    ReportSink sink;
    StreamParser p(sink);
    p.feed("ANS1228E ");
    const std::string block(1 << 16, 'x');
    for (int i = 0; i < 40; ++i) p.feed(block);  // 2.5 MiB without a line end
    p.feed("\nReturn code = 4\n");
    p.finish();
    const Report r = sink.take();
    REQUIRE(r.messages.size() == 1);
    CHECK(r.messages[0].text.size() < StreamParser::kMaxLine);
    CHECK(r.return_code == 4);
    CHECK(r.lines == 2);
}

TEST_CASE("dsmc stream: the streaming printers print the whole-report documents", "[dsmc][stream]") {
    for (const auto& f : fixtures()) {
        INFO(f.path.filename().string());
        const Report r = parse_output(f.text);
        const Json doc = to_json(r);
        CHECK(Json::parse(printed(f.path, OutputFormat::json)) == doc);
        PrintOptions yaml;
        yaml.format = OutputFormat::yaml;
        Result whole;
        whole.value = doc;
        CHECK(printed(f.path, OutputFormat::yaml) == render_result(whole, yaml));
        PrintOptions table;
        table.format = OutputFormat::table;
        Result view;
        view.table_value = to_table_view(r);
        CHECK(printed(f.path, OutputFormat::table) == render_result(view, table));

        // jsonl: one record a line, each with its kind, the same records in all.
        std::istringstream lines(printed(f.path, OutputFormat::jsonl));
        std::string line;
        std::size_t messages = 0, summaries = 0, sessions = 0, rows = 0, tables = 0;
        Json end;
        while (std::getline(lines, line)) {
            const Json j = Json::parse(line);
            const std::string kind = j.at("kind");
            if (kind == "message") CHECK(j.at("code") == doc["messages"][messages++]["code"]);
            else if (kind == "summary") CHECK(j.at("line") == doc["summaries"][summaries++]["line"]);
            else if (kind == "session") ++sessions;
            else if (kind == "table") ++tables;
            else if (kind == "row") ++rows;
            else if (kind == "end") end = j;
        }
        CHECK(messages == r.messages.size());
        CHECK(summaries == r.summaries.size());
        CHECK(sessions == r.sessions.size());
        CHECK(tables == r.tables.size());
        std::size_t want_rows = 0;
        for (const auto& t : r.tables) want_rows += t.rows.size();
        CHECK(rows == want_rows);
        CHECK(end.at("verdict") == doc["verdict"]);
        CHECK(end.at("return_code") == doc["return_code"]);
        CHECK(end.at("lines") == doc["lines"]);
    }
}

TEST_CASE("dsmc stream: a registered secret is redacted in every form", "[dsmc][stream][secret]") {
    // The printers skip redaction while no secret is registered: once one is, every record
    // of every form has it replaced, as redacting the whole text would.
    const auto path = std::filesystem::path(OPSKIT_TEST_DATA) / "dsmc" / "04-incremental-changed-files-ANS1228E-ANS4037E-ANS1802E.txt";
    for (const OutputFormat format : {OutputFormat::json, OutputFormat::jsonl, OutputFormat::yaml, OutputFormat::table}) {
        clear_secrets();
        const std::string plain = printed(path, format);
        REQUIRE(plain.find("ANS1228E") != std::string::npos);
        add_secret("ANS1228E");
        CHECK(has_secrets());
        CHECK(printed(path, format) == redact(plain));
        clear_secrets();
        CHECK_FALSE(has_secrets());
    }
}

TEST_CASE("dsmc stream: one record stays bounded however many labels it is given", "[dsmc][stream]") {
    std::string text = "Total number of objects inspected:        5\n";
    for (int i = 0; i < 2000; ++i) text += "Unknown label number " + std::to_string(i) + ":   x\n";
    const Report r = parse_output(text);
    REQUIRE_FALSE(r.summaries.empty());
    for (const auto& s : r.summaries) CHECK(s.other.size() <= 256);
    std::size_t kept = 0;
    for (const auto& s : r.summaries) kept += s.other.size();
    CHECK(kept == 2000);  // nothing lost: a full summary continues in the next one
}
