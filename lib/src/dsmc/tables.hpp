// Query tables (query backup, query archive, query image, query filespace) and the dotted
// `Key.....: value` block of query session: header recognition, row and -detail line
// parsing into TableRow with sizes in bytes and dates in ISO 8601. Internal to the parser.
#pragma once

#include <string_view>

#include "opskit/dsmc/report.hpp"

namespace opskit::dsmc::detail {

/// The kinds of table, told apart by an enum on every table line rather than by their names.
enum class TableKind { none, query_backup, query_archive, query_image, query_filespace, query_session };

/// The name of `kind` as Table::kind holds it (`query_backup` …); empty for none.
std::string_view table_kind_name(TableKind kind) noexcept;

/// table_kind_of_header for a `body` whose length and first byte may start a header.
TableKind table_kind_of_header_text(std::string_view body) noexcept;

/// The table kind a header line announces, or none. `body` is the line without leading
/// whitespace. The first byte is tested here, inline: most lines that are tested start
/// with no header's byte, and a call into the library cost more than that test.
inline TableKind table_kind_of_header(std::string_view body) noexcept {
    if (body.size() < 8 || body.size() > 400) return TableKind::none;
    const char c = body[0];
    if (c != 'S' && c != '#' && c != 'I' && c != 'N') return TableKind::none;
    return table_kind_of_header_text(body);
}

/// is_ruler for a `body` of three bytes or more that starts with `-`.
bool is_ruler_text(std::string_view body) noexcept;

/// A ruler line (`----  ----`, `-----…`). Inline for the reason table_kind_of_header is:
/// few lines start with `-`.
inline bool is_ruler(std::string_view body) noexcept { return body.size() >= 3 && body[0] == '-' && is_ruler_text(body); }

/// Parses one data row of a table of `kind`; false if `body` is not one.
bool parse_row(TableKind kind, std::string_view body, TableRow& row);

/// Parses a -detail line (`Modified: … Accessed: …`) into `row.fields`; false if not one.
bool parse_detail(std::string_view body, TableRow& row);

/// Parses `Key........: value` into `row.fields`; false if `body` is not dotted.
bool parse_dotted(std::string_view body, TableRow& row);

}  // namespace opskit::dsmc::detail
