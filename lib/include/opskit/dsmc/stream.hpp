// Incremental dsmc parsing: the same scanner as parse_output, fed in chunks of any size, that
// hands each session, message, summary, table row and return code to a Sink as soon as it is
// complete. A multi-gigabyte dsmsched.log or a live `dsmc … | bkctl parse` is read in
// constant memory: the scanner keeps only the part it is still building (one message, one
// summary, one table row, one session) and at most one partial line between chunks.
// parse_output and parse_file are built on it, so there is one parser.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "opskit/dsmc/report.hpp"

namespace opskit::dsmc {

/// What a whole input amounts to, known only at its end.
struct Totals {
    std::optional<int> return_code;            ///< the last one printed
    std::optional<Severity> highest_severity;  ///< over all messages
    std::string verdict;                       ///< generic_verdict of the two
    std::size_t lines = 0;
};

/// Receives the parts of a report in input order of completion. Each reference is valid
/// only during the call (the parser reuses the object). The default of every hook ignores it.
class Sink {
public:
    virtual ~Sink() = default;
    virtual void on_session(const Session&) {}
    virtual void on_message(const Message&) {}
    virtual void on_summary(const Summary&) {}
    /// A table header: kind and line are set, rows stay empty (they follow one by one).
    virtual void on_table_begin(const Table&) {}
    virtual void on_table_row(const Table&, const TableRow&) {}
    virtual void on_table_end(const Table&) {}
    /// A `Return code = N` (or `return code was N` in a message) was read on `line`.
    virtual void on_return_code(int, int /*line*/) {}
    /// Called once by finish(), after every part.
    virtual void on_end(const Totals&) {}
};

/// The incremental parser. feed() any split of the input (a line may span chunks, CRLF
/// included), then finish() once; the sink sees exactly what parse_output would report.
/// A line longer than kMaxLine bytes is cut there (the rest of it is dropped), so memory
/// stays bounded whatever the input.
class StreamParser {
public:
    static constexpr std::size_t kMaxLine = std::size_t{1} << 20;

    explicit StreamParser(Sink& sink);
    ~StreamParser();
    StreamParser(const StreamParser&) = delete;
    StreamParser& operator=(const StreamParser&) = delete;

    void feed(std::string_view chunk);
    void finish();

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

/// Reads a saved output (a file path, or `-` for standard input) in bounded chunks and
/// parses it into `sink`. Errors as parse_file, raised before any part is handed out when
/// the path cannot be opened.
void parse_stream(std::string_view path, Sink& sink);

/// A sink that collects the whole Report (what parse_output returns).
class ReportSink : public Sink {
public:
    void on_session(const Session& s) override { m_report.sessions.push_back(s); }
    void on_message(const Message& m) override { m_report.messages.push_back(m); }
    void on_summary(const Summary& s) override { m_report.summaries.push_back(s); }
    void on_table_begin(const Table& t) override { m_report.tables.push_back(t); }
    void on_table_row(const Table&, const TableRow& r) override { m_report.tables.back().rows.push_back(r); }
    void on_end(const Totals& t) override {
        m_report.return_code = t.return_code;
        m_report.highest_severity = t.highest_severity;
        m_report.verdict = t.verdict;
        m_report.lines = t.lines;
    }
    Report take() { return std::move(m_report); }

private:
    Report m_report;
};

}  // namespace opskit::dsmc
