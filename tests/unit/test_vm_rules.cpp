// The lifecycle table and the snapshot/destroy rules of opskit::vm, cell by cell, without
// any backend: what each operation does in each state, and which requests are refused.
#include <catch2/catch.hpp>

#include <map>
#include <string>

#include "opskit/core/error.hpp"
#include "opskit/vm/rules.hpp"

using namespace opskit;
using namespace opskit::vm;

namespace {

// Expected verdicts, written independently of rules.cpp: one letter per state in the order
// Running Stopped Starting Stopping Destroyed Expunging Error Unknown (P proceed, N no-op, C conflict).
const std::map<Operation, std::string> expected = {
    {Operation::start, "NPCCCCCC"},           {Operation::stop, "PNCPNNPC"},
    {Operation::reboot, "PCCCCCCC"},          {Operation::destroy, "PPCCNNPC"},
    {Operation::recover, "CCCCPCCC"},         {Operation::expunge, "CCCCPPCC"},
    {Operation::snapshot_create, "PPCCCCCC"}, {Operation::snapshot_list, "PPPPPPPP"},
    {Operation::snapshot_revert, "CPCCCCCC"}, {Operation::snapshot_delete, "PPCCCCCC"},
};

char letter(Verdict v) { return v == Verdict::proceed ? 'P' : v == Verdict::no_op ? 'N' : 'C'; }

VmInfo vm_in(PowerState p) {
    VmInfo v;
    v.name = "web1";
    v.power = p;
    return v;
}

ErrorKind kind_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.kind();
    }
    FAIL("expected an opskit::Error");
    return ErrorKind::internal;
}

}  // namespace

TEST_CASE("every cell of the lifecycle table", "[vm][rules]") {
    for (const auto& [op, row] : expected) {
        const auto& states = all_states();
        REQUIRE(states.size() == row.size());
        for (std::size_t i = 0; i < states.size(); ++i) {
            INFO(to_string(op) << " in " << to_string(states[i]));
            const auto d = decide(op, states[i]);
            CHECK(letter(d.verdict) == row[i]);
            if (d.verdict != Verdict::proceed) CHECK_FALSE(d.why.empty());
        }
    }
}

TEST_CASE("conflict reasons say what to do", "[vm][rules]") {
    CHECK(decide(Operation::snapshot_revert, VmState::running).why == "VM is Running; stop it before reverting");
    CHECK(decide(Operation::start, VmState::destroyed).why == "VM is Destroyed; recover it first");
    CHECK(decide(Operation::stop, VmState::stopped).why == "already stopped");
    CHECK(decide(Operation::start, VmState::running).why == "already running");
    CHECK(decide(Operation::reboot, VmState::stopped).why == "VM is Stopped; start it instead");
}

TEST_CASE("power states map to CloudStack states, the destroy record wins", "[vm][rules]") {
    CHECK(state_of(vm_in(PowerState::running)) == VmState::running);
    CHECK(state_of(vm_in(PowerState::paused)) == VmState::running);
    CHECK(state_detail(vm_in(PowerState::paused)) == "paused");
    CHECK(state_detail(vm_in(PowerState::running)).empty());
    CHECK(state_of(vm_in(PowerState::suspended)) == VmState::running);
    CHECK(state_of(vm_in(PowerState::stopped)) == VmState::stopped);
    CHECK(state_of(vm_in(PowerState::shutting_down)) == VmState::stopping);
    CHECK(state_of(vm_in(PowerState::crashed)) == VmState::error);
    CHECK(state_of(vm_in(PowerState::unknown)) == VmState::unknown);
    auto d = vm_in(PowerState::stopped);
    d.record = DestroyRecord{};
    CHECK(state_of(d) == VmState::destroyed);
    d.record->expunging = true;
    CHECK(state_of(d) == VmState::expunging);
}

TEST_CASE("check() throws conflict naming the operation and VM", "[vm][rules]") {
    try {
        check(Operation::recover, vm_in(PowerState::running));
        FAIL("no conflict");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::conflict);
        CHECK(std::string(e.what()) == "recover (web1): VM is Running, only a Destroyed VM can be recovered");
    }
    CHECK(check(Operation::stop, vm_in(PowerState::stopped)).verdict == Verdict::no_op);
}

TEST_CASE("state names parse case-insensitively and reject the rest", "[vm][rules]") {
    CHECK(parse_state("running") == VmState::running);
    CHECK(parse_state("DESTROYED") == VmState::destroyed);
    for (auto s : all_states()) CHECK(parse_state(to_string(s)) == s);
    CHECK(kind_of([] { parse_state("Paused"); }) == ErrorKind::usage);
}

TEST_CASE("snapshot create rules", "[vm][rules][snapshot]") {
    const std::vector<std::string> existing{"s1"};
    auto ok = [&](SnapshotRequest r, VmState s, bool agent = false) { check_snapshot_create(r, s, existing, agent, "web1"); };
    CHECK_NOTHROW(ok({"s2", "", false, false}, VmState::stopped));
    CHECK_NOTHROW(ok({"s2", "", true, false}, VmState::running));
    CHECK_NOTHROW(ok({"s2", "", false, true}, VmState::running, true));
    CHECK(kind_of([&] { ok({"", "", false, false}, VmState::running); }) == ErrorKind::usage);
    CHECK(kind_of([&] { ok({std::string(256, 'a'), "", false, false}, VmState::running); }) == ErrorKind::usage);
    CHECK_NOTHROW(ok({std::string(255, 'a'), std::string(255, 'd'), false, false}, VmState::running));
    CHECK(kind_of([&] { ok({"s2", std::string(256, 'd'), false, false}, VmState::running); }) == ErrorKind::usage);
    CHECK(kind_of([&] { ok({"a/b", "", false, false}, VmState::running); }) == ErrorKind::usage);
    CHECK(kind_of([&] { ok({"s1", "", false, false}, VmState::running); }) == ErrorKind::conflict);
    CHECK(kind_of([&] { ok({"s2", "", true, false}, VmState::stopped); }) == ErrorKind::conflict);
    CHECK(kind_of([&] { ok({"s2", "", false, true}, VmState::running, false); }) == ErrorKind::conflict);
    CHECK(kind_of([&] { ok({"s2", "", false, false}, VmState::destroyed); }) == ErrorKind::conflict);
}

TEST_CASE("destroy request rules", "[vm][rules][destroy]") {
    auto kind = [](DestroyRequest r) { return kind_of([&] { check_destroy_request(r, "db1"); }); };
    CHECK_NOTHROW(check_destroy_request({}, "db1"));
    CHECK(kind({false, true, false, {}, false}) == ErrorKind::usage);             // --expunge without --yes
    CHECK_NOTHROW(check_destroy_request({false, true, true, {}, false}, "db1"));
    CHECK(kind({false, false, false, {"vdb"}, false}) == ErrorKind::usage);       // volumes without --yes
    CHECK(kind({false, false, false, {}, true}) == ErrorKind::usage);
    CHECK(kind({false, false, true, {"vdb"}, true}) == ErrorKind::usage);         // both volume options
    CHECK(kind({false, false, true, {"vd b"}, false}) == ErrorKind::usage);       // malformed target
    CHECK_NOTHROW(check_destroy_request({false, false, true, {"vdb", "vdc"}, false}, "db1"));
}

TEST_CASE("volume plan: root and chosen managed volumes go, the rest stay with a reason", "[vm][rules][destroy]") {
    const std::vector<Volume> vols{{"vda", "/p/root", true, true},
                                   {"vdb", "/p/data", false, true},
                                   {"vdc", "/p/logs", false, true},
                                   {"vdd", "/srv/x", false, false}};
    auto plan = plan_volumes(vols, {"vdb", "vdd"}, false, "db1");
    REQUIRE(plan.deleted.size() == 2);
    CHECK(plan.deleted[0].target == "vda");
    CHECK(plan.deleted[1].target == "vdb");
    REQUIRE(plan.kept.size() == 2);
    CHECK(plan.kept[0].first.target == "vdc");
    CHECK(plan.kept[0].second == "data volume not chosen for deletion");
    CHECK(plan.kept[1].first.target == "vdd");
    CHECK(plan.kept[1].second.find("not managed") != std::string::npos);
    auto all = plan_volumes(vols, {}, true, "db1");
    CHECK(all.deleted.size() == 3);
    CHECK(all.kept.size() == 1);
    auto none = plan_volumes(vols, {}, false, "db1");
    CHECK(none.deleted.size() == 1);
    CHECK(kind_of([&] { plan_volumes(vols, {"vdz"}, false, "db1"); }) == ErrorKind::usage);
}
