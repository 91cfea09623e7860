// The crctl store: one SQLite file that holds requests, containers and collection records.
// It exists so that every crctl verb, from any number of concurrent processes (cron jobs,
// dispatchers, scripts), is one IMMEDIATE transaction that happens whole or not at all:
// WAL mode, a busy timeout instead of "database is locked", foreign keys on, and versioned
// migrations (PRAGMA user_version). The file is created 0600 in a 0700 folder.
//
// Schema (version 3; see lib/src/cr/schema.cpp — the dispatch engineer may add tables through
// a new migration step there, never by editing an applied one):
//   containers          uuid, state, command, container_image, cwd, environment, mounts,
//                       output_path, runtime_constraints, scheduling_parameters, priority,
//                       lock_count, locked_by, started_at, finished_at, exit_code, output, log,
//                       progress, runtime_status, reuse_hash, created_at, modified_at
//   container_requests  the fields of ContainerRequest (model.hpp)
//   collections         uuid, portable_data_hash, name, manifest, properties, trash_at,
//                       delete_at, created_at, modified_at
//                       (rows are records; content lives in data_dir() — owned by the
//                       dispatcher's collection code; finalization inserts output/log records)
// JSON columns hold canonical JSON text (deep-sorted keys); times are integer ms since epoch.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "opskit/core/output.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace opskit::cr {

/// How to open a store; the CLI fills this from the crctl config section.
struct StoreOptions {
    std::filesystem::path path;             ///< the SQLite file; empty = default_store_path()
    std::string cluster_id = "zzzzz";       ///< five lower-case letters/digits in UUIDs
    int busy_timeout_ms = 60000;            ///< wait this long for another writer
    int max_dispatch_attempts = 10;         ///< lock/unlock cycles before Cancelled (§7.1)
    int default_container_count_max = 3;    ///< container_count_max when a request omits it
    std::int64_t default_keep_cache_ram = 268435456;  ///< replaces keep_cache_ram 0 at commit (seed 001)
    bool create = true;                     ///< create the file (and folder) when missing
    /// Resolves container_image at commit (engine runtimes map a tag to an image id);
    /// null = keep the image as given (host runtime). Throw Error(usage) when unresolvable.
    std::function<std::string(const std::string& image)> resolve_image;
};

/// `$XDG_STATE_HOME/crctl/crctl.db`, or `/var/lib/crctl/crctl.db` for root.
std::filesystem::path default_store_path();

class Tx;
class Stmt;

/// SQL that one call site runs over and over, made once (a function-local static). Tx::cached
/// finds its statements by the number this takes at construction; with the text as the key,
/// every use hashed and compared the whole text (some 600 bytes for inserting a request).
class Sql {
public:
    explicit Sql(std::string text);
    const std::string& text() const noexcept { return m_text; }
    std::size_t slot() const noexcept { return m_slot; }

private:
    std::string m_text;
    std::size_t m_slot;
};

/// A statement borrowed from the store's cache for one use; reset and returned on destruction.
class StmtLease {
public:
    StmtLease(Stmt* stmt, std::function<void(Stmt*)> give_back) : m_stmt(stmt), m_give_back(std::move(give_back)) {}
    StmtLease(StmtLease&& other) noexcept : m_stmt(std::exchange(other.m_stmt, nullptr)), m_give_back(std::move(other.m_give_back)) {}
    StmtLease& operator=(StmtLease&&) = delete;
    StmtLease(const StmtLease&) = delete;
    StmtLease& operator=(const StmtLease&) = delete;
    ~StmtLease();
    Stmt* operator->() const { return m_stmt; }
    Stmt& operator*() const { return *m_stmt; }

private:
    Stmt* m_stmt;
    std::function<void(Stmt*)> m_give_back;
};

/// A prepared statement; bind with 1-based indexes, step() until false.
class Stmt {
public:
    Stmt(sqlite3* db, std::string_view sql);
    Stmt(Stmt&& other) noexcept;
    Stmt& operator=(Stmt&&) = delete;
    Stmt(const Stmt&) = delete;
    ~Stmt();

    Stmt& bind(int index, std::int64_t value);
    Stmt& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
    Stmt& bind(int index, double value);
    Stmt& bind(int index, std::string_view text);
    Stmt& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
    Stmt& bind(int index, const std::string& text) { return bind(index, std::string_view(text)); }
    Stmt& bind(int index, std::nullptr_t);
    template <class T>
    Stmt& bind(int index, const std::optional<T>& value) {
        if (value) return bind(index, *value);
        return bind(index, nullptr);
    }
    /// Binds canonical JSON text.
    Stmt& bind_json(int index, const Json& value);
    /// Binds text that SQLite reads where it is rather than copying it first: the bytes must
    /// stay put until the statement is reset (for a cached one, until its lease ends).
    Stmt& bind_view(int index, std::string_view text);
    Stmt& bind_view(int index, const std::string& text) { return bind_view(index, std::string_view(text)); }
    Stmt& bind_view(int index, const std::optional<std::string>& text) {
        if (text) return bind_view(index, std::string_view(*text));
        return bind(index, nullptr);
    }

    /// Steps once: true when a row is available, false when done. Errors throw.
    bool step();
    /// Steps to completion (for statements without rows).
    void run();
    /// Back to the start, bindings cleared.
    void reset();

    bool is_null(int column) const;
    std::int64_t get_int(int column) const;
    double get_double(int column) const;
    std::string get_text(int column) const;
    /// The column's text without a copy; valid until the next step() or reset().
    std::string_view get_view(int column) const;
    std::optional<std::string> get_opt_text(int column) const;
    std::optional<std::int64_t> get_opt_int(int column) const;
    Json get_json(int column) const;

private:
    sqlite3* m_db;
    sqlite3_stmt* m_stmt = nullptr;
};

/// An open store. Not thread-safe: one Store per thread (or guard it).
class Store {
public:
    /// Opens (creating if allowed) and migrates. A file that cannot be opened or is not a
    /// crctl store is Error(unavailable) naming the path; a newer schema than this build
    /// knows is Error(unavailable) too.
    static Store open(StoreOptions options);

    Store(Store&& other) noexcept;
    Store& operator=(Store&& other) noexcept;
    Store(const Store&) = delete;
    Store& operator=(const Store&) = delete;
    ~Store();

    const std::filesystem::path& path() const { return m_options.path; }
    const StoreOptions& options() const { return m_options; }
    /// Folder for collection content: `<store folder>/data` (not created here).
    std::filesystem::path data_dir() const;
    /// Schema version (PRAGMA user_version).
    int schema_version();

    /// Runs `fn(Tx&)` in one BEGIN IMMEDIATE transaction: commit when it returns, roll back
    /// when it throws (the exception propagates). Returns what `fn` returns.
    template <class F>
    auto write(F&& fn) -> std::invoke_result_t<F, Tx&>;
    /// The same in a read (DEFERRED) transaction: a consistent snapshot, no write lock.
    template <class F>
    auto read(F&& fn) -> std::invoke_result_t<F, Tx&>;

    /// The raw handle, for tests and tools that need SQL of their own.
    sqlite3* handle() const { return m_db; }

private:
    friend class Tx;
    struct Cache;
    Store();
    template <class F>
    auto transact(bool immediate, F&& fn) -> std::invoke_result_t<F, Tx&>;
    void begin(bool immediate);
    void commit();
    void rollback() noexcept;
    // A bigger page cache for the rest of a batch transaction, back to normal at its end.
    void raise_cache_size();
    void restore_cache_size() noexcept;

    StoreOptions m_options;
    sqlite3* m_db = nullptr;
    std::unique_ptr<Cache> m_cache;
};

/// The view of a store inside one transaction; every operation of requests.hpp and
/// containers.hpp takes one, so a caller can combine several in one atomic step.
class Tx {
public:
    explicit Tx(Store& store) : m_store(store) {}
    Store& store() { return m_store; }
    const StoreOptions& options() const { return m_store.m_options; }
    /// Prepares a statement on this transaction's connection.
    Stmt prepare(std::string_view sql) { return Stmt(m_store.m_db, sql); }
    /// A cached prepared statement for `sql` (fast path for repeated statements); safe to
    /// nest: a statement already in use is not handed out twice.
    StmtLease cached(const std::string& sql);
    StmtLease cached(const Sql& sql);
    /// Runs SQL without results (may hold several statements).
    void exec(std::string_view sql);
    /// The transaction's clock: one value for the whole transaction, ms since epoch.
    std::int64_t now_ms();
    /// A new uuid of this store's cluster with the given infix.
    std::string new_uuid(std::string_view infix);
    /// Number of rows changed by the last statement.
    int changes() const;

private:
    StmtLease lease(std::vector<std::unique_ptr<Stmt>>& pool, const std::string& sql);

    Store& m_store;
    std::optional<std::int64_t> m_now;
};

template <class F>
auto Store::transact(bool immediate, F&& fn) -> std::invoke_result_t<F, Tx&> {
    begin(immediate);
    Tx tx(*this);
    try {
        if constexpr (std::is_void_v<std::invoke_result_t<F, Tx&>>) {
            std::forward<F>(fn)(tx);
            commit();
        } else {
            auto result = std::forward<F>(fn)(tx);
            commit();
            return result;
        }
    } catch (...) {
        rollback();
        throw;
    }
}

template <class F>
auto Store::write(F&& fn) -> std::invoke_result_t<F, Tx&> {
    return transact(true, std::forward<F>(fn));
}

template <class F>
auto Store::read(F&& fn) -> std::invoke_result_t<F, Tx&> {
    return transact(false, std::forward<F>(fn));
}

}  // namespace opskit::cr
