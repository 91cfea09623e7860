// The crctl schema, one SQL step per version (see schema.hpp). Step 1 is the whole model:
// containers, container_requests, collections, with the indexes the verbs rely on — the
// reuse hash (reuse lookup cost independent of store size), the dispatch queue order, and
// the request ↔ container links used by priority propagation and finalization. Steps 2 and 3
// change no data: indexes shaped for the queries, and cheaper-to-check state constraints;
// step 4 narrows the reuse index.
#include "cr/store/schema.hpp"

#include <array>

namespace opskit::cr::detail {
namespace {

constexpr const char* step1 = R"SQL(
CREATE TABLE containers (
    uuid TEXT PRIMARY KEY NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('Queued','Locked','Running','Complete','Cancelled')),
    command TEXT NOT NULL,
    container_image TEXT NOT NULL,
    cwd TEXT NOT NULL,
    environment TEXT NOT NULL,
    mounts TEXT NOT NULL,
    output_path TEXT NOT NULL,
    runtime_constraints TEXT NOT NULL,
    scheduling_parameters TEXT NOT NULL,
    priority INTEGER NOT NULL DEFAULT 0,
    lock_count INTEGER NOT NULL DEFAULT 0,
    locked_by TEXT,
    started_at INTEGER,
    finished_at INTEGER,
    exit_code INTEGER,
    output TEXT,
    log TEXT,
    progress REAL NOT NULL DEFAULT 0,
    runtime_status TEXT NOT NULL DEFAULT '{}',
    reuse_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    modified_at INTEGER NOT NULL
) STRICT;
CREATE INDEX containers_by_reuse_hash ON containers (reuse_hash, state);
CREATE INDEX containers_by_queue ON containers (state, priority DESC, created_at);

CREATE TABLE collections (
    uuid TEXT PRIMARY KEY NOT NULL,
    portable_data_hash TEXT NOT NULL,
    name TEXT,
    manifest TEXT,
    properties TEXT NOT NULL DEFAULT '{}',
    trash_at INTEGER,
    delete_at INTEGER,
    created_at INTEGER NOT NULL,
    modified_at INTEGER NOT NULL
) STRICT;
CREATE INDEX collections_by_pdh ON collections (portable_data_hash);
CREATE INDEX collections_by_name ON collections (name);

CREATE TABLE container_requests (
    uuid TEXT PRIMARY KEY NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('Uncommitted','Committed','Final')),
    name TEXT,
    description TEXT,
    command TEXT NOT NULL,
    container_image TEXT NOT NULL,
    cwd TEXT NOT NULL,
    environment TEXT NOT NULL,
    mounts TEXT NOT NULL,
    output_path TEXT NOT NULL,
    runtime_constraints TEXT NOT NULL,
    scheduling_parameters TEXT NOT NULL,
    priority INTEGER NOT NULL DEFAULT 0,
    container_uuid TEXT REFERENCES containers (uuid) ON DELETE SET NULL,
    container_count INTEGER NOT NULL DEFAULT 0,
    container_count_max INTEGER NOT NULL,
    use_existing INTEGER NOT NULL DEFAULT 1,
    output_name TEXT,
    output_ttl INTEGER NOT NULL DEFAULT 0,
    log_uuid TEXT REFERENCES collections (uuid) ON DELETE SET NULL,
    output_uuid TEXT REFERENCES collections (uuid) ON DELETE SET NULL,
    requesting_container_uuid TEXT REFERENCES containers (uuid) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    modified_at INTEGER NOT NULL
) STRICT;
CREATE INDEX requests_by_container ON container_requests (container_uuid, state);
CREATE INDEX requests_by_parent ON container_requests (requesting_container_uuid, state);
CREATE INDEX requests_by_created ON container_requests (created_at);
CREATE INDEX requests_by_log ON container_requests (log_uuid);
CREATE INDEX requests_by_output ON container_requests (output_uuid);
)SQL";

// Step 2: indexes shaped for the queries that use them.
// - The list orders (requests newest first, the dispatch queue) end on uuid as a tie-break;
//   with uuid in the index both are read in index order and stop at the limit, instead of
//   sorting every row that shares a created_at (a batch transaction gives all its rows one).
// - Log, output and parent links are NULL on most requests; partial indexes leave those rows
//   out, so inserting a request no longer maintains three index entries nobody looks up.
//   Every lookup compares the column with `=`, which implies IS NOT NULL, so the planner
//   still uses them (and so do the ON DELETE SET NULL actions of the foreign keys).
constexpr const char* step2 = R"SQL(
DROP INDEX requests_by_created;
CREATE INDEX requests_by_created ON container_requests (created_at, uuid);
DROP INDEX containers_by_queue;
CREATE INDEX containers_by_queue ON containers (state, priority DESC, created_at, uuid);
DROP INDEX requests_by_parent;
CREATE INDEX requests_by_parent ON container_requests (requesting_container_uuid, state)
    WHERE requesting_container_uuid IS NOT NULL;
DROP INDEX requests_by_log;
CREATE INDEX requests_by_log ON container_requests (log_uuid) WHERE log_uuid IS NOT NULL;
DROP INDEX requests_by_output;
CREATE INDEX requests_by_output ON container_requests (output_uuid) WHERE output_uuid IS NOT NULL;
)SQL";

// Step 3: the state CHECKs of step 1 spelled as OR chains. SQLite evaluates a CHECK's IN list
// of three or more values by building a temporary b-tree on every row written, which was
// about half the SQLite work of inserting a request and its container. The two spellings
// accept exactly the same values, so no row changes: the table text is edited in place as
// SQLite documents for constraint changes that leave the stored content alone (writable_schema),
// RESET makes this connection re-read it, and a throwaway table bumps the schema cookie so
// every other open connection re-reads it too (until then they run the equivalent old CHECK).
constexpr const char* step3 = R"SQL(
PRAGMA writable_schema=ON;
UPDATE sqlite_schema SET sql = replace(sql,
    'CHECK (state IN (''Queued'',''Locked'',''Running'',''Complete'',''Cancelled''))',
    'CHECK (state = ''Queued'' OR state = ''Locked'' OR state = ''Running'' OR state = ''Complete'' OR state = ''Cancelled'')')
    WHERE type = 'table' AND name = 'containers';
UPDATE sqlite_schema SET sql = replace(sql,
    'CHECK (state IN (''Uncommitted'',''Committed'',''Final''))',
    'CHECK (state = ''Uncommitted'' OR state = ''Committed'' OR state = ''Final'')')
    WHERE type = 'table' AND name = 'container_requests';
PRAGMA writable_schema=RESET;
CREATE TABLE crctl_schema_cookie (x);
DROP TABLE crctl_schema_cookie;
)SQL";

// Step 4: the reuse lookup's index keys on the hash's first 16 hex digits (64 bits) instead
// of the whole 64-digit text and the state. Reuse hashes are random, so every new container
// inserts at a random place in this index; at 80 bytes an entry it outgrew SQLite's page
// cache long before the table did, and a batch into a big store spent its time reading and
// rewriting its pages. At ~26 bytes it stays cached four times longer. The lookups compare
// the same expression, then the full hash and the state on the row they read anyway.
constexpr const char* step4 = R"SQL(
CREATE INDEX containers_by_reuse_key ON containers (substr(reuse_hash, 1, 16));
DROP INDEX containers_by_reuse_hash;
)SQL";

constexpr std::array<const char*, 4> steps{step1, step2, step3, step4};

}  // namespace

int current_schema_version() { return static_cast<int>(steps.size()); }

const char* migration_sql(int version) { return steps.at(static_cast<std::size_t>(version - 1)); }

}  // namespace opskit::cr::detail
