// The per-record pieces of the `--output table` digest, shared by the whole-report view and
// the streaming printer so both show a record the same way. A record's lines are handed to a
// ViewLines in key order (the order the whole-report document's sorted objects print them),
// so the streaming printer writes them without building a document per record.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "opskit/dsmc/report.hpp"

namespace opskit::dsmc::detail {

/// Receives the lines of one record, in key order: a key and its value, which is text, an
/// integer, or nothing (shown as `-`). A value is valid only during the call.
class ViewLines {
public:
    virtual ~ViewLines() = default;
    virtual void text(std::string_view key, std::string_view value) = 0;
    virtual void integer(std::string_view key, std::int64_t value) = 0;
    virtual void count(std::string_view key, std::uint64_t value) = 0;
    virtual void none(std::string_view key) = 0;
};

void session_view(const Session& s, ViewLines& out);
void message_view(const Message& m, ViewLines& out);
void summary_view(const Summary& s, ViewLines& out);
/// Appends the one line that shows a table row.
void row_view(const Table& t, const TableRow& r, std::string& out);

}  // namespace opskit::dsmc::detail
