// The `bkctl parse` records written straight from the parser's structs through a SAX writer
// interface (RapidJSON's): JsonWriter for json and jsonl, YamlWriter for yaml. No DOM per
// record, so a multi-gigabyte log prints at the speed it parses. Keys come out in the order
// nlohmann's sorted objects give the whole-report document (to_json in json.cpp), so both
// paths print the same document.
#pragma once

#include <string>

#include "dsmc/json_writer.hpp"
#include "dsmc/yaml_writer.hpp"
#include "opskit/dsmc/stream.hpp"

namespace opskit::dsmc::detail {

/// jsonl's records and json's document (indent two).
using CompactWriter = JsonWriter<false>;
using PrettyWriter = JsonWriter<true>;

/// Each writes one JSON object. `kind`, when not null, comes first as `"kind": kind`
/// (the jsonl form). write_table_head leaves the object open inside its `rows` array
/// (unless `kind` is set: then the record is closed and has no rows).
template <typename W> void write_session(W& w, const Session& s, const char* kind = nullptr);
template <typename W> void write_message(W& w, const Message& m, const char* kind = nullptr);
template <typename W> void write_summary(W& w, const Summary& s, const char* kind = nullptr);
template <typename W> void write_row(W& w, const Table& t, const TableRow& r, const char* kind = nullptr);
template <typename W> void write_table_head(W& w, const Table& t, const char* kind = nullptr);
/// `"highest_severity"`, `"lines"`, `"return_code"`, `"verdict"` values.
template <typename W> void write_severity(W& w, const std::optional<Severity>& s);
template <typename W> void write_return_code(W& w, const std::optional<int>& rc);
/// A string as JSON text, invalid UTF-8 replaced by U+FFFD (as nlohmann's dump does).
template <typename W> void write_string(W& w, std::string_view s);

extern template void write_session(CompactWriter&, const Session&, const char*);
extern template void write_session(PrettyWriter&, const Session&, const char*);
extern template void write_session(YamlWriter&, const Session&, const char*);
extern template void write_message(CompactWriter&, const Message&, const char*);
extern template void write_message(PrettyWriter&, const Message&, const char*);
extern template void write_message(YamlWriter&, const Message&, const char*);
extern template void write_summary(CompactWriter&, const Summary&, const char*);
extern template void write_summary(PrettyWriter&, const Summary&, const char*);
extern template void write_summary(YamlWriter&, const Summary&, const char*);
extern template void write_row(CompactWriter&, const Table&, const TableRow&, const char*);
extern template void write_row(PrettyWriter&, const Table&, const TableRow&, const char*);
extern template void write_row(YamlWriter&, const Table&, const TableRow&, const char*);
extern template void write_table_head(CompactWriter&, const Table&, const char*);
extern template void write_table_head(PrettyWriter&, const Table&, const char*);
extern template void write_table_head(YamlWriter&, const Table&, const char*);
extern template void write_severity(CompactWriter&, const std::optional<Severity>&);
extern template void write_severity(PrettyWriter&, const std::optional<Severity>&);
extern template void write_severity(YamlWriter&, const std::optional<Severity>&);
extern template void write_return_code(CompactWriter&, const std::optional<int>&);
extern template void write_return_code(PrettyWriter&, const std::optional<int>&);
extern template void write_return_code(YamlWriter&, const std::optional<int>&);
extern template void write_string(CompactWriter&, std::string_view);
extern template void write_string(PrettyWriter&, std::string_view);
extern template void write_string(YamlWriter&, std::string_view);

}  // namespace opskit::dsmc::detail
