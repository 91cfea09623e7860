// The members of one table row object in the order the whole-report document prints them
// (row_json in json.cpp builds a sorted map): what the streaming record writers walk.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "opskit/dsmc/report.hpp"

namespace opskit::dsmc::detail {

/// One member of a row object; its strings point into the row or static storage.
struct RowMember {
    enum Type { null, string, u64, i64, boolean };
    std::string_view key;
    bool schema = true;  ///< a key of the schema, not a label read from the input (`fields`)
    Type type = null;
    std::string_view s;
    std::uint64_t u = 0;
    std::int64_t i = 0;
    bool b = false;
};

/// Replaces `out` with the members of row `r` of table `t`, sorted by key: the fixed
/// members of the table's kind, each replaced by a field of `r.fields` of the same name
/// (a later field replacing an earlier one), and `line`, which no field replaces.
void row_members(const Table& t, const TableRow& r, std::vector<RowMember>& out);

}  // namespace opskit::dsmc::detail
