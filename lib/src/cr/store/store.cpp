// Opening, migrating and transacting on the crctl SQLite store (see store.hpp for why).
// Every SQLite failure becomes an opskit::Error naming the store file: busy after the busy
// timeout → busy (exit 6), unopenable or foreign file → unavailable (exit 7).
#include "opskit/cr/store/store.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <atomic>
#include <chrono>
#include <cstring>
#include <deque>
#include <thread>
#include <unordered_map>
#include <vector>

#include "opskit/core/error.hpp"
#include "opskit/core/fs.hpp"
#include "opskit/core/time.hpp"
#include "opskit/cr/lifecycle/canonical.hpp"
#include "opskit/cr/lifecycle/model.hpp"
#include "cr/store/schema.hpp"
#include "cr/store/sqlite_api.hpp"

namespace opskit::cr {

using detail::sqlite;
namespace fs = std::filesystem;

namespace {

std::string db_name(sqlite3* db) {
    const char* file = db ? sqlite().db_filename(db, "main") : nullptr;
    return file && *file ? file : "crctl store";
}

[[noreturn]] void throw_sqlite(sqlite3* db, int rc, std::string_view what) {
    const int primary = rc & 0xff;
    const std::string why = db ? sqlite().errmsg(db) : sqlite().errstr(rc);
    if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED)
        throw Error(ErrorKind::busy, what, db_name(db), "another crctl process held the store longer than the busy timeout");
    if (primary == SQLITE_CONSTRAINT) throw Error(ErrorKind::conflict, what, db_name(db), why);
    if (primary == SQLITE_NOTADB || primary == SQLITE_CANTOPEN || primary == SQLITE_READONLY ||
        primary == SQLITE_IOERR || primary == SQLITE_CORRUPT || primary == SQLITE_FULL || primary == SQLITE_PERM)
        throw Error(ErrorKind::unavailable, what, db_name(db), why);
    throw Error(ErrorKind::internal, what, db_name(db), why);
}

}  // namespace

// ---- StmtLease / Stmt ----------------------------------------------------------------------

StmtLease::~StmtLease() {
    if (m_stmt && m_give_back) m_give_back(m_stmt);
}

Stmt::Stmt(sqlite3* db, std::string_view sql) : m_db(db) {
    const int rc = sqlite().prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &m_stmt, nullptr);
    if (rc != SQLITE_OK) throw_sqlite(db, rc, "cannot prepare a statement on the store");
}

Stmt::Stmt(Stmt&& other) noexcept : m_db(other.m_db), m_stmt(std::exchange(other.m_stmt, nullptr)) {}

Stmt::~Stmt() {
    if (m_stmt) sqlite().finalize(m_stmt);
}

Stmt& Stmt::bind(int index, std::int64_t value) {
    sqlite().bind_int64(m_stmt, index, value);
    return *this;
}
Stmt& Stmt::bind(int index, double value) {
    sqlite().bind_double(m_stmt, index, value);
    return *this;
}
Stmt& Stmt::bind(int index, std::string_view text) {
    sqlite().bind_text64(m_stmt, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
    return *this;
}
Stmt& Stmt::bind_view(int index, std::string_view text) {
    sqlite().bind_text64(m_stmt, index, text.data(), text.size(), SQLITE_STATIC, SQLITE_UTF8);
    return *this;
}
Stmt& Stmt::bind(int index, std::nullptr_t) {
    sqlite().bind_null(m_stmt, index);
    return *this;
}
Stmt& Stmt::bind_json(int index, const Json& value) { return bind(index, canonical_json(value)); }

bool Stmt::step() {
    const int rc = sqlite().step(m_stmt);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    sqlite().reset(m_stmt);
    throw_sqlite(m_db, rc, "store operation failed");
}

void Stmt::run() {
    while (step()) {
    }
}

void Stmt::reset() {
    sqlite().reset(m_stmt);
    sqlite().clear_bindings(m_stmt);
}

bool Stmt::is_null(int column) const { return sqlite().column_type(m_stmt, column) == SQLITE_NULL; }
std::int64_t Stmt::get_int(int column) const { return sqlite().column_int64(m_stmt, column); }
double Stmt::get_double(int column) const { return sqlite().column_double(m_stmt, column); }
std::string Stmt::get_text(int column) const {
    const auto* text = sqlite().column_text(m_stmt, column);
    if (!text) return {};
    return std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(sqlite().column_bytes(m_stmt, column)));
}
std::string_view Stmt::get_view(int column) const {
    const auto* text = sqlite().column_text(m_stmt, column);
    if (!text) return {};
    return {reinterpret_cast<const char*>(text), static_cast<std::size_t>(sqlite().column_bytes(m_stmt, column))};
}
std::optional<std::string> Stmt::get_opt_text(int column) const {
    if (is_null(column)) return std::nullopt;
    return get_text(column);
}
std::optional<std::int64_t> Stmt::get_opt_int(int column) const {
    if (is_null(column)) return std::nullopt;
    return get_int(column);
}
Json Stmt::get_json(int column) const {
    if (is_null(column)) return nullptr;
    return Json::parse(get_text(column));
}

// ---- Store -----------------------------------------------------------------------------------

struct Store::Cache {
    using Pool = std::vector<std::unique_ptr<Stmt>>;
    std::unordered_map<std::string, Pool> free;
    // By Sql::slot(). A deque: growing it leaves the pools where leases point to them.
    std::deque<Pool> by_slot;
    void clear() {
        free.clear();
        by_slot.clear();
    }
    // Statements leased in the current transaction, and the page cache size to go back to
    // when a big one raised it (0: not raised).
    std::int64_t leases = 0;
    bool writing = false;
    std::int64_t normal_cache_size = 0;
};

namespace {

// A transaction that leases this many statements is a batch (a new request is about four):
// it gets a page cache of big_cache_kib until it ends. A batch dirties index pages all over
// the random-ordered indexes (reuse key, queue by priority); with SQLite's default 2 MB cache
// it spilled them to the WAL and read them back over and over — a 1M-request batch ran at
// 15k/s against 24k/s with 64 MiB (bench/crctl_store). Small commits keep the default: a
// big cache full of pages costs every commit a scan of its page hash.
constexpr std::int64_t batch_leases = 256;
constexpr std::int64_t big_cache_kib = 65536;

}  // namespace

Store::Store() : m_cache(std::make_unique<Cache>()) {}

fs::path default_store_path() {
    if (::geteuid() == 0) return "/var/lib/crctl/crctl.db";
    return xdg_home("STATE") / "crctl" / "crctl.db";
}

Store Store::open(StoreOptions options) {
    if (options.path.empty()) options.path = default_store_path();
    Store store;
    store.m_options = std::move(options);
    const fs::path& path = store.m_options.path;
    const bool exists = fs::exists(path);
    if (!exists) {
        if (!store.m_options.create) throw Error(ErrorKind::unavailable, "cannot open store", path.string(), "no such file");
        if (path.has_parent_path()) make_private_dir(path.parent_path(), 0700);
        // Create the file ourselves so it is 0600 from the first byte (SQLite gives the
        // -wal and -shm files the same mode).
        const int fd = ::open(path.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0600);
        if (fd < 0) throw Error(ErrorKind::unavailable, "cannot create store", path.string(), std::strerror(errno));
        ::close(fd);
    }
    // SQLite's memory statistics take a global mutex and bookkeeping around every one of its
    // allocations (some 70 per request written, a tenth of the work of a batch, callgrind);
    // crctl never reads them. This must come before SQLite initialises; if the process
    // already uses SQLite elsewhere the call is refused and changes nothing.
    static const int memstatus_off = sqlite().config(SQLITE_CONFIG_MEMSTATUS, 0);
    (void)memstatus_off;
    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
    int rc = sqlite().open_v2(path.c_str(), &store.m_db, flags, nullptr);
    if (rc != SQLITE_OK) {
        const std::string why = store.m_db ? sqlite().errmsg(store.m_db) : sqlite().errstr(rc);
        throw Error(ErrorKind::unavailable, "cannot open store", path.string(), why);
    }
    sqlite().extended_result_codes(store.m_db, 1);
    sqlite().busy_timeout(store.m_db, store.m_options.busy_timeout_ms);
    // Keep the -wal file when the last connection closes (it is checkpointed, not deleted):
    // otherwise every CLI call, reads included, creates, writes the header of and unlinks it
    // again. Durability is the same; the file stays 0600 beside the store. journal_size_limit
    // (set below) truncates it at that close: a big WAL left behind would be read whole by
    // the next process's recovery (21 ms per read verb after a 100k batch, measured).
    int persist_wal = 1;
    sqlite().file_control(store.m_db, "main", SQLITE_FCNTL_PERSIST_WAL, &persist_wal);

    // Switching to WAL needs a moment without other connections in a transaction; retry
    // within the busy timeout rather than failing a concurrent first open.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(store.m_options.busy_timeout_ms);
    for (;;) {
        try {
            Stmt mode(store.m_db, "PRAGMA journal_mode=WAL");
            mode.step();
            if (mode.get_text(0) != "wal")
                throw Error(ErrorKind::unavailable, "cannot open store", path.string(), "the file system does not support WAL mode");
            break;
        } catch (const Error& e) {
            if (e.kind() != ErrorKind::busy || std::chrono::steady_clock::now() > deadline) throw;
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
    }
    store.m_cache->clear();
    Tx pragmas(store);
    // synchronous=NORMAL in WAL mode: a commit is in the WAL file before it returns, so it
    // survives the process being killed; only an OS crash or power cut can lose the last ones.
    // temp_store=MEMORY: statement journals (every insert on a table with foreign keys has
    // one) stay in memory instead of a /var/tmp file written page by page. The page cache
    // keeps its default size but for batches (raise_cache_size): a 64 MiB cache made every
    // small commit ~25% slower (measured with bench/crctl_store), and they are the norm.
    // wal_autocheckpoint=10000 pages (40 MiB of WAL between checkpoints, not 4): each
    // checkpoint ends in an fsync of the store file, which at the default was a third of the
    // cost of a one-request commit (185 -> 115 us, 131 us in a 1M-request store); durability
    // is the same, commits are in the WAL either way. The last connection to close still
    // checkpoints, and journal_size_limit cuts the file back to 4 MiB after.
    pragmas.exec("PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL; PRAGMA temp_store=MEMORY; "
                 "PRAGMA journal_size_limit=4194304; PRAGMA wal_autocheckpoint=10000;");

    // Migrations: check and upgrade inside one IMMEDIATE transaction so that two first
    // opens cannot both create the schema.
    int version = store.schema_version();
    if (version < detail::current_schema_version()) {
        store.write([&](Tx& tx) {
            // The checks' statements are finalized (own scopes) before the steps run: a
            // statement still open on its row makes a DROP in a step fail as "table is locked".
            {
                Stmt app(store.m_db, "PRAGMA application_id");
                app.step();
                const auto id = app.get_int(0);
                if (id != 0 && id != detail::application_id)
                    throw Error(ErrorKind::unavailable, "cannot open store", path.string(), "not a crctl store");
            }
            version = store.schema_version();
            if (version == 0) {
                Stmt tables(store.m_db, "SELECT count(*) FROM sqlite_schema");
                tables.step();
                if (tables.get_int(0) != 0)
                    throw Error(ErrorKind::unavailable, "cannot open store", path.string(), "not a crctl store");
            }
            // Step 3 edits table text through writable_schema, which a SQLite built or set up
            // "defensive" refuses; lift that for the steps only.
            struct Undefended {
                sqlite3* db;
                int was = 0;
                explicit Undefended(sqlite3* handle) : db(handle) {
                    sqlite().db_config(db, SQLITE_DBCONFIG_DEFENSIVE, -1, &was);
                    sqlite().db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 0, nullptr);
                }
                ~Undefended() { sqlite().db_config(db, SQLITE_DBCONFIG_DEFENSIVE, was, nullptr); }
            };
            {
                const Undefended steps(store.m_db);
                for (int v = version + 1; v <= detail::current_schema_version(); ++v) tx.exec(detail::migration_sql(v));
            }
            tx.exec("PRAGMA application_id=" + std::to_string(detail::application_id) + "; PRAGMA user_version=" +
                    std::to_string(detail::current_schema_version()));
        });
    } else if (version > detail::current_schema_version()) {
        throw Error(ErrorKind::unavailable, "cannot open store", path.string(),
                    "schema version " + std::to_string(version) + " is newer than this crctl knows (" +
                        std::to_string(detail::current_schema_version()) + ")");
    }
    return store;
}

Store::Store(Store&& other) noexcept
    : m_options(std::move(other.m_options)), m_db(std::exchange(other.m_db, nullptr)), m_cache(std::move(other.m_cache)) {}

Store& Store::operator=(Store&& other) noexcept {
    if (this != &other) {
        if (m_cache) m_cache->clear();
        if (m_db) sqlite().close_v2(m_db);
        m_options = std::move(other.m_options);
        m_db = std::exchange(other.m_db, nullptr);
        m_cache = std::move(other.m_cache);
    }
    return *this;
}

Store::~Store() {
    if (m_cache) m_cache->clear();
    if (m_db) sqlite().close_v2(m_db);
}

fs::path Store::data_dir() const { return m_options.path.parent_path() / "data"; }

int Store::schema_version() {
    Stmt version(m_db, "PRAGMA user_version");
    version.step();
    return static_cast<int>(version.get_int(0));
}

void Store::begin(bool immediate) {
    m_cache->leases = 0;
    m_cache->writing = immediate;
    const char* sql = immediate ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED";
    char* message = nullptr;
    const int rc = sqlite().exec(m_db, sql, nullptr, nullptr, &message);
    sqlite().free(message);
    if (rc != SQLITE_OK) throw_sqlite(m_db, rc, "cannot start a store transaction");
}

void Store::commit() {
    char* message = nullptr;
    const int rc = sqlite().exec(m_db, "COMMIT", nullptr, nullptr, &message);
    sqlite().free(message);
    if (rc != SQLITE_OK) {
        rollback();
        throw_sqlite(m_db, rc, "cannot commit a store transaction");
    }
    restore_cache_size();
}

void Store::rollback() noexcept {
    if (!sqlite().get_autocommit(m_db)) sqlite().exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
    restore_cache_size();
}

void Store::raise_cache_size() {
    Stmt current(m_db, "PRAGMA cache_size");
    current.step();
    const std::int64_t normal = current.get_int(0);
    if (normal < 0 && -normal >= big_cache_kib) return;  // already at least as big
    sqlite().exec(m_db, ("PRAGMA cache_size=-" + std::to_string(big_cache_kib)).c_str(), nullptr, nullptr, nullptr);
    m_cache->normal_cache_size = normal;
}

void Store::restore_cache_size() noexcept {
    if (m_cache->normal_cache_size == 0) return;
    // Shrinking frees the batch's pages, so later small commits do not scan them.
    sqlite().exec(m_db, ("PRAGMA cache_size=" + std::to_string(m_cache->normal_cache_size)).c_str(), nullptr, nullptr,
                 nullptr);
    m_cache->normal_cache_size = 0;
}

// ---- Tx --------------------------------------------------------------------------------------

void Tx::exec(std::string_view sql) {
    char* message = nullptr;
    const std::string text(sql);
    const int rc = sqlite().exec(m_store.m_db, text.c_str(), nullptr, nullptr, &message);
    sqlite().free(message);
    if (rc != SQLITE_OK) throw_sqlite(m_store.m_db, rc, "store operation failed");
}

namespace {

std::atomic<std::size_t> next_sql_slot{0};

}  // namespace

Sql::Sql(std::string text) : m_text(std::move(text)), m_slot(next_sql_slot++) {}

StmtLease Tx::cached(const std::string& sql) { return lease(m_store.m_cache->free[sql], sql); }

StmtLease Tx::cached(const Sql& sql) {
    auto& pools = m_store.m_cache->by_slot;
    if (sql.slot() >= pools.size()) pools.resize(sql.slot() + 1);
    return lease(pools[sql.slot()], sql.text());
}

StmtLease Tx::lease(std::vector<std::unique_ptr<Stmt>>& pool, const std::string& sql) {
    if (++m_store.m_cache->leases == batch_leases && m_store.m_cache->writing) m_store.raise_cache_size();
    Stmt* stmt = nullptr;
    if (!pool.empty()) {
        stmt = pool.back().release();
        pool.pop_back();
    } else {
        stmt = new Stmt(m_store.m_db, sql);
    }
    // The lease holds the pool itself (map nodes and deque elements do not move), not a copy
    // of the SQL: one pointer fits std::function's inline buffer, so a lease allocates nothing.
    return StmtLease(stmt, [pool = &pool](Stmt* s) {
        s->reset();
        pool->emplace_back(s);
    });
}

std::int64_t Tx::now_ms() {
    if (!m_now) m_now = to_epoch_ms(opskit::now_ms());
    return *m_now;
}

std::string Tx::new_uuid(std::string_view infix) { return cr::new_uuid(m_store.m_options.cluster_id, infix); }

int Tx::changes() const { return sqlite().changes(m_store.m_db); }

}  // namespace opskit::cr
