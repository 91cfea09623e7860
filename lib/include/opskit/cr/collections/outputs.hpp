// Collection records: the rows that name a portable data hash (output and log collections
// of requests, and whatever the dispatcher stores). Finalizing a request creates its output
// and log records here, with output_name collision handling and output_ttl → trash_at /
// delete_at (§6.3). The content itself is the dispatcher's concern (content-addressed
// storage under Store::data_dir()); this file only keeps the table consistent.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "opskit/cr/lifecycle/model.hpp"
#include "opskit/cr/store/store.hpp"

namespace opskit::cr {

/// Minimum time between now and delete_at of a trashed output (Arvados BlobSigningTTL, 336h).
inline constexpr std::int64_t blob_signing_ttl_ms = 336LL * 3600 * 1000;

/// Inserts a record; an empty uuid gets a new one, created_at/modified_at default to now.
/// A name already used by a live (not trashed) record gets ` (<ISO 8601 UTC with ms>)`
/// appended (seed 001). Returns the stored record.
Collection insert_collection(Tx& tx, Collection record);

/// The record, or nullopt.
std::optional<Collection> find_collection(Tx& tx, std::string_view uuid);

/// The oldest live (not trashed) record with this portable data hash, or nullopt.
std::optional<Collection> find_collection_by_pdh(Tx& tx, std::string_view pdh);

/// True when a live record with `name` exists.
bool collection_name_taken(Tx& tx, std::string_view name);

/// All records, newest first (limit 0 = all).
std::vector<Collection> list_collections(Tx& tx, std::int64_t limit = 0);

}  // namespace opskit::cr
