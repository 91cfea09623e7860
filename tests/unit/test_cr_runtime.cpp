// Runtimes: the pure conversions from a container to a bwrap or podman/docker argv (exact
// argv, and one error listing everything the runtime cannot express), mount preparation,
// host resources from /proc text, and one real sandbox run when bwrap works here.
#include <catch2/catch.hpp>

#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <fstream>

#include "opskit/core/error.hpp"
#include "opskit/core/process.hpp"
#include "opskit/cr/collections/collection.hpp"
#include "opskit/cr/dispatch/local/host_resources.hpp"
#include "opskit/cr/runtime/runtime.hpp"

#include "temp_dir.hpp"

namespace fs = std::filesystem;
using namespace opskit;
using namespace opskit::cr;

namespace {

struct TempDir : opskit_test::TempDir {
    TempDir() : opskit_test::TempDir("crctl-rt") {}
};

RunSpec sample_spec() {
    RunSpec s;
    s.uuid = "zzzzz-dz642-000000000000001";
    s.command = {"sh", "-c", "echo hi > /out/x"};
    s.image = "sha256:abc";
    s.cwd = "/tmp";
    s.environment = {{"A", "1"}};
    s.mounts = Json{{"/out", {{"kind", "tmp"}}}};
    s.output_path = "/out";
    s.vcpus = 1.5;
    s.ram = 64ULL << 20;
    s.store_path = "/var/lib/crctl/crctl.db";
    return s;
}

PreparedMounts sample_mounts() {
    PreparedMounts m;
    m.bindings = {Binding{"/work/mounts/0", "/out", true, "tmp"}, Binding{"/srv/db", "/database", false, "host"}};
    std::sort(m.bindings.begin(), m.bindings.end(), [](const auto& a, const auto& b) { return a.target < b.target; });
    m.output_source = "/work/mounts/0";
    return m;
}

std::string error_of(const std::function<void()>& fn) {
    try {
        fn();
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("runtime names parse, and docker names the shim by full path", "[cr][runtime]") {
    CHECK(parse_runtime_kind("host") == RuntimeKind::host);
    CHECK(parse_runtime_kind("podman") == RuntimeKind::podman);
    CHECK(parse_runtime_kind("docker") == RuntimeKind::docker);
    CHECK_THROWS_AS(parse_runtime_kind("lxc"), Error);
    CHECK(default_runtime_program(RuntimeKind::docker) == "/usr/bin/docker");
}

TEST_CASE("engine argv: one exact conversion, never a shell string", "[cr][runtime]") {
    EngineOptions o{RuntimeKind::podman, "podman", {"--runtime", "runc"}};
    const auto argv = engine_argv(sample_spec(), sample_mounts(), o);
    const std::vector<std::string> want = {
        "podman", "run", "--rm", "--name", "crctl-zzzzz-dz642-000000000000001", "--runtime", "runc",
        "--cpus", "1.5", "--memory", "67108864b",
        "-v", "/srv/db:/database:ro", "-v", "/work/mounts/0:/out:rw",
        "-w", "/tmp", "-e", "A=1", "-e", "CRCTL_CONTAINER_UUID=zzzzz-dz642-000000000000001",
        "-e", "CRCTL_STORE=/var/lib/crctl/crctl.db", "sha256:abc", "sh", "-c", "echo hi > /out/x"};
    CHECK(argv == want);
}

TEST_CASE("engine argv rejects what the engine cannot express, all at once", "[cr][runtime]") {
    auto s = sample_spec();
    s.image = "host";
    s.cwd = "tmp";
    s.ram = 1024;
    s.environment = {{"BAD-NAME", "x"}};
    auto m = sample_mounts();
    m.bindings.push_back(Binding{"/srv/a:b", "/in", false, "host"});
    const auto msg = error_of([&] { engine_argv(s, m, EngineOptions{}); });
    CHECK(msg.find("container_image") != std::string::npos);
    CHECK(msg.find("cwd") != std::string::npos);
    CHECK(msg.find("6 MiB") != std::string::npos);
    CHECK(msg.find("BAD-NAME") != std::string::npos);
    CHECK(msg.find("/srv/a:b") != std::string::npos);
    CHECK(msg.find(s.uuid) != std::string::npos);
}

TEST_CASE("sandbox argv: tmpfs root, read-only host folders, mounts at targets", "[cr][runtime]") {
    RootLayout layout{"/", {"etc", "usr"}, {{"bin", "usr/bin"}}};
    auto s = sample_spec();
    s.image = "host";
    const auto argv = sandbox_argv(s, sample_mounts(), layout);
    const auto has = [&](std::vector<std::string> seq) {
        return std::search(argv.begin(), argv.end(), seq.begin(), seq.end()) != argv.end();
    };
    CHECK(argv.front() == "bwrap");
    CHECK(has({"--tmpfs", "/"}));
    CHECK(has({"--ro-bind", "/usr", "/usr"}));
    CHECK(has({"--symlink", "usr/bin", "/bin"}));
    CHECK(has({"--bind", "/work/mounts/0", "/out"}));
    CHECK(has({"--ro-bind", "/srv/db", "/database"}));
    CHECK(has({"--unshare-pid", "--die-with-parent"}));
    CHECK(has({"--setenv", "CRCTL_CONTAINER_UUID", s.uuid}));
    CHECK(has({"--chdir", "/tmp", "--", "sh", "-c", "echo hi > /out/x"}));

    s.image = "relative/root";
    s.command.clear();
    const auto msg = error_of([&] { sandbox_argv(s, sample_mounts(), layout); });
    CHECK(msg.find("container_image") != std::string::npos);
    CHECK(msg.find("command") != std::string::npos);
}

TEST_CASE("mounts are prepared on disk, bad ones are named", "[cr][runtime]") {
    TempDir work, data, host;
    CollectionStorage storage(data.path);
    auto s = sample_spec();
    s.mounts = Json{{"/out", {{"kind", "tmp"}}},
                    {"/cfg.json", {{"kind", "json"}, {"content", {{"k", 1}}}}},
                    {"/note", {{"kind", "text"}, {"content", "hello"}}},
                    {"/data", {{"kind", "host"}, {"path", host.path.string()}, {"writable", true}}}};
    const auto m = prepare_mounts(s, work.path, storage);
    REQUIRE(m.bindings.size() == 4);
    CHECK(m.bindings[0].target == "/cfg.json");
    CHECK(fs::is_directory(m.output_source));
    std::ifstream in(m.bindings[0].source);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK(text == R"({"k":1})");

    TempDir again;  // each run prepares its mounts in a fresh folder
    s.mounts = Json{{"/out", {{"kind", "keep"}}}};
    CHECK(error_of([&] { prepare_mounts(s, again.path / "1", storage); }).find("kind 'keep'") != std::string::npos);
    s.mounts = Json{{"/out", {{"kind", "tmp"}}}, {"/data", {{"kind", "host"}, {"path", "/no/such/folder"}}}};
    CHECK(error_of([&] { prepare_mounts(s, again.path / "2", storage); }).find("/no/such/folder") != std::string::npos);
    s.mounts = Json{{"/elsewhere", {{"kind", "tmp"}}}};
    CHECK(error_of([&] { prepare_mounts(s, again.path / "3", storage); }).find("mount target") != std::string::npos);
}

TEST_CASE("host memory comes from /proc/meminfo", "[cr][runtime]") {
    const auto r = parse_meminfo("MemTotal:       24000000 kB\nMemFree:  100 kB\nMemAvailable:   20000000 kB\n");
    CHECK(r.ram_total == 24000000ULL * 1024);
    CHECK(r.ram_available == 20000000ULL * 1024);
    const auto real = read_host_resources();
    CHECK(real.vcpus >= 1);
    CHECK(real.ram_total > 0);
}

TEST_CASE("the host sandbox really runs a command with a writable output mount", "[cr][runtime][bwrap]") {
    if (!find_program("bwrap")) {
        WARN("skipped: bwrap is not installed");
        return;
    }
    ProcessSpec probe;
    probe.argv = {"bwrap", "--ro-bind", "/", "/", "--unshare-pid", "true"};
    if (!run_process(probe).success()) {
        WARN("skipped: bwrap cannot create namespaces here");
        return;
    }
    TempDir work, data;
    CollectionStorage storage(data.path);
    auto s = sample_spec();
    s.image = "host";
    s.command = {"sh", "-c", "echo hi > /out/x; echo $CRCTL_CONTAINER_UUID; touch /usr/forbidden 2>/dev/null || echo ro"};
    const auto m = prepare_mounts(s, work.path, storage);
    ProcessSpec ps;
    ps.argv = sandbox_argv(s, m, scan_root("/"));
    const auto r = run_process(ps);
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out == s.uuid + "\nro\n");
    CHECK(fs::file_size(m.output_source / "x") == 3);
}
