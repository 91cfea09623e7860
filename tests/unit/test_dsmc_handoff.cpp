// The parser-to-printer hand-off (dsmc/handoff.hpp): the target sink must see exactly the
// calls it sees directly, in order, across blocks and chunk boundaries; a failure of the
// target must stop the parse and come back to the caller; records before an input failure
// must still reach the target; flush() must hand records over before the input ends. And
// `bkctl parse` must print the same bytes with the printer on a second thread or not.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <sys/mman.h>
#include <unistd.h>

#include "dsmc/handoff.hpp"
#include "memfd_output.hpp"
#include "opskit/dsmc/stream.hpp"

using namespace opskit;
using namespace opskit::dsmc;

namespace {

std::string all_captures() {
    std::vector<std::filesystem::path> paths;
    for (const auto& e : std::filesystem::directory_iterator(std::filesystem::path(OPSKIT_TEST_DATA) / "dsmc"))
        if (e.path().extension() == ".txt") paths.push_back(e.path());
    std::sort(paths.begin(), paths.end());
    REQUIRE(paths.size() >= 20);
    std::string text;
    for (const auto& p : paths) {
        std::ifstream in(p, std::ios::binary);
        std::ostringstream ss;
        ss << in.rdbuf();
        text += ss.str();
    }
    return text;
}

/// Writes every call it gets, with the fields that tell records apart, one line each.
struct Trace : Sink {
    std::string text;
    void on_session(const Session& s) override { text += "session " + s.node_name + " " + std::to_string(s.line) + "\n"; }
    void on_message(const Message& m) override {
        text += "message " + m.code + " " + std::to_string(m.line) + " " + m.text + " " + m.timestamp + "\n";
    }
    void on_summary(const Summary& s) override {
        text += "summary " + std::to_string(s.line) + " " + s.raw_text + " " + std::to_string(s.other.size()) + " " +
                std::to_string(s.objects_inspected.value_or(0)) + "\n";
    }
    void on_table_begin(const Table& t) override { text += "table " + t.kind + " " + std::to_string(t.line) + "\n"; }
    void on_table_row(const Table& t, const TableRow& r) override {
        text += "row " + t.kind + " " + std::to_string(t.line) + " " + r.name + " " + r.date + " " +
                std::to_string(r.fields.size()) + " " + std::to_string(r.line) + "\n";
    }
    void on_table_end(const Table& t) override { text += "end of table " + t.kind + " " + std::to_string(t.line) + "\n"; }
    void on_return_code(int rc, int line) override {
        text += "rc " + std::to_string(rc) + " " + std::to_string(line) + "\n";
    }
    void on_end(const Totals& t) override { text += "end " + t.verdict + " " + std::to_string(t.lines) + "\n"; }
};

/// Feeds `text` in chunks of `chunk` bytes, flushing after each when `flush` is set.
void feed(Sink& sink, const std::string& text, std::size_t chunk, detail::HandoffSink* flush = nullptr) {
    StreamParser p(sink);
    for (std::size_t at = 0; at < text.size(); at += chunk) {
        p.feed(std::string_view(text).substr(at, chunk));
        if (flush) flush->flush();
    }
    p.finish();
}

std::string printed(const std::string& path, OutputFormat format, bool second_thread) {
    return written_to_fd([&](int fd) { detail::print_parse(path, format, fd, second_thread); });
}

}  // namespace

TEST_CASE("dsmc handoff: the target gets every call in order, across blocks and chunks", "[dsmc][handoff]") {
    // Several times the captures: thousands of records, so blocks fill, wrap and tables
    // continue from one block into the next.
    std::string text;
    const std::string captures = all_captures();
    for (int i = 0; i < 30; ++i) text += captures;
    Trace direct;
    feed(direct, text, 4096);
    // More calls than the blocks in flight hold (3 of 1024): every block is reused.
    REQUIRE(std::count(direct.text.begin(), direct.text.end(), '\n') > 4 * 1024);
    for (const std::size_t chunk : {std::size_t{1} << 20, std::size_t{4096}, std::size_t{97}}) {
        INFO("chunk " << chunk);
        Trace target;
        {
            detail::HandoffSink handoff(target);
            feed(handoff, text, chunk, chunk == 97 ? nullptr : &handoff);
            handoff.finish();
        }
        CHECK(target.text == direct.text);
    }
}

TEST_CASE("dsmc handoff: a failing target stops the parse and its error comes back", "[dsmc][handoff]") {
    struct Failing : Sink {
        int rows = 0;
        void on_table_row(const Table&, const TableRow&) override {
            if (++rows == 50) throw std::runtime_error("cannot write: disk full");
        }
    } target;
    std::string text;
    const std::string captures = all_captures();
    for (int i = 0; i < 20; ++i) text += captures;
    detail::HandoffSink handoff(target);
    try {
        feed(handoff, text, 65536, &handoff);
        handoff.finish();
        FAIL("the target's failure was not reported");
    } catch (const std::runtime_error& e) {
        CHECK(std::string(e.what()) == "cannot write: disk full");
    }
    CHECK(target.rows == 50);  // nothing after the failure reached it
}

TEST_CASE("dsmc handoff: records read before an input failure still reach the target", "[dsmc][handoff]") {
    Trace direct, target;
    const std::string text = all_captures();
    const std::string head = text.substr(0, text.size() / 2);
    {
        StreamParser p(direct);
        p.feed(head);
    }
    try {
        detail::HandoffSink handoff(target);
        StreamParser p(handoff);
        p.feed(head);
        throw std::runtime_error("cannot read dsmc output");
    } catch (const std::runtime_error&) {
    }
    REQUIRE(!direct.text.empty());
    CHECK(target.text == direct.text);
}

TEST_CASE("dsmc handoff: flush hands records over before the input ends", "[dsmc][handoff]") {
    struct Waiting : Sink {
        std::mutex mutex;
        std::condition_variable seen;
        int messages = 0;
        void on_message(const Message&) override {
            const std::lock_guard lock(mutex);
            ++messages;
            seen.notify_all();
        }
    } target;
    detail::HandoffSink handoff(target);
    StreamParser p(handoff);
    p.feed("ANS1228E Sending of object '/a' failed.\n\nANS1802E Incremental backup finished with 1 failure(s)\n\n\n");
    handoff.flush();
    {
        // Not a timing check: a generous bound only keeps a broken hand-off from hanging the suite.
        std::unique_lock lock(target.mutex);
        CHECK(target.seen.wait_for(lock, std::chrono::seconds(30), [&] { return target.messages == 2; }));
    }
    p.finish();
    handoff.finish();
    CHECK(target.messages == 2);
}

TEST_CASE("dsmc handoff: bkctl parse prints the same bytes with or without the second thread", "[dsmc][handoff]") {
    char path[] = "/tmp/opskit-handoff-XXXXXX";
    const int fd = ::mkstemp(path);
    REQUIRE(fd >= 0);
    std::string text;
    const std::string captures = all_captures();
    for (int i = 0; i < 4; ++i) text += captures;
    REQUIRE(::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
    ::close(fd);
    for (const auto format : {OutputFormat::json, OutputFormat::jsonl, OutputFormat::yaml, OutputFormat::table}) {
        const std::string one = printed(path, format, false);
        CHECK(!one.empty());
        CHECK(printed(path, format, true) == one);
    }
    ::unlink(path);
}
