// The streaming `bkctl parse` printers (see print.hpp): one Sink per output form. Records
// are rendered into a small reused string, redacted, and appended to a buffered file
// descriptor: the output itself for jsonl, else the temporary file of the record's array.
#include "opskit/dsmc/print.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include <fcntl.h>
#include <sched.h>
#include <sys/sendfile.h>
#include <unistd.h>

#include "dsmc/digits.hpp"
#include "dsmc/handoff.hpp"
#include "dsmc/input.hpp"
#include "dsmc/json_stream.hpp"
#include "dsmc/view.hpp"
#include "opskit/core/error.hpp"
#include "opskit/core/redact.hpp"
#include "opskit/dsmc/report.hpp"
#include "opskit/dsmc/stream.hpp"

namespace opskit::dsmc {
namespace {

using namespace detail;

[[noreturn]] void write_failed(std::string_view what, int err) {
    throw Error(ErrorKind::failed, "cannot write parse output", what, std::strerror(err));
}

/// A buffered file descriptor; owns it unless it is the output.
class FdOut {
public:
    FdOut(int fd, bool owned, std::string name) : m_fd(fd), m_owned(owned), m_name(std::move(name)) { m_buf.reserve(kBuf); }
    ~FdOut() {
        if (m_owned && m_fd >= 0) ::close(m_fd);
    }
    FdOut(const FdOut&) = delete;
    FdOut& operator=(const FdOut&) = delete;

    void write(std::string_view s) {
        m_buf.append(s);
        m_size += s.size();
        if (m_buf.size() >= kBuf) flush();
    }
    void flush() {
        const char* p = m_buf.data();
        std::size_t left = m_buf.size();
        while (left > 0) {
            const ssize_t n = ::write(m_fd, p, left);
            if (n < 0) {
                if (errno == EINTR) continue;
                write_failed(m_name, errno);
            }
            p += n;
            left -= static_cast<std::size_t>(n);
        }
        m_buf.clear();
    }
    /// Copies bytes [from, size - drop_tail) of this (a temporary file) to `to`: by the
    /// kernel where it can (sendfile: no pass of the bytes through this process, which was
    /// a few percent of a parse's instructions), else read back and written.
    void copy_to(FdOut& to, std::size_t from, std::size_t drop_tail) {
        flush();
        to.flush();  // what is buffered goes first
        const std::size_t end = m_size > drop_tail ? m_size - drop_tail : 0;
        off_t at = static_cast<off_t>(from);
        while (static_cast<std::size_t>(at) < end) {
            const ssize_t n = ::sendfile(to.m_fd, m_fd, &at, end - static_cast<std::size_t>(at));
            if (n < 0 && errno == EINTR) continue;
            if (n < 0 && (errno == EINVAL || errno == ENOSYS)) break;  // not for this output: copy it ourselves
            if (n <= 0) write_failed(to.m_name, n < 0 ? errno : EIO);
            to.m_size += static_cast<std::size_t>(n);
        }
        constexpr std::size_t kChunk = std::size_t{1} << 20;
        std::unique_ptr<char[]> buf;
        while (static_cast<std::size_t>(at) < end) {
            if (!buf) buf.reset(new char[kChunk]);
            const ssize_t n = ::pread(m_fd, buf.get(), std::min(kChunk, end - static_cast<std::size_t>(at)), at);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) write_failed(m_name, n < 0 ? errno : EIO);
            to.write(std::string_view(buf.get(), static_cast<std::size_t>(n)));
            at += n;
        }
    }
    std::size_t size() const { return m_size; }

private:
    static constexpr std::size_t kBuf = std::size_t{1} << 18;
    int m_fd;
    bool m_owned;
    std::string m_name;
    std::string m_buf;
    std::size_t m_size = 0;
};

/// An unlinked temporary file, readable and writable only by us.
std::unique_ptr<FdOut> temporary() {
    const char* env = std::getenv("TMPDIR");
    const std::string dir = env != nullptr && *env != '\0' ? env : "/tmp";
    int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd < 0) {
        std::string path = dir + "/bkctl-parse-XXXXXX";
        fd = ::mkostemp(path.data(), O_CLOEXEC);
        if (fd < 0) write_failed(dir, errno);
        ::unlink(path.c_str());
    }
    return std::make_unique<FdOut>(fd, true, dir);
}

/// Appends a rendered record (`text`, then `end`) to `out`, redacted as one piece. With no
/// secret registered (`bkctl parse` registers none) it goes to the buffer as it is: copying
/// each record to redact it, and locking the secret list, were a few percent of a record.
void emit(std::string_view text, FdOut& out, std::string_view end = {}) {
    if (!has_secrets()) {
        out.write(text);
        out.write(end);
        return;
    }
    thread_local std::string rec;
    rec.assign(text).append(end);
    redact_in_place(rec);
    out.write(rec);
}

/// The same for a record rendered into `rec`, which is then cleared.
void emit(std::string& rec, FdOut& out) {
    if (rec.empty()) return;
    emit(std::string_view(rec), out);
    rec.clear();
}

std::string severity_text(const std::optional<Severity>& s) { return s ? std::string(to_string(*s)) : std::string(); }

// The arrays of the document, in its key order.
enum Part { kMessages, kSessions, kSummaries, kTables, kParts };
constexpr std::array<const char*, kParts> kPartNames = {"messages", "sessions", "summaries", "tables"};

// ---------------------------------------------------------------------------------- jsonl

class JsonlSink : public Sink {
public:
    explicit JsonlSink(FdOut& out) : m_out(out) {}

    void on_session(const Session& s) override { record([&] { write_session(m_w, s, "session"); }); }
    void on_message(const Message& m) override { record([&] { write_message(m_w, m, "message"); }); }
    void on_summary(const Summary& s) override { record([&] { write_summary(m_w, s, "summary"); }); }
    void on_table_begin(const Table& t) override { record([&] { write_table_head(m_w, t, "table"); }); }
    void on_table_row(const Table& t, const TableRow& r) override { record([&] { write_row(m_w, t, r, "row"); }); }
    void on_return_code(int rc, int line) override {
        record([&] {
            m_w.StartObject();
            m_w.Key("kind"), m_w.String("return_code");
            m_w.Key("line"), m_w.Int(line);
            m_w.Key("return_code"), m_w.Int(rc);
            m_w.EndObject();
        });
    }
    void on_end(const Totals& t) override {
        record([&] {
            m_w.StartObject();
            m_w.Key("kind"), m_w.String("end");
            m_w.Key("highest_severity"), write_severity(m_w, t.highest_severity);
            m_w.Key("lines"), m_w.Uint64(t.lines);
            m_w.Key("return_code"), write_return_code(m_w, t.return_code);
            m_w.Key("verdict"), write_string(m_w, t.verdict);
            m_w.EndObject();
        });
        m_out.flush();
    }

private:
    template <typename F>
    void record(F&& write) {
        m_w.Reset();
        write();
        emit(m_w.text(), m_out, "\n");
        m_w.clear_text();
    }
    FdOut& m_out;
    CompactWriter m_w;
};

// ------------------------------------------------------------------------ json and yaml

/// The four arrays of a document, each spilled to its own temporary file while the input
/// is read and copied into the document, in key order, at the end.
class Spill {
public:
    Spill() {
        for (auto& p : m_parts) p.file = temporary();
    }
    /// Where the next record of array `i` is rendered.
    std::string& rec(Part i) { return m_parts[i].rec; }
    FdOut& file(Part i) { return *m_parts[i].file; }
    /// Redacts rec(i) and appends it to the array's file.
    void flush(Part i) { emit(m_parts[i].rec, *m_parts[i].file); }
    /// Copies array `i` to `out` after its key (`name:`); false, with nothing written, if
    /// it has no records.
    bool copy_section(Part i, FdOut& out) {
        FdOut& f = *m_parts[i].file;
        if (f.size() == 0) return false;
        out.write(std::string(kPartNames[i]) + ":\n");
        f.copy_to(out, 0, 0);
        return true;
    }

private:
    struct PartState {
        std::unique_ptr<FdOut> file;
        std::string rec;
    };
    std::array<PartState, kParts> m_parts;
};

/// The records of the json and yaml documents: each written by the record writers into
/// the writer `W` of its array, which keeps its place in the array from record to record,
/// then moved from the writer's buffer to the array's file, redacted.
template <typename W>
class RecordSink : public Sink {
public:
    void on_session(const Session& s) override { write_session(writer(kSessions), s), written(kSessions); }
    void on_message(const Message& m) override { write_message(writer(kMessages), m), written(kMessages); }
    void on_summary(const Summary& s) override { write_summary(writer(kSummaries), s), written(kSummaries); }
    void on_table_begin(const Table& t) override { write_table_head(writer(kTables), t), written(kTables); }
    void on_table_row(const Table& t, const TableRow& r) override { write_row(writer(kTables), t, r), written(kTables); }
    void on_table_end(const Table&) override {
        W& w = writer(kTables);
        w.EndArray();
        w.EndObject();
        written(kTables);
    }

protected:
    template <typename... Args>
    explicit RecordSink(const Args&... args) {
        for (auto& w : m_w) w = std::make_unique<W>(args...);
    }
    W& writer(Part i) { return *m_w[i]; }
    /// A record (or a part of one) is in writer(i)'s buffer.
    void written(Part i) {
        emit(m_w[i]->text(), m_spill.file(i));
        m_w[i]->clear_text();
    }

    Spill m_spill;

private:
    std::array<std::unique_ptr<W>, kParts> m_w;  ///< by Part
};

/// Each array is written by its own pretty writer as the document `{"name": [ … ]}`, whose
/// text between the outer braces is exactly the member of the whole document.
class JsonSink : public RecordSink<PrettyWriter> {
public:
    explicit JsonSink(FdOut& out) : m_out(out) {
        for (std::size_t i = 0; i < kParts; ++i) {
            PrettyWriter& w = writer(static_cast<Part>(i));
            w.StartObject();
            w.Key(kPartNames[i]);
            w.StartArray();
            written(static_cast<Part>(i));
        }
    }

    void on_end(const Totals& t) override {
        for (std::size_t i = 0; i < kParts; ++i) {
            PrettyWriter& w = writer(static_cast<Part>(i));
            w.EndArray();
            w.EndObject();
            written(static_cast<Part>(i));
        }
        std::string head = "{\n  \"highest_severity\": ";
        head += t.highest_severity ? "\"" + severity_text(t.highest_severity) + "\"" : "null";
        head += ",\n  \"lines\": " + std::to_string(t.lines) + ",\n";
        m_out.write(head);
        auto member = [&](Part i) { m_spill.file(i).copy_to(m_out, 2, 2); };  // drop "{\n" and "\n}"
        member(kMessages);
        m_out.write(",\n  \"return_code\": " + (t.return_code ? std::to_string(*t.return_code) : std::string("null")) + ",\n");
        member(kSessions);
        m_out.write(",\n");
        member(kSummaries);
        m_out.write(",\n");
        member(kTables);
        m_out.write(",\n  \"verdict\": \"" + t.verdict + "\"\n}\n");
        m_out.flush();
    }

private:
    FdOut& m_out;
};

/// The yaml document: the same records, written by a YAML writer per array whose items
/// stand at column 2.
class YamlSink : public RecordSink<YamlWriter> {
public:
    explicit YamlSink(FdOut& out) : RecordSink(2), m_out(out) {}

    void on_end(const Totals& t) override {
        const Json severity = t.highest_severity ? Json(severity_text(t.highest_severity)) : Json(nullptr);
        const Json rc = t.return_code ? Json(*t.return_code) : Json(nullptr);
        m_out.write(to_yaml(Json::object({{"highest_severity", severity}, {"lines", t.lines}})));
        section(kMessages);
        m_out.write(to_yaml(Json::object({{"return_code", rc}})));
        section(kSessions);
        section(kSummaries);
        section(kTables);
        m_out.write(to_yaml(Json::object({{"verdict", t.verdict}})));
        m_out.flush();
    }

private:
    void section(Part i) {
        if (!m_spill.copy_section(i, m_out)) m_out.write(std::string(kPartNames[i]) + ": []\n");
    }

    FdOut& m_out;
};

// ---------------------------------------------------------------------------------- table

/// What the table printer shows for a scalar (output.cpp's scalar_text).
std::string scalar(const Json& v) {
    if (v.is_null()) return "-";
    if (v.is_string()) return v.get<std::string>();
    if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
    return v.dump(-1, ' ', false, Json::error_handler_t::replace);
}

/// A record's lines as an item of a top-level list in the table printer's layout (output.cpp's
/// render_object): `  - key: value`, then `    key: value`, values one column past the
/// widest key. Lines are kept until the record's last is known, for that width.
class TableItem : public ViewLines {
public:
    void text(std::string_view key, std::string_view value) override { add(key, value); }
    void integer(std::string_view key, std::int64_t value) override { add(key, Digits(value).text()); }
    void count(std::string_view key, std::uint64_t value) override { add(key, Digits(value).text()); }
    void none(std::string_view key) override { add(key, "-"); }

    /// Appends the item to `out` and forgets its lines.
    void write(std::string& out) {
        std::size_t width = 0;
        for (const Line& l : m_lines) width = std::max(width, l.key.size());
        bool first = true;
        for (const Line& l : m_lines) {
            out.append(first ? "  - " : "    ").append(l.key).append(":").append(width - l.key.size() + 1, ' ');
            out.append(m_values, l.at, l.size).push_back('\n');
            first = false;
        }
        m_lines.clear();
        m_values.clear();
    }

private:
    struct Line {
        std::string_view key;  ///< valid during the record's call, like the record
        std::size_t at, size;  ///< of the value in m_values
    };
    void add(std::string_view key, std::string_view value) {
        m_lines.push_back({key, m_values.size(), value.size()});
        m_values.append(value);
    }
    std::vector<Line> m_lines;
    std::string m_values;
};

/// The table view's document (to_table_view), one record at a time.
class TableSink : public Sink {
public:
    explicit TableSink(FdOut& out) : m_out(out) {}

    void on_session(const Session& s) override {
        session_view(s, m_item);
        item(kSessions);
    }
    void on_message(const Message& m) override {
        message_view(m, m_item);
        item(kMessages);
    }
    void on_summary(const Summary& s) override {
        summary_view(s, m_item);
        item(kSummaries);
    }
    void on_table_begin(const Table& t) override {
        m_spill.rec(kTables).append("  - kind: ").append(t.kind).append("\n    rows: ");
        m_rows = 0;
        m_spill.flush(kTables);
    }
    void on_table_row(const Table& t, const TableRow& r) override {
        std::string& out = m_spill.rec(kTables);
        if (m_rows > 0) out.push_back(',');
        row_view(t, r, out);
        ++m_rows;
        m_spill.flush(kTables);
    }
    void on_table_end(const Table&) override {
        m_spill.rec(kTables).append(m_rows == 0 ? "-\n" : "\n");
        m_spill.flush(kTables);
    }
    void on_end(const Totals& t) override {
        scalar_line("highest_severity", t.highest_severity ? Json(severity_text(t.highest_severity)) : Json(nullptr));
        section(kMessages);
        scalar_line("return_code", t.return_code ? Json(*t.return_code) : Json(nullptr));
        section(kSessions);
        section(kSummaries);
        section(kTables);
        scalar_line("verdict", t.verdict);
        m_out.flush();
    }

private:
    /// `key: value` at the top level of the table layout, whose widest key is highest_severity.
    void scalar_line(std::string_view key, const Json& v) {
        constexpr std::size_t kWidth = 16;
        std::string line(key);
        line.append(":").append(kWidth - key.size() + 1, ' ').append(scalar(v)).push_back('\n');
        redact_in_place(line);
        m_out.write(line);
    }
    void section(Part i) {
        if (!m_spill.copy_section(i, m_out)) scalar_line(kPartNames[i], Json(nullptr));
    }
    void item(Part i) {
        m_item.write(m_spill.rec(i));
        m_spill.flush(i);
    }

    FdOut& m_out;
    Spill m_spill;
    TableItem m_item;
    std::size_t m_rows = 0;
};

}  // namespace

namespace {

/// Parses `path` into `sink`, through a hand-off to a second thread if asked.
void parse_into(std::string_view path, Sink& sink, bool second_thread) {
    if (!second_thread) {
        parse_stream(path, sink);
        return;
    }
    HandoffSink handoff(sink);
    detail::parse_stream(path, handoff, [&handoff] { handoff.flush(); });
    handoff.finish();
}

/// Whether this process may run on more than one CPU (its affinity mask, which taskset,
/// cgroups' cpusets and container limits narrow, not the machine's count).
bool several_cpus() {
    cpu_set_t set;
    CPU_ZERO(&set);
    return ::sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 1;
}

}  // namespace

namespace detail {

void print_parse(std::string_view path, OutputFormat format, int fd, bool second_thread) {
    FdOut out(fd, false, "stdout");
    switch (format) {
    case OutputFormat::jsonl: {
        JsonlSink sink(out);
        parse_into(path, sink, second_thread);
        break;
    }
    case OutputFormat::json: {
        JsonSink sink(out);
        parse_into(path, sink, second_thread);
        break;
    }
    case OutputFormat::yaml: {
        YamlSink sink(out);
        parse_into(path, sink, second_thread);
        break;
    }
    case OutputFormat::table: {
        TableSink sink(out);
        parse_into(path, sink, second_thread);
        break;
    }
    }
}

}  // namespace detail

// The parser and the printers cost about the same per byte (callgrind, December 2026), so on
// two CPUs each runs on its own and the wall time is the slower one's.
void print_parse(std::string_view path, OutputFormat format, int fd) {
    detail::print_parse(path, format, fd, several_cpus());
}

}  // namespace opskit::dsmc
