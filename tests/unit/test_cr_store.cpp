// The crctl store: private file modes, WAL and foreign keys, versioned migrations, refusal
// of foreign or newer files, atomic transactions, canonical JSON and the reuse hash.
#include <sqlite3.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <fstream>

#include "cr/store/rows.hpp"
#include "cr/store/schema.hpp"
#include "opskit/cr/lifecycle/canonical.hpp"
#include "test_cr_fixture.hpp"

using namespace crtest;

namespace {
int mode_of(const fs::path& p) {
    struct stat st {};
    REQUIRE(::stat(p.c_str(), &st) == 0);
    return st.st_mode & 07777;
}
std::string pragma(Store& store, const char* name) {
    Stmt st(store.handle(), std::string("PRAGMA ") + name);
    REQUIRE(st.step());
    return st.get_text(0);
}
}  // namespace

TEST_CASE("a new store is 0600 in a 0700 folder, in WAL mode with foreign keys on", "[cr][store]") {
    Fixture f;
    CHECK(mode_of(f.store.path()) == 0600);
    CHECK(mode_of(f.store.path().parent_path()) == 0700);
    CHECK(pragma(f.store, "journal_mode") == "wal");
    CHECK(pragma(f.store, "foreign_keys") == "1");
    CHECK(f.store.schema_version() == 4);
    f.create();  // a write creates the -wal file with the same mode
    CHECK(mode_of(f.store.path().string() + "-wal") == 0600);
}

TEST_CASE("reopening a store keeps its data and version", "[cr][store]") {
    Fixture f;
    const auto r = f.create();
    Store again = Store::open(options_for(f.dir));
    CHECK(again.schema_version() == 4);
    CHECK(again.read([&](Tx& tx) { return get_request(tx, r.uuid); }).uuid == r.uuid);
}

TEST_CASE("a version 1 store is upgraded on open, keeping its data", "[cr][store]") {
    const opskit_test::TempDir tmp{"crctl-test"};
    const StoreOptions o = options_for(tmp.path);
    fs::create_directories(o.path.parent_path());
    // The file an older crctl left: schema step 1 only, one container and its request.
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(o.path.c_str(), &db) == SQLITE_OK);
    const std::string v1 = std::string("PRAGMA journal_mode=WAL;") + detail::migration_sql(1) +
                           "PRAGMA application_id=" + std::to_string(detail::application_id) + "; PRAGMA user_version=1;"
                           "INSERT INTO containers (uuid, state, command, container_image, cwd, environment, mounts, "
                           "output_path, runtime_constraints, scheduling_parameters, priority, reuse_hash, created_at, "
                           "modified_at) VALUES ('zzzzz-dz642-000000000000001', 'Queued', '[\"true\"]', 'img', '/', '{}', "
                           "'{}', '/out', '{}', '{}', 7, 'h', 1, 1);"
                           "INSERT INTO container_requests (uuid, state, command, container_image, cwd, environment, "
                           "mounts, output_path, runtime_constraints, scheduling_parameters, priority, container_uuid, "
                           "container_count, container_count_max, created_at, modified_at) VALUES "
                           "('zzzzz-xvhdk-000000000000001', 'Committed', '[\"true\"]', 'img', '/', '{}', '{}', '/out', "
                           "'{}', '{}', 1, 'zzzzz-dz642-000000000000001', 1, 3, 1, 1);";
    REQUIRE(sqlite3_exec(db, v1.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);

    Store store = Store::open(o);
    CHECK(store.schema_version() == detail::current_schema_version());
    auto count = [&](const char* sql) {
        Stmt st(store.handle(), sql);
        REQUIRE(st.step());
        return st.get_int(0);
    };
    CHECK(count("SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND sql LIKE '%WHERE%IS NOT NULL%'") == 3);
    CHECK(count("SELECT count(*) FROM sqlite_schema WHERE sql LIKE '%state IN (%'") == 0);
    CHECK(count("SELECT count(*) FROM sqlite_schema WHERE name = 'containers_by_reuse_key'") == 1);
    CHECK(count("SELECT count(*) FROM sqlite_schema WHERE name = 'containers_by_reuse_hash'") == 0);
    {
        Stmt check(store.handle(), "PRAGMA integrity_check");
        REQUIRE(check.step());
        CHECK(check.get_text(0) == "ok");
    }
    const auto r = store.read([&](Tx& tx) { return get_request(tx, "zzzzz-xvhdk-000000000000001"); });
    CHECK(r.container_uuid == std::optional<std::string>("zzzzz-dz642-000000000000001"));
    CHECK(store.read([&](Tx& tx) { return queued_containers(tx); }).size() == 1);
    // The rewritten constraints still refuse an unknown state.
    CHECK(sqlite3_exec(store.handle(), "UPDATE containers SET state = 'Bogus'", nullptr, nullptr, nullptr) == SQLITE_CONSTRAINT_CHECK);
    CHECK(sqlite3_exec(store.handle(), "UPDATE container_requests SET state = 'Bogus'", nullptr, nullptr, nullptr) ==
          SQLITE_CONSTRAINT_CHECK);
    // And the upgraded store works as a new one does.
    const auto made = store.write([&](Tx& tx) { return create_request(tx, minimal({{"state", "Committed"}, {"priority", 1}})); });
    CHECK(made.container_uuid.has_value());
}

TEST_CASE("the reuse lookups search the narrow reuse index, not the table", "[cr][store]") {
    Fixture f;
    for (const char* state : {"state <> 'Cancelled'", "state = 'Cancelled' AND log IS NOT NULL"}) {
        Stmt plan(f.store.handle(), "EXPLAIN QUERY PLAN SELECT uuid FROM containers WHERE " +
                                        std::string(detail::reuse_hash_matches) + " AND " + state);
        plan.bind(1, std::string(64, 'a'));
        std::string steps;
        while (plan.step()) steps += plan.get_text(3) + "\n";
        CHECK_THAT(steps, Catch::Matchers::Contains("USING INDEX containers_by_reuse_key"));
    }
}

TEST_CASE("a missing store is refused when creation is not allowed", "[cr][store]") {
    const opskit_test::TempDir tmp{"crctl-test"};
    const fs::path dir = tmp.path;
    StoreOptions o = options_for(dir);
    o.create = false;
    CHECK(error_kind_of([&] { Store::open(o); }) == ErrorKind::unavailable);
    CHECK_FALSE(fs::exists(o.path));
}

TEST_CASE("foreign files and newer schemas are unavailable, naming the file", "[cr][store]") {
    const opskit_test::TempDir tmp{"crctl-test"};
    const fs::path dir = tmp.path;
    const fs::path garbage = dir / "garbage.db";
    std::ofstream(garbage) << std::string(4096, 'x');
    StoreOptions o;
    o.path = garbage;
    const auto text = error_text_of([&] { Store::open(o); });
    CHECK(text.find(garbage.string()) != std::string::npos);

    const fs::path other = dir / "other.db";
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(other.c_str(), &db) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db, "CREATE TABLE t (x)", nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
    o.path = other;
    CHECK(error_text_of([&] { Store::open(o); }).find("not a crctl store") != std::string::npos);

    const fs::path newer = dir / "newer.db";
    o.path = newer;
    { Store::open(o); }
    REQUIRE(sqlite3_open(newer.c_str(), &db) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db, "PRAGMA user_version=99", nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
    CHECK(error_kind_of([&] { Store::open(o); }) == ErrorKind::unavailable);
}

TEST_CASE("a transaction that throws leaves nothing behind", "[cr][store]") {
    Fixture f;
    std::string uuid;
    CHECK_THROWS(f.store.write([&](Tx& tx) {
        uuid = create_request(tx, minimal()).uuid;
        throw Error(ErrorKind::failed, "boom");
    }));
    CHECK(f.store.read([&](Tx& tx) { return find_request(tx, uuid); }) == std::nullopt);
    CHECK(f.store.read([&](Tx& tx) { return list_requests(tx); }).empty());
}

TEST_CASE("a fresh-row save inserts and never overwrites, an ordinary save updates", "[cr][store]") {
    Fixture f;
    ContainerRequest r = f.create({{"name", "first"}});
    r.name = "second";
    // Row::fresh is a plain INSERT (no statement journal): an existing uuid is refused.
    CHECK_THROWS(f.store.write([&](Tx& tx) { detail::save_request(tx, r, detail::Row::fresh); }));
    CHECK(f.store.read([&](Tx& tx) { return get_request(tx, r.uuid); }).name == "first");
    f.store.write([&](Tx& tx) { detail::save_request(tx, r); });
    CHECK(f.store.read([&](Tx& tx) { return get_request(tx, r.uuid); }).name == "second");
}

TEST_CASE("JSON columns are stored canonically", "[cr][store]") {
    Fixture f;
    const auto r = f.create({{"environment", {{"B", "2"}, {"A", "1"}}}});
    Stmt st(f.store.handle(), "SELECT environment FROM container_requests WHERE uuid = ?");
    st.bind(1, r.uuid);
    REQUIRE(st.step());
    CHECK(st.get_text(0) == R"({"A":"1","B":"2"})");
}

TEST_CASE("canonical JSON and the reuse hash ignore key order and keep-cache settings", "[cr][store]") {
    const Json a = Json::parse(R"({"b":{"y":1,"x":[1,{"d":1,"c":2}]},"a":"s"})");
    const Json b = Json::parse(R"({"a":"s","b":{"x":[1,{"c":2,"d":1}],"y":1}})");
    CHECK(canonical_json(a) == canonical_json(b));
    CHECK(canonical_json(a) == R"({"a":"s","b":{"x":[1,{"c":2,"d":1}],"y":1}})");
    const Json cmd{"echo", "x"};
    const auto h1 = reuse_hash(cmd, "/tmp", {{"A", "1"}, {"B", "2"}}, "/out", "img", Json::object(),
                               {{"vcpus", 1}, {"ram", 2}, {"keep_cache_ram", 5}});
    const auto h2 = reuse_hash(cmd, "/tmp", {{"B", "2"}, {"A", "1"}}, "/out", "img", Json::object(), {{"ram", 2}, {"vcpus", 1}});
    CHECK(h1 == h2);
    CHECK(h1 != reuse_hash(Json{"echo", "y"}, "/tmp", Json::object(), "/out", "img", Json::object(), Json::object()));
    // The exact digest is part of the store format: containers already stored carry it.
    CHECK(reuse_hash(Json{"echo", "x\u00e9\"\n"}, "/tmp", {{"A", "1"}, {"B", "2"}}, "/out", "img",
                     {{"/out", {{"kind", "tmp"}, {"capacity", 1000}}}},
                     {{"vcpus", 1}, {"ram", 2.5}, {"keep_cache_ram", 5}, {"keep_cache_disk", 7}}) ==
          "820cf2e6929efd7ee6c261611641652992bda57d7db04c284f99741cffa28d82");
    CHECK(reuse_hash(Json::array(), "", Json::object(), "", "", Json::object(), Json::object()) ==
          "3febb7e132d8e0aa9dd7e4bdb0a925ff4c2723c5236e4f48d1f540d13827e91a");
    CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(sha256_hex(std::string(55, 'a')) == "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
    CHECK(sha256_hex(std::string(56, 'a')) == "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
    CHECK(sha256_hex(std::string(64, 'a')) == "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
    CHECK(sha256_hex(std::string(1000, 'a')) == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3");
}

TEST_CASE("the reuse hash is the digest of the canonical reuse attributes", "[cr][store]") {
    const std::vector<Json> constraints{Json::object(), nullptr, Json::array({1, 2}), Json("x"),
                                        {{"keep_cache_disk", 1}}, {{"API", true}, {"keep_cache_ram", 0}, {"ram", 1.5}, {"vcpus", {1, 4}}}};
    const std::vector<Json> mounts{Json::object(), {{"/out", {{"kind", "tmp"}}}, {"stdin", {{"kind", "text"}, {"content", "a\tb"}}}}};
    for (const auto& rc : constraints)
        for (const auto& m : mounts) {
            Json kept = rc;
            if (kept.is_object()) {
                kept.erase("keep_cache_ram");
                kept.erase("keep_cache_disk");
            }
            const Json key{{"command", {"sh", "-c", "echo \"\u00fc\""}}, {"container_image", "img:1"}, {"cwd", "/w"},
                           {"environment", {{"Z", ""}, {"A", "\u0001"}}}, {"mounts", m}, {"output_path", "/out"},
                           {"runtime_constraints", kept}};
            CHECK(reuse_hash(key["command"], "/w", key["environment"], "/out", "img:1", m, rc) ==
                  sha256_hex(canonical_json(key)));
        }
}

TEST_CASE("uuids have the Arvados shape of this store's cluster", "[cr][store]") {
    StoreOptions o;
    o.cluster_id = "abcde";
    Fixture f(o);
    const auto r = f.create({{"state", "Committed"}, {"priority", 1}});
    CHECK(is_uuid(r.uuid, request_infix));
    CHECK(r.uuid.substr(0, 6) == "abcde-");
    CHECK(is_uuid(*r.container_uuid, container_infix));
    CHECK_FALSE(is_uuid("abcde-xvhdk-short", request_infix));
    CHECK_FALSE(is_uuid(r.uuid, container_infix));
}

TEST_CASE("uuids start with their creation time and increase within a process", "[cr][store]") {
    // Base-36 value of the first 9 of the 15 characters: Unix milliseconds.
    auto millis_of = [](const std::string& uuid) {
        std::uint64_t ms = 0;
        for (char ch : uuid.substr(12, 9)) ms = ms * 36 + static_cast<std::uint64_t>(ch <= '9' ? ch - '0' : ch - 'a' + 10);
        return ms;
    };
    const auto now_ms = [] {
        return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                              std::chrono::system_clock::now().time_since_epoch())
                                              .count());
    };
    const auto before = now_ms();
    std::vector<std::string> made;
    for (int i = 0; i < 20000; ++i) made.push_back(new_uuid("zzzzz", request_infix));
    const auto after = now_ms();
    for (const auto& u : made) REQUIRE(is_uuid(u, request_infix));
    // Many per millisecond, and still strictly increasing: no duplicates, index order = creation order.
    CHECK(std::adjacent_find(made.begin(), made.end(), std::greater_equal<>()) == made.end());
    CHECK(millis_of(made.front()) >= before);
    CHECK(millis_of(made.back()) <= after + 1);
}
