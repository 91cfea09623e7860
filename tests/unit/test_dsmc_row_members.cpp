// The streaming record writers print a table row's members in the whole-report document's
// order (row_members merges the row's fields into its kind's fixed members): whatever fields
// a row has, even ones named like a fixed member, a row prints as to_json(table, row) does.
#include <catch2/catch.hpp>

#include <string>
#include <utility>
#include <vector>

#include "dsmc/json_stream.hpp"
#include "opskit/dsmc/report.hpp"

using namespace opskit;
using namespace opskit::dsmc;
using namespace opskit::dsmc::detail;

TEST_CASE("dsmc rows: the members come in the whole-report document's order", "[dsmc][rows]") {
    TableRow r;
    r.size_bytes = 1024;
    r.size_raw = "1 KB";
    r.stored_size_bytes = 512;
    r.stored_size_raw = "512 B";
    r.date = "2024-01-02T03:04:05";
    r.date_raw = "01/02/2024 03:04:05";
    r.mgmt_class = "DEFAULT";
    r.active = false;
    r.name = "/x";
    r.index = 3;
    r.line = 42;
    const std::vector<std::vector<std::pair<std::string, std::string>>> field_sets = {
        {},
        {{"zz", "last"}, {"aa", "first"}},
        {{"name", "field name"}, {"line", "not the line"}, {"active", "yes"}, {"name", "later name"}, {"mm", "m"}},
        {{"kind", "k"}, {"table", "t"}, {"table_line", "9"}, {"fs_type", "NTFS"}, {"fs_type", ""}},
    };
    for (const std::string kind : {"query_backup", "query_archive", "query_image", "query_filespace", "query_session"}) {
        Table t;
        t.kind = kind;
        t.line = 40;
        for (const auto& fields : field_sets) {
            r.fields = fields;
            INFO(kind << " with " << fields.size() << " fields");
            CompactWriter w;
            write_row(w, t, r);
            CHECK(w.text() == to_json(t, r).dump());

            // jsonl: kind, table and table_line first; a field of those names is dropped.
            w.clear_text();
            w.Reset();
            write_row(w, t, r, "row");
            Json want = to_json(t, r);
            want.erase("kind"), want.erase("table"), want.erase("table_line");
            const std::string head = R"({"kind":"row","table":")" + kind + R"(","table_line":40)";
            CHECK(w.text() == head + (want.empty() ? "}" : "," + want.dump().substr(1)));
        }
    }
}
