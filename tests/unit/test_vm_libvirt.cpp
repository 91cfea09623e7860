// opskit::vm against real libvirt in-process: the test driver with the node fixture
// tests/data/vm/node.xml (state lives per connection, so each test gets a fresh node) and
// test:///default. Covers the power verbs, idempotent no-ops, snapshots and their flag
// fallbacks, destroy/recover/expunge with and without volumes, selectors, locks, dry runs,
// and the graceful-stop deadline with a guest that ignores the power button.
#include <catch2/catch.hpp>

#include <libvirt/libvirt.h>

#include <cstdlib>
#include <filesystem>
#include <set>

#include "opskit/core/audit.hpp"
#include "opskit/core/error.hpp"
#include "opskit/core/lock.hpp"
#include "opskit/vm/lifecycle.hpp"
#include "opskit/vm/select.hpp"
#include "temp_dir.hpp"

using namespace opskit;
using namespace opskit::vm;

namespace {

std::string node_uri() { return std::string("test://") + OPSKIT_TEST_DATA + "/vm/node.xml"; }

struct Fixture {
    opskit_test::TempDir locks{"opskit-vm-test"};
    opskit_test::ScopedEnv lock_dir{"OPSKIT_LOCK_DIR", locks.path.string()};
    Fixture() {
        configure_audit({"vmctl", false, std::nullopt});
        backend = open_libvirt(node_uri());
    }
    VmState state(const std::string& vm) { return state_of(backend->info(vm)); }
    std::unique_ptr<Backend> backend;
    EngineOptions opts{false, true, Duration(20)};
};

// Every call to the real backend; the doubles below change one or two.
class Forwarding : public Backend {
public:
    explicit Forwarding(Backend& inner) : m(inner) {}
    std::string location() const override { return m.location(); }
    std::vector<VmInfo> list() override { return m.list(); }
    std::vector<std::string> names() override { return m.names(); }
    VmInfo info(const std::string& vm) override { return m.info(vm); }
    void start(const std::string& vm) override { m.start(vm); }
    Applied request_shutdown(const std::string& vm) override { return m.request_shutdown(vm); }
    void power_off(const std::string& vm) override { m.power_off(vm); }
    Applied request_reboot(const std::string& vm) override { return m.request_reboot(vm); }
    void reset(const std::string& vm) override { m.reset(vm); }
    std::vector<SnapshotInfo> snapshots(const std::string& vm) override { return m.snapshots(vm); }
    std::pair<SnapshotInfo, Applied> create_snapshot(const std::string& vm, const SnapshotRequest& r) override {
        return m.create_snapshot(vm, r);
    }
    Applied revert_snapshot(const std::string& vm, const std::string& s, RevertEnd e) override {
        return m.revert_snapshot(vm, s, e);
    }
    void delete_snapshot(const std::string& vm, const std::string& s, bool c) override { m.delete_snapshot(vm, s, c); }
    bool guest_agent_connected(const std::string& vm) override { return m.guest_agent_connected(vm); }
    void set_record(const std::string& vm, const std::optional<DestroyRecord>& r) override { m.set_record(vm, r); }
    std::vector<Volume> volumes(const std::string& vm) override { return m.volumes(vm); }
    Applied undefine(const std::string& vm) override { return m.undefine(vm); }
    void delete_volume(const std::string& vm, const Volume& v) override { m.delete_volume(vm, v); }

protected:
    Backend& m;
};

// A guest that ignores the power button (as a real one with no OS does).
class IgnoresPowerButton : public Forwarding {
public:
    using Forwarding::Forwarding;
    int requests = 0;
    Applied request_shutdown(const std::string&) override {
        ++requests;
        return {};
    }
};

// Counts the whole-state reads and the power-only ones.
class CountsReads : public Forwarding {
public:
    using Forwarding::Forwarding;
    int states = 0, powers = 0;
    VmInfo state(const std::string& vm) override {
        ++states;
        return m.state(vm);
    }
    PowerState power(const std::string& vm) override {
        ++powers;
        return m.power(vm);
    }
};

}  // namespace

TEST_CASE_METHOD(Fixture, "list reports state, reason, vcpus, memory from the node", "[vm][libvirt]") {
    const auto vms = backend->list();
    REQUIRE(vms.size() == 5);
    const auto web1 = backend->info("web1");
    CHECK(state_of(web1) == VmState::running);
    CHECK(web1.vcpus == 2);
    CHECK(web1.memory_bytes == 65536u * 1024u);
    CHECK(web1.uuid.size() == 36);
    CHECK(state_of(backend->info("db1")) == VmState::stopped);
    const auto app1 = backend->info("app1");
    CHECK(state_of(app1) == VmState::running);
    CHECK(state_detail(app1) == "paused");
    const auto j = status_json(web1);
    CHECK(j["state"] == "Running");
    CHECK(j["memory"] == 67108864);
    CHECK(j["destroyed_at"].is_null());
}

TEST_CASE_METHOD(Fixture, "a missing VM is not_found naming it, a bad URI is unavailable", "[vm][libvirt]") {
    try {
        backend->info("nope");
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::not_found);
        CHECK(std::string(e.what()).find("(nope)") != std::string::npos);
    }
    try {
        open_libvirt("test:///no/such/node.xml");
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(e.exit_code() == ExitCode::unavailable);
        CHECK(std::string(e.what()).find("test:///no/such/node.xml") != std::string::npos);
    }
    Lifecycle life(*backend, opts);
    const auto r = life.stop("nope", {});
    REQUIRE(r.error);
    CHECK(r.exit_code() == ExitCode::not_found);
}

TEST_CASE_METHOD(Fixture, "state() and list_states() agree with info() on what state_of reads", "[vm][libvirt]") {
    std::set<std::string> seen;
    for (const auto& light : backend->list_states()) {
        const auto full = backend->info(light.name);
        CHECK(state_of(light) == state_of(full));
        CHECK(light.power == full.power);
        CHECK(light.persistent == full.persistent);
        CHECK(light.uuid == full.uuid);
        CHECK(state_of(backend->state(light.name)) == state_of(full));
        seen.insert(light.name);
    }
    CHECK(seen == std::set<std::string>{"app1", "batch-1", "batch-2", "db1", "web1"});
}

TEST_CASE_METHOD(Fixture, "every VM of a bulk stop reports the shutdown fallback, not only the first", "[vm][libvirt]") {
    Lifecycle life(*backend, opts);
    for (const auto* vm : {"web1", "batch-1", "batch-2"}) {
        const auto r = life.stop(vm, {false, Duration(5000), false});
        REQUIRE_FALSE(r.error);
        CHECK(r.to_state == VmState::stopped);
        CHECK(r.detail.find("power button flag not supported") != std::string::npos);
    }
}

TEST_CASE_METHOD(Fixture, "stop and start are idempotent, the shutdown flag falls back to 0", "[vm][libvirt]") {
    Lifecycle life(*backend, opts);
    auto r = life.stop("web1", {false, Duration(5000), false});
    REQUIRE_FALSE(r.error);
    CHECK(r.changed);
    CHECK_FALSE(r.forced);
    CHECK(r.from_state == VmState::running);
    CHECK(r.to_state == VmState::stopped);
    CHECK(r.detail.find("power button flag not supported") != std::string::npos);
    r = life.stop("web1", {});
    REQUIRE_FALSE(r.error);
    CHECK_FALSE(r.changed);
    CHECK(r.detail == "already stopped");
    r = life.start("web1");
    CHECK(r.changed);
    CHECK(r.to_state == VmState::running);
    r = life.start("web1");
    CHECK_FALSE(r.changed);
    CHECK(to_json(r)["changed"] == false);
    CHECK(to_json(r)["error"].is_null());
}

TEST_CASE_METHOD(Fixture, "a verb reads the whole state once, under its lock, and polls the power state only", "[vm][libvirt]") {
    CountsReads counted(*backend);
    Lifecycle life(counted, opts);
    auto r = life.stop("web1", {false, Duration(5000), false});
    REQUIRE_FALSE(r.error);
    CHECK(r.to_state == VmState::stopped);
    CHECK(counted.states == 1);
    CHECK(counted.powers >= 1);
    counted.states = counted.powers = 0;
    r = life.start("web1");
    REQUIRE_FALSE(r.error);
    CHECK(r.to_state == VmState::running);
    CHECK(counted.states == 1);
    CHECK(counted.powers == 1);
    // wait takes no lock: a destroy elsewhere can change the record, so it reads it each time.
    counted.states = counted.powers = 0;
    r = life.wait("web1", VmState::running, Duration(100));
    REQUIRE_FALSE(r.error);
    CHECK(counted.states == 2);
    CHECK(counted.powers == 0);
}

TEST_CASE_METHOD(Fixture, "force stop powers off, reboot and reset need a running VM", "[vm][libvirt]") {
    Lifecycle life(*backend, opts);
    auto r = life.reboot("web1", false);
    REQUIRE_FALSE(r.error);
    CHECK(r.to_state == VmState::running);
    r = life.reboot("web1", true);
    CHECK(r.forced);
    CHECK(r.to_state == VmState::running);
    r = life.stop("web1", {true, Duration(1000), false});
    CHECK(r.forced);
    CHECK(backend->info("web1").reason == "powered off");
    r = life.reboot("web1", false);
    REQUIRE(r.error);
    CHECK(r.exit_code() == ExitCode::conflict);
}

TEST_CASE_METHOD(Fixture, "graceful stop: re-sent half-way, exit 8 at the deadline, escalation", "[vm][libvirt][stop]") {
    IgnoresPowerButton deaf(*backend);
    Lifecycle life(deaf, opts);
    auto r = life.stop("web1", {false, Duration(300), false});
    REQUIRE(r.error);
    CHECK(r.exit_code() == ExitCode::timeout);
    CHECK(deaf.requests == 2);
    CHECK(state("web1") == VmState::running);
    CHECK(std::string(r.error->what()).find("still Running") != std::string::npos);
    deaf.requests = 0;
    r = life.stop("web1", {false, Duration(300), true});
    REQUIRE_FALSE(r.error);
    CHECK(r.forced);
    CHECK(deaf.requests == 2);
    CHECK(r.to_state == VmState::stopped);
    CHECK(to_json(r)["forced"] == true);
}

TEST_CASE_METHOD(Fixture, "no-wait returns after the request and wait then reaches the state", "[vm][libvirt]") {
    IgnoresPowerButton deaf(*backend);
    Lifecycle nowait(deaf, {false, false, Duration(20)});
    auto r = nowait.stop("web1", {false, Duration(60000), false});
    REQUIRE_FALSE(r.error);
    CHECK(deaf.requests == 1);
    CHECK(r.to_state == VmState::running);
    Lifecycle life(*backend, opts);
    r = life.wait("web1", VmState::stopped, Duration(100));
    REQUIRE(r.error);
    CHECK(r.exit_code() == ExitCode::timeout);
    life.stop("web1", {true, Duration(0), false});
    r = life.wait("web1", VmState::stopped, Duration(100));
    CHECK_FALSE(r.error);
}

TEST_CASE_METHOD(Fixture, "dry runs report the same objects and change nothing", "[vm][libvirt]") {
    Lifecycle dry(*backend, {true, true, Duration(20)});
    auto r = dry.stop("web1", {});
    CHECK(r.changed);
    CHECK(r.dry_run);
    CHECK(r.to_state == VmState::stopped);
    CHECK(state("web1") == VmState::running);
    DestroyRequest req{false, true, true, {"vdb"}, false};
    r = dry.destroy("db1", req, {}, Duration(1000));
    REQUIRE_FALSE(r.error);
    CHECK(r.expunged);
    CHECK(r.extra["volumes_to_delete"].size() == 2);
    CHECK(state("db1") == VmState::stopped);
    CHECK(backend->volumes("db1").size() == 4);
}

TEST_CASE_METHOD(Fixture, "snapshots: rules, disk-only fallback, revert only when stopped", "[vm][libvirt][snapshot]") {
    Lifecycle life(*backend, opts);
    auto r = life.snapshot_create("web1", {"s1", "before <upgrade> & co", false, false});
    REQUIRE_FALSE(r.error);
    CHECK(r.detail == "disk-only snapshots not supported: took a full snapshot");
    CHECK(r.extra["snapshot"]["description"] == "before <upgrade> & co");
    CHECK(r.extra["snapshot"]["vm_state"] == "running");
    r = life.snapshot_create("web1", {"s1", "", false, false});
    CHECK(r.exit_code() == ExitCode::conflict);
    r = life.snapshot_create("web1", {"s2", "", false, true});
    CHECK(r.exit_code() == ExitCode::conflict);  // no guest agent
    r = life.snapshot_create("web1", {"s2", "", true, false});
    REQUIRE_FALSE(r.error);
    CHECK(r.detail.empty());
    const auto snaps = backend->snapshots("web1");
    REQUIRE(snaps.size() == 2);
    for (const auto& s : snaps) CHECK(s.parent == (s.name == "s2" ? "s1" : ""));
    r = life.snapshot_revert("web1", "s1", RevertEnd::as_recorded);
    CHECK(r.exit_code() == ExitCode::conflict);
    r = life.snapshot_revert("web1", "nope", RevertEnd::as_recorded);
    CHECK(r.exit_code() == ExitCode::not_found);
    life.stop("web1", {});
    r = life.snapshot_create("web1", {"off1", "", true, false});
    CHECK(r.exit_code() == ExitCode::conflict);  // memory needs Running
    r = life.snapshot_create("web1", {"off1", "", false, false});
    REQUIRE_FALSE(r.error);
    CHECK(r.extra["snapshot"]["vm_state"] == "shutoff");
    r = life.snapshot_revert("web1", "s1", RevertEnd::as_recorded);
    REQUIRE_FALSE(r.error);
    CHECK(r.to_state == VmState::running);
    life.stop("web1", {});
    r = life.snapshot_revert("web1", "s1", RevertEnd::stopped);
    REQUIRE_FALSE(r.error);
    CHECK(r.to_state == VmState::stopped);
    r = life.snapshot_revert("web1", "off1", RevertEnd::running);
    REQUIRE_FALSE(r.error);
    CHECK(r.to_state == VmState::running);  // the test driver quirk, started by the fallback
    CHECK_FALSE(r.detail.empty());
    r = life.snapshot_delete("web1", "s1", true);
    REQUIRE_FALSE(r.error);
    CHECK(r.extra["snapshots_deleted"].size() == 3);
    CHECK(backend->snapshots("web1").empty());
}

TEST_CASE_METHOD(Fixture, "destroy marks Destroyed with a record, start refused, recover", "[vm][libvirt][destroy]") {
    Lifecycle life(*backend, opts);
    life.snapshot_create("web1", {"s1", "", false, false});
    auto r = life.destroy("web1", {}, {false, Duration(5000), false}, Duration(86400000));
    REQUIRE_FALSE(r.error);
    CHECK(r.from_state == VmState::running);
    CHECK(r.to_state == VmState::destroyed);
    CHECK(r.extra["snapshots_deleted"] == 1);
    const auto info = backend->info("web1");
    REQUIRE(info.record);
    CHECK(info.record->expunge_at - info.record->destroyed_at == Duration(86400000));
    CHECK(info.snapshots == 0);
    CHECK(status_json(info)["state"] == "Destroyed");
    CHECK(life.start("web1").exit_code() == ExitCode::conflict);
    CHECK(life.snapshot_create("web1", {"s9", "", false, false}).exit_code() == ExitCode::conflict);
    r = life.destroy("web1", {}, {}, Duration(1000));
    CHECK_FALSE(r.changed);
    CHECK(life.stop("web1", {}).changed == false);
    r = life.recover("web1");
    REQUIRE_FALSE(r.error);
    CHECK(r.to_state == VmState::stopped);
    CHECK_FALSE(backend->info("web1").record);
    CHECK(life.recover("web1").exit_code() == ExitCode::conflict);
    CHECK(life.expunge("web1").exit_code() == ExitCode::conflict);
}

TEST_CASE_METHOD(Fixture, "expunge deletes root and chosen volumes, keeps and reports the rest", "[vm][libvirt][destroy]") {
    Lifecycle life(*backend, opts);
    DestroyRequest req{false, false, true, {"vdb"}, false};
    auto r = life.destroy("db1", req, {}, Duration(0));
    REQUIRE_FALSE(r.error);
    CHECK(due_for_expunge(*backend, now_ms()) == std::vector<std::string>{"db1"});
    r = life.expunge("db1");
    REQUIRE_FALSE(r.error);
    CHECK(r.expunged);
    CHECK(to_json(r)["to_state"] == "Expunged");
    CHECK(r.detail.find("nvram") != std::string::npos);  // undefine flag fallback on the test driver
    std::set<std::string> deleted, kept;
    for (const auto& v : r.extra["volumes_deleted"]) deleted.insert(v["target"].get<std::string>());
    for (const auto& v : r.extra["volumes_kept"]) kept.insert(v["target"].get<std::string>());
    CHECK(deleted == std::set<std::string>{"vda", "vdb"});
    CHECK(kept == std::set<std::string>{"vdc", "vdd"});
    try {
        backend->info("db1");
        FAIL("still defined");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::not_found);
    }
}

TEST_CASE_METHOD(Fixture, "destroy --expunge of a running VM with all volumes", "[vm][libvirt][destroy]") {
    Lifecycle life(*backend, opts);
    DestroyRequest req{true, true, true, {}, true};
    auto r = life.destroy("web1", req, {}, Duration(1000));
    REQUIRE_FALSE(r.error);
    CHECK(r.forced);
    CHECK(r.expunged);
    CHECK(r.extra["volumes_deleted"].size() == 1);
    CHECK(backend->names().size() == 4);
}

TEST_CASE_METHOD(Fixture, "selectors: names, globs, --all, --state", "[vm][libvirt][select]") {
    CHECK(select_vms(*backend, {{"batch-*"}, false, {}}, false) == std::vector<std::string>{"batch-1", "batch-2"});
    CHECK(select_vms(*backend, {{"web1", "ghost"}, false, {}}, false) == std::vector<std::string>{"web1", "ghost"});
    CHECK(select_vms(*backend, {{}, true, VmState::stopped}, false) == std::vector<std::string>{"db1"});
    CHECK(select_vms(*backend, {{}, true, {}}, false).size() == 5);
    try {
        select_vms(*backend, {{"zzz*"}, false, {}}, false);
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::not_found);
    }
    try {
        select_vms(*backend, {}, false);
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::usage);
    }
    Lifecycle life(*backend, opts);
    life.destroy("db1", {}, {}, Duration(1000));
    CHECK(select_vms(*backend, {{}, true, {}}, false).size() == 4);
    CHECK(select_vms(*backend, {{}, true, {}}, true).size() == 5);
    CHECK(select_vms(*backend, {{}, true, VmState::destroyed}, false) == std::vector<std::string>{"db1"});
}

TEST_CASE_METHOD(Fixture, "bulk: parallel results in order, most severe exit code", "[vm][libvirt][bulk]") {
    Lifecycle life(*backend, opts);
    const std::vector<std::string> names{"batch-1", "ghost", "batch-2", "db1"};
    auto results = for_each_vm(names, 3, [&](const std::string& v) { return life.stop(v, {}); });
    REQUIRE(results.size() == 4);
    CHECK(results[0].name == "batch-1");
    CHECK(results[0].changed);
    CHECK(results[1].exit_code() == ExitCode::not_found);
    CHECK(results[3].changed == false);
    CHECK(most_severe(results) == ExitCode::not_found);
    results.push_back(life.reboot("db1", false));
    CHECK(most_severe(results) == ExitCode::conflict);
    CHECK(most_severe({}) == ExitCode::ok);
}

TEST_CASE_METHOD(Fixture, "a held VM lock makes the operation busy", "[vm][libvirt][lock]") {
    auto held = acquire_lock(lock_name("web1"), "VM web1");
    Lifecycle life(*backend, opts);
    const auto r = life.stop("web1", {});
    REQUIRE(r.error);
    CHECK(r.exit_code() == ExitCode::busy);
    CHECK(state("web1") == VmState::running);
}

TEST_CASE("test:///default: the stock domain walks stop, snapshot, revert, destroy, recover", "[vm][libvirt]") {
    configure_audit({"vmctl", false, std::nullopt});
    auto b = open_libvirt("test:///default");
    Lifecycle life(*b, {false, true, Duration(20)});
    REQUIRE(life.stop("test", {}).to_state == VmState::stopped);
    REQUIRE_FALSE(life.snapshot_create("test", {"s1", "", false, false}).error);
    REQUIRE_FALSE(life.start("test").error);
    CHECK(life.snapshot_revert("test", "s1", RevertEnd::as_recorded).exit_code() == ExitCode::conflict);
    REQUIRE_FALSE(life.stop("test", {}).error);
    CHECK(life.snapshot_revert("test", "s1", RevertEnd::as_recorded).to_state == VmState::stopped);
    CHECK(life.destroy("test", {}, {}, Duration(1000)).to_state == VmState::destroyed);
    CHECK(life.recover("test").to_state == VmState::stopped);
}
