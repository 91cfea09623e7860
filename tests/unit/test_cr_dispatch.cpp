// The dispatcher against a real store and the real host sandbox: a request runs to
// Complete with its output collected; identical work is reused without running; an
// impossible request is Cancelled with a runtime_status error; a container whose holder
// died is swept and retried; max_run_time cancels. Skips when bwrap cannot run here.
#include <catch2/catch.hpp>

#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "opskit/core/error.hpp"
#include "opskit/core/fs.hpp"
#include "opskit/core/process.hpp"
#include "opskit/cr/collections/collection.hpp"
#include "opskit/cr/lifecycle/containers.hpp"
#include "opskit/cr/dispatch/engine_dispatch.hpp"
#include "opskit/cr/dispatch/local/local_engine.hpp"
#include "opskit/cr/lifecycle/requests.hpp"

namespace fs = std::filesystem;
using namespace opskit;
using namespace opskit::cr;

namespace {

struct Fixture {
    fs::path dir;
    std::optional<Store> store;
    Fixture() {
        std::string tmpl = (fs::temp_directory_path() / "crctl-disp-XXXXXX").string();
        dir = ::mkdtemp(tmpl.data());
        ::setenv("OPSKIT_LOCK_DIR", (dir / "locks").c_str(), 1);
        StoreOptions o;
        o.path = dir / "state" / "crctl.db";
        store.emplace(Store::open(o));
    }
    ~Fixture() {
        store.reset();
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
    ContainerRequest submit(Json command, Json extra = Json::object()) {
        Json spec = {{"command", std::move(command)},
                     {"container_image", "host"},
                     {"cwd", "/tmp"},
                     {"mounts", {{"/out", {{"kind", "tmp"}}}}},
                     {"output_path", "/out"},
                     {"runtime_constraints", {{"vcpus", 1}, {"ram", 64 << 20}}},
                     {"priority", 500},
                     {"state", "Committed"}};
        for (const auto& [k, v] : extra.items()) spec[k] = v;
        return store->write([&](Tx& tx) { return create_request(tx, spec); });
    }
    Container container_of(const ContainerRequest& r) {
        return store->read([&](Tx& tx) { return get_container(tx, *get_request(tx, r.uuid).container_uuid); });
    }
    DispatchSummary dispatch_once() {
        LocalEngineOptions o;
        o.kill_grace = Duration(500);
        const auto engine = make_local_engine(*store, o);
        EngineDispatchOptions d;
        d.poll_interval = Duration(50);
        return EngineDispatcher(*store, *engine, d).run();
    }
};

bool bwrap_works() {
    if (!find_program("bwrap")) return false;
    ProcessSpec probe;
    probe.argv = {"bwrap", "--ro-bind", "/", "/", "--unshare-pid", "true"};
    return run_process(probe).success();
}

}  // namespace

TEST_CASE("holders: lock files tell a dead dispatcher from a live one", "[cr][dispatch]") {
    CHECK(holder_is_dead("lock:/nonexistent/crctl-holder.lock"));
    CHECK_FALSE(holder_is_dead("crctl"));
    Fixture f;
    const auto engine = make_local_engine(*f.store, LocalEngineOptions{});
    CHECK(engine->holder().rfind("lock:", 0) == 0);
    CHECK_FALSE(holder_is_dead(engine->holder()));
}

TEST_CASE("log collections keep every attempt in its own folder", "[cr][dispatch]") {
    const auto files = log_collection_files("c2", "out", "err", "log", {{"c1", {{"stderr.txt", "old"}}}});
    std::vector<std::string> names;
    for (const auto& [n, c] : files) names.push_back(n);
    CHECK(names == std::vector<std::string>{"stdout.txt", "stderr.txt", "run.log", "log for container c2/stdout.txt",
                                            "log for container c2/stderr.txt", "log for container c2/run.log",
                                            "log for container c1/stderr.txt"});
}

TEST_CASE("a request runs to Complete on the host runtime and identical work is reused", "[cr][dispatch][bwrap]") {
    if (!bwrap_works()) {
        WARN("skipped: bwrap cannot run here");
        return;
    }
    Fixture f;
    const auto r1 = f.submit({"sh", "-c", "echo hi > /out/x; echo to-stderr >&2"});
    const auto s = f.dispatch_once();
    CHECK(s.started == 1);
    const auto c = f.container_of(r1);
    CHECK(c.state == ContainerState::complete);
    REQUIRE(c.exit_code);
    CHECK(*c.exit_code == 0);
    REQUIRE(c.output);
    CollectionStorage storage(f.store->data_dir());
    const auto m = storage.manifest(*c.output);
    REQUIRE(m.files.size() == 1);
    CHECK(m.files[0].path == "x");
    CHECK(read_file(storage.content_dir(*c.output) / "x") == "hi\n");
    REQUIRE(c.log);
    CHECK(read_file(storage.content_dir(*c.log) / "stderr.txt") == "to-stderr\n");
    CHECK(read_file(storage.content_dir(*c.log) / "run.log").find("exit code 0") != std::string::npos);
    const auto final1 = f.store->read([&](Tx& tx) { return get_request(tx, r1.uuid); });
    CHECK(final1.state == RequestState::final_);
    CHECK(final1.output_uuid);

    const auto r2 = f.submit({"sh", "-c", "echo hi > /out/x; echo to-stderr >&2"});
    CHECK(r2.state == RequestState::final_);  // reused at commit
    CHECK(*r2.container_uuid == c.uuid);
    CHECK(f.dispatch_once().started == 0);

    // different command, same output → same output hash, stored once
    const auto r3 = f.submit({"sh", "-c", "printf 'hi\\n' > /out/x"});
    f.dispatch_once();
    CHECK(*f.container_of(r3).output == *c.output);
}

TEST_CASE("an impossible request is Cancelled with a runtime_status error", "[cr][dispatch]") {
    Fixture f;
    const auto r = f.submit({"true"}, {{"runtime_constraints", {{"vcpus", 4096}, {"ram", 64 << 20}}},
                                       {"container_count_max", 1}});
    const auto s = f.dispatch_once();
    CHECK(s.impossible == 1);
    CHECK(s.started == 0);
    const auto c = f.container_of(r);
    CHECK(c.state == ContainerState::cancelled);
    CHECK(c.runtime_status.value("error", "").find("impossible request") != std::string::npos);
    CHECK(f.store->read([&](Tx& tx) { return get_request(tx, r.uuid); }).state == RequestState::final_);
}

TEST_CASE("a container held by a dead dispatcher is cancelled and retried", "[cr][dispatch][bwrap]") {
    if (!bwrap_works()) {
        WARN("skipped: bwrap cannot run here");
        return;
    }
    Fixture f;
    const auto r = f.submit({"sh", "-c", "echo again > /out/x"});
    const auto first = f.container_of(r);
    f.store->write([&](Tx& tx) {
        lock_container(tx, first.uuid, "lock:" + (f.dir / "locks" / "gone.lock").string());
        start_container(tx, first.uuid, "lock:" + (f.dir / "locks" / "gone.lock").string());
    });
    const auto s = f.dispatch_once();
    CHECK(s.orphans == 1);
    CHECK(s.completed == 1);
    CHECK(f.store->read([&](Tx& tx) { return get_container(tx, first.uuid); }).state == ContainerState::cancelled);
    const auto second = f.container_of(r);
    CHECK(second.uuid != first.uuid);
    CHECK(second.state == ContainerState::complete);
    REQUIRE(second.log);
    CollectionStorage storage(f.store->data_dir());
    bool has_first = false;
    for (const auto& file : storage.manifest(*second.log).files)
        has_first = has_first || file.path.rfind("log for container " + first.uuid + "/", 0) == 0;
    CHECK(has_first);
}

TEST_CASE("max_run_time stops the container and cancels it", "[cr][dispatch][bwrap]") {
    if (!bwrap_works()) {
        WARN("skipped: bwrap cannot run here");
        return;
    }
    Fixture f;
    const auto r = f.submit({"sleep", "30"}, {{"scheduling_parameters", {{"max_run_time", 1}}}, {"container_count_max", 1}});
    f.dispatch_once();
    const auto c = f.container_of(r);
    CHECK(c.state == ContainerState::cancelled);
    CHECK(c.runtime_status.value("error", "").find("max_run_time") != std::string::npos);
}

TEST_CASE("a runtime program that cannot run leaves the container Queued and says unavailable", "[cr][dispatch]") {
    Fixture f;
    const auto r = f.submit({"true"});
    LocalEngineOptions o;
    o.program = (f.dir / "no-such-bwrap").string();
    const auto engine = make_local_engine(*f.store, o);
    EngineDispatcher d(*f.store, *engine, EngineDispatchOptions{});
    try {
        d.run();
        FAIL("run() returned");
    } catch (const opskit::Error& e) {
        CHECK(e.kind() == ErrorKind::unavailable);
        CHECK(std::string(e.what()).find("no-such-bwrap") != std::string::npos);
    }
    const auto c = f.container_of(r);
    CHECK(c.state == ContainerState::queued);
    CHECK(c.lock_count == 1);
    CHECK(c.runtime_status.value("error", "").find("no-such-bwrap") != std::string::npos);
    CHECK_FALSE(fs::exists(f.store->data_dir() / "work" / c.uuid));
}
