// Collection records (see outputs.hpp): insertion with the seed-001 name collision rule and
// the lookups finalization and reuse need.
#include "opskit/cr/collections/outputs.hpp"

#include <ctime>

#include "cr/store/rows.hpp"

namespace opskit::cr {
namespace {

/// `2026-11-24T00:41:05.123Z`, always with milliseconds (seed 001 matches `\.\d+Z`).
std::string iso8601_ms(std::int64_t ms) {
    const std::time_t secs = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[40];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    char out[48];
    std::snprintf(out, sizeof out, "%s.%03dZ", buf, static_cast<int>(ms % 1000));
    return out;
}

}  // namespace

bool collection_name_taken(Tx& tx, std::string_view name) {
    auto st = tx.cached("SELECT 1 FROM collections WHERE name = ? AND (trash_at IS NULL OR trash_at > ?) LIMIT 1");
    st->bind(1, name).bind(2, tx.now_ms());
    return st->step();
}

Collection insert_collection(Tx& tx, Collection record) {
    if (record.uuid.empty()) record.uuid = tx.new_uuid(collection_infix);
    if (record.created_at == 0) record.created_at = tx.now_ms();
    if (record.modified_at == 0) record.modified_at = record.created_at;
    if (record.name && collection_name_taken(tx, *record.name)) {
        std::string base = record.name->substr(0, 230);
        std::int64_t stamp = tx.now_ms();
        // Two collisions in the same millisecond: step the stamp until the name is free.
        do {
            record.name = base + " (" + iso8601_ms(stamp++) + ")";
        } while (collection_name_taken(tx, *record.name));
    }
    detail::save_collection(tx, record);
    return record;
}

std::optional<Collection> find_collection(Tx& tx, std::string_view uuid) {
    static const std::string sql = "SELECT " + detail::collection_columns + " FROM collections WHERE uuid = ?";
    auto st = tx.cached(sql);
    st->bind(1, uuid);
    if (!st->step()) return std::nullopt;
    return detail::read_collection(*st);
}

std::optional<Collection> find_collection_by_pdh(Tx& tx, std::string_view pdh) {
    static const std::string sql = "SELECT " + detail::collection_columns +
                                   " FROM collections WHERE portable_data_hash = ? AND (trash_at IS NULL OR trash_at > ?) "
                                   "ORDER BY created_at, uuid LIMIT 1";
    auto st = tx.cached(sql);
    st->bind(1, pdh).bind(2, tx.now_ms());
    if (!st->step()) return std::nullopt;
    return detail::read_collection(*st);
}

std::vector<Collection> list_collections(Tx& tx, std::int64_t limit) {
    auto st = tx.prepare("SELECT " + detail::collection_columns + " FROM collections ORDER BY created_at DESC, uuid LIMIT ?");
    st.bind(1, limit > 0 ? limit : std::int64_t{-1});
    std::vector<Collection> out;
    while (st.step()) out.push_back(detail::read_collection(st));
    return out;
}

}  // namespace opskit::cr
