// The pure half of vmctl's fleet: host names from URIs, credentials redacted, host sources
// and their precedence, `HOST:VM` selector words (odd colons, empty parts, globs), the
// spreading of a selection over scanned hosts (ambiguous bare names, unknown hosts,
// unreachable hosts), the exit-code order of a bulk run, and vmctl.hosts merging in config.
#include <catch2/catch.hpp>

#include <fstream>

#include "opskit/core/config.hpp"
#include "opskit/core/error.hpp"
#include "opskit/vm/fleet.hpp"
#include "temp_dir.hpp"

using namespace opskit;
using namespace opskit::vm;

namespace {

VmInfo mkvm(const std::string& name, PowerState p = PowerState::running) {
    VmInfo v;
    v.name = name;
    v.power = p;
    return v;
}

HostScan host(const std::string& name, std::vector<VmInfo> vms) {
    HostScan s;
    s.host = Host{name, "test:///default", "test"};
    s.vms = std::move(vms);
    return s;
}

HostScan down(const std::string& name) {
    HostScan s;
    s.host = Host{name, "test+unix:///default?socket=/none", "test"};
    s.error = Error(ErrorKind::unavailable, "cannot connect to libvirt", "x", "no socket");
    return s;
}

Selector sel(std::vector<std::string> words) {
    Selector s;
    s.patterns = std::move(words);
    return s;
}

ErrorKind kind_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.kind();
    }
    return ErrorKind::internal;
}

}  // namespace

TEST_CASE("host names come from the URI's server part", "[vm][fleet]") {
    CHECK(host_name_for("qemu+ssh://root@kvm07/system") == "kvm07");
    CHECK(host_name_for("qemu+tls://kvm08.example.org:16514/system") == "kvm08.example.org");
    CHECK(host_name_for("qemu:///system") == "local");
    // fuzz_vm_selector: a stray '[' inside a bracketed host made a name check_host_name refused.
    CHECK(host_name_for("qemu://[f[fe80::1]:16509/system") == "f-fe80--1");
    CHECK(host_name_for("qemu://[fe80::1]:16509/system") == "fe80--1");
    CHECK_NOTHROW(check_host_name(host_name_for("qemu://[a b]/"), "test"));
    CHECK(host_name_for("test+unix:///default?socket=/tmp/x") == "local");
    CHECK(host_name_for("qemu+ssh://[fe80::1]/system") == "fe80--1");
    CHECK(host_name_for("garbage") == "local");
}

TEST_CASE("passwords in URIs are redacted", "[vm][fleet]") {
    CHECK(redact_uri("qemu+ssh://root:s3cret@kvm07/system") == "qemu+ssh://root:***@kvm07/system");
    CHECK(redact_uri("qemu+ssh://root@kvm07/system") == "qemu+ssh://root@kvm07/system");
    CHECK(redact_uri("test:///default") == "test:///default");
}

TEST_CASE("host sources: -c wins, names from NAME=URI, --host filters, errors before connecting", "[vm][fleet]") {
    HostSources src;
    src.hosts = {{"kvm2", "qemu+ssh://kvm2/system"}, {"kvm1", "qemu+ssh://kvm1/system"}};
    src.host_origins = {{"kvm1", "file a:3"}, {"kvm2", "file b:4"}};
    auto spec = resolve_hosts(src);
    REQUIRE(spec.fleet);
    REQUIRE(spec.hosts.size() == 2);
    CHECK(spec.hosts[0].name == "kvm1");
    CHECK(spec.hosts[0].origin == "file a:3");

    src.connect = {"a=test:///default", "qemu+ssh://kvm9/system"};
    src.connect_origin = "flag --connect";
    src.connect_overrides = true;
    spec = resolve_hosts(src);
    REQUIRE(spec.hosts.size() == 2);
    CHECK(spec.hosts[0].name == "a");
    CHECK(spec.hosts[1].name == "kvm9");
    CHECK(spec.hosts[1].origin == "flag --connect");

    src.connect = {"qemu:///system"};
    spec = resolve_hosts(src);
    CHECK_FALSE(spec.fleet);   // one -c: the classic single host
    src.connect_overrides = false;
    spec = resolve_hosts(src);
    CHECK(spec.hosts.size() == 2);  // vmctl.connect from a lower layer than hosts: hosts win

    src.connect = {"qemu:///system", "test:///default"};
    src.connect_overrides = true;
    CHECK(kind_of([&] { resolve_hosts(src); }) == ErrorKind::usage);   // both "local"

    src.connect.clear();
    src.only = {"kvm2"};
    spec = resolve_hosts(src);
    REQUIRE(spec.hosts.size() == 1);
    CHECK(spec.hosts[0].name == "kvm2");
    src.only = {"kvm3"};
    CHECK(kind_of([&] { resolve_hosts(src); }) == ErrorKind::usage);

    HostSources bad;
    bad.hosts = {{"kvm:1", "x"}};
    CHECK(kind_of([&] { resolve_hosts(bad); }) == ErrorKind::usage);
    HostSources none;
    spec = resolve_hosts(none);
    REQUIRE(spec.hosts.size() == 1);
    CHECK(spec.hosts[0].uri.empty());
}

TEST_CASE("selector words: host part before the first colon, empty parts refused", "[vm][fleet]") {
    auto p = parse_host_pattern("kvm1:web1");
    CHECK(*p.host == "kvm1");
    CHECK(p.vm == "web1");
    p = parse_host_pattern("web1");
    CHECK_FALSE(p.host);
    p = parse_host_pattern("*:web*");
    CHECK(*p.host == "*");
    CHECK(p.vm == "web*");
    p = parse_host_pattern("kvm1:a:b");
    CHECK(*p.host == "kvm1");
    CHECK(p.vm == "a:b");
    CHECK(kind_of([] { parse_host_pattern(":web1"); }) == ErrorKind::usage);
    CHECK(kind_of([] { parse_host_pattern("kvm1:"); }) == ErrorKind::usage);
    CHECK(kind_of([] { parse_host_pattern(":"); }) == ErrorKind::usage);
    CHECK(kind_of([] { parse_host_pattern(""); }) == ErrorKind::usage);
}

TEST_CASE("a selection spread over hosts", "[vm][fleet]") {
    std::vector<HostScan> scan = {host("a", {mkvm("web1"), mkvm("web2"), mkvm("db1")}),
                                  host("b", {mkvm("web1"), mkvm("app1", PowerState::stopped)}),
                                  host("c", {mkvm("web3")})};
    auto plan = plan_selection(scan, sel({"*:web*"}), false);
    CHECK(plan.names[0] == std::vector<std::string>{"web1", "web2"});
    CHECK(plan.names[1] == std::vector<std::string>{"web1"});
    CHECK(plan.names[2] == std::vector<std::string>{"web3"});
    CHECK(plan.settled.empty());

    plan = plan_selection(scan, sel({"b:*"}), false);
    CHECK(plan.names[0].empty());
    CHECK(plan.names[1] == std::vector<std::string>{"app1", "web1"});

    plan = plan_selection(scan, sel({"db1", "a:ghost"}), false);
    CHECK(plan.names[0] == std::vector<std::string>{"db1", "ghost"});   // a qualified name is kept

    // a bare name on two hosts is a usage error naming both
    try {
        plan_selection(scan, sel({"web1"}), false);
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::usage);
        CHECK(std::string(e.what()).find("a, b") != std::string::npos);
    }
    CHECK(kind_of([&] { plan_selection(scan, sel({"zz:web1"}), false); }) == ErrorKind::usage);
    CHECK(kind_of([&] { plan_selection(scan, sel({"q*:web1"}), false); }) == ErrorKind::usage);
    CHECK(kind_of([&] { plan_selection(scan, sel({"nope*"}), false); }) == ErrorKind::not_found);
    CHECK(kind_of([&] { check_selector_hosts({Host{"a", "", ""}}, sel({"b:x"})); }) == ErrorKind::usage);

    plan = plan_selection(scan, sel({"nosuch"}), false);
    REQUIRE(plan.settled.size() == 1);
    CHECK(plan.settled[0].error->kind() == ErrorKind::not_found);

    Selector st = sel({});
    st.all = true;
    st.state = VmState::stopped;
    plan = plan_selection(scan, st, false);
    CHECK(plan.names[1] == std::vector<std::string>{"app1"});
    CHECK(plan.names[0].empty());
}

TEST_CASE("an unreachable host settles its own part of the selection with its error", "[vm][fleet]") {
    std::vector<HostScan> scan = {host("a", {mkvm("web1")}), down("b")};
    auto plan = plan_selection(scan, sel({"*:web*"}), false);
    CHECK(plan.names[0] == std::vector<std::string>{"web1"});
    REQUIRE(plan.settled.size() == 1);
    CHECK(plan.settled[0].host == "b");
    CHECK(plan.settled[0].exit_code() == ExitCode::unavailable);
    // a bare name not on the reachable host may be on the down one: unavailable, not "not found"
    plan = plan_selection(scan, sel({"web9"}), false);
    REQUIRE(plan.settled.size() == 1);
    CHECK(plan.settled[0].exit_code() == ExitCode::unavailable);
    // a glob matching nothing reachable is not an error while a host is down
    plan = plan_selection(scan, sel({"zz*"}), false);
    CHECK(plan.settled.size() == 1);
    Selector all;
    all.all = true;
    plan = plan_selection(scan, all, false);
    REQUIRE(plan.settled.size() == 1);
    CHECK(plan.settled[0].name == "*");
}

TEST_CASE("one host: bare names go to it even when absent", "[vm][fleet]") {
    std::vector<HostScan> scan = {host("local", {mkvm("web1")})};
    auto plan = plan_selection(scan, sel({"ghost", "web1"}), false);
    CHECK(plan.names[0] == std::vector<std::string>{"ghost", "web1"});
    CHECK(plan.settled.empty());
}

TEST_CASE("exit-code order of a bulk run", "[vm][fleet]") {
    using E = ExitCode;
    CHECK(exit_code_order() == std::vector<E>{E::internal, E::unavailable, E::failed, E::timeout, E::busy,
                                              E::conflict, E::not_found, E::usage, E::warning, E::ok});
    CHECK(worst_exit_code({}) == E::ok);
    CHECK(worst_exit_code({E::ok, E::not_found, E::conflict}) == E::conflict);
    CHECK(worst_exit_code({E::timeout, E::failed}) == E::failed);
    CHECK(worst_exit_code({E::timeout, E::unavailable, E::busy}) == E::unavailable);
    CHECK(worst_exit_code({E::warning, E::usage}) == E::usage);
    CHECK(worst_exit_code({E::internal, E::unavailable}) == E::internal);
    std::vector<OpResult> rs(2);
    rs[1].error = Error(ErrorKind::busy, "x");
    CHECK(most_severe(rs) == E::busy);
}

TEST_CASE("vmctl.hosts merges per host across files, env replaces, origins per host", "[vm][fleet][config]") {
    opskit_test::TempDir dir{"opskit-fleet-cfg"};
    const auto sys = dir.path / "system.yaml";
    const auto user = dir.path / "user.yaml";
    std::ofstream(sys) << "vmctl:\n  hosts:\n    kvm1: qemu+ssh://kvm1/system\n    kvm2: qemu+ssh://old/system\n";
    std::ofstream(user) << "vmctl:\n  hosts:\n    kvm2: qemu+ssh://kvm2/system\n";
    ConfigSources src;
    src.tool = "vmctl";
    src.system_file = sys;
    src.user_file = user;
    src.getenv = [](const char*) -> const char* { return nullptr; };
    auto cfg = load_config(src);
    const auto hosts = cfg.get_map("vmctl.hosts");
    REQUIRE(hosts.size() == 2);
    CHECK(hosts.at("kvm2") == "qemu+ssh://kvm2/system");
    const auto& v = cfg.at("vmctl.hosts");
    CHECK(v.entry_origins.at("kvm1").find("system.yaml:3") != std::string::npos);
    CHECK(v.entry_origins.at("kvm2").find("user.yaml:3") != std::string::npos);
    CHECK(cfg.to_json(true)["vmctl"]["hosts"]["entries"]["kvm1"].is_string());

    src.getenv = [](const char* n) -> const char* {
        return std::string(n) == "VMCTL_HOSTS" ? "x=test:///default, y=test+unix:///default?socket=/s" : nullptr;
    };
    cfg = load_config(src);
    const auto env_hosts = cfg.get_map("vmctl.hosts");
    REQUIRE(env_hosts.size() == 2);
    CHECK(env_hosts.at("y") == "test+unix:///default?socket=/s");
    CHECK(cfg.at("vmctl.hosts").entry_origins.at("x") == "env VMCTL_HOSTS");

    std::ofstream(user) << "vmctl:\n  hosts: [a, b]\n";
    src.getenv = [](const char*) -> const char* { return nullptr; };
    CHECK(kind_of([&] { load_config(src); }) == ErrorKind::usage);
}

TEST_CASE("pool sizes: one host, a fleet with and without --parallel", "[vm][fleet]") {
    auto o = FleetRunOptions::pool(std::nullopt, std::nullopt, 1, false);
    CHECK(o.parallel == 1);
    CHECK_FALSE(o.scope_locks);
    o = FleetRunOptions::pool(8, 2, 1, false);
    CHECK(o.parallel == 8);
    o = FleetRunOptions::pool(std::nullopt, std::nullopt, 3, true);
    CHECK(o.parallel == 3);   // one per host, every host at once
    CHECK(o.per_host == 1);
    CHECK(o.scope_locks);
    o = FleetRunOptions::pool(std::nullopt, 4, 3, true);
    CHECK(o.parallel == 12);
    CHECK(o.per_host == 4);
    o = FleetRunOptions::pool(5, std::nullopt, 3, true);
    CHECK(o.parallel == 5);
    CHECK(o.per_host == 0);
    o = FleetRunOptions::pool(std::nullopt, std::nullopt, 0, true);
    CHECK(o.parallel >= 1);
}

TEST_CASE("planned VMs host by host, sorted by name for list", "[vm][fleet]") {
    const std::vector<HostScan> scan = {host("a", {mkvm("web2"), mkvm("web1")}), host("b", {mkvm("db1")})};
    const auto plan = plan_selection(scan, sel({"b:*", "a:web2", "a:web1", "a:gone"}), false);
    auto vms = planned_vms(scan, plan, true);
    REQUIRE(vms.size() == 4);
    CHECK(vms[0].name == "gone");
    CHECK(vms[0].info == nullptr);
    CHECK(vms[1].name == "web1");
    CHECK(vms[3].host == 1);
    vms = planned_vms(scan, plan, false);
    CHECK(vms[0].name == "web2");
}

TEST_CASE("one VM located for snapshot and wait", "[vm][fleet]") {
    const std::vector<HostScan> scan = {host("a", {mkvm("web1"), mkvm("db1")}), host("b", {mkvm("web1")}), down("c")};
    CHECK(locate_vm(scan, "db1").host == 0);
    CHECK(locate_vm(scan, "b:web1").host == 1);
    CHECK(locate_vm(scan, "a:nothere").info == nullptr);   // qualified: its operation says not found
    CHECK(kind_of([&] { locate_vm(scan, "web1"); }) == ErrorKind::usage);
    try {
        locate_vm(scan, "web1");
    } catch (const Error& e) {
        CHECK(std::string(e.what()).find("a, b") != std::string::npos);
    }
    CHECK(kind_of([&] { locate_vm(scan, "web*"); }) == ErrorKind::usage);
    CHECK(kind_of([&] { locate_vm(scan, "zz:web1"); }) == ErrorKind::usage);
    CHECK(kind_of([&] { locate_vm(scan, "c:web1"); }) == ErrorKind::unavailable);
    CHECK(kind_of([&] { locate_vm(scan, "nothere"); }) == ErrorKind::unavailable);   // c might have it
    const std::vector<HostScan> up = {host("a", {}), host("b", {})};
    CHECK(kind_of([&] { locate_vm(up, "nothere"); }) == ErrorKind::not_found);
    CHECK(kind_of([&] { locate_vm(up, "*:web1"); }) == ErrorKind::usage);    // a glob host part that matches two
    const std::vector<HostScan> one = {host("only", {})};
    CHECK(locate_vm(one, "nothere").host == 0);   // one host: its operation says not found
}
