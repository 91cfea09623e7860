// How the Swarm engine reads the Engine API: Docker hosts, task states, our services among
// others, the newest task of a service, what an ended task means, and multiplexed logs.
// Shapes follow what a Docker 20.10 swarm answers (platform-notes §7).
#include <catch2/catch.hpp>

#include "opskit/core/error.hpp"
#include "opskit/cr/dispatch/swarm/swarm_engine.hpp"

using namespace opskit;
using namespace opskit::cr;
using namespace opskit::cr::swarm;

namespace {

const std::string uuid = "zzzzz-dz642-000000000000001";

Json service(const std::string& id, const std::string& label, const std::string& out_source = "/spool/x/work/mounts/0") {
    return Json{{"ID", id},
                {"Spec",
                 {{"Name", "crctl-" + label},
                  {"Labels", {{"opskit.crctl.container", label}, {"opskit.crctl.output_path", "/out"}}},
                  {"TaskTemplate",
                   {{"ContainerSpec",
                     {{"Image", "bb:1"},
                      {"Mounts", Json::array({{{"Type", "bind"}, {"Source", "/srv/in"}, {"Target", "/in"}},
                                              {{"Type", "bind"}, {"Source", out_source}, {"Target", "/out"}}})}}}}}}}};
}

Json task(const std::string& id, const std::string& service_id, int version, const std::string& state, const std::string& err = "",
          std::optional<int> exit_code = std::nullopt) {
    Json status{{"State", state}, {"Message", state == "pending" ? "pending task scheduling" : "started"}, {"Timestamp", "2026-12-07T15:27:03.1Z"}};
    if (!err.empty()) status["Err"] = err;
    if (exit_code) status["ContainerStatus"] = {{"ContainerID", "c"}, {"PID", 0}, {"ExitCode", *exit_code}};
    return Json{{"ID", id}, {"ServiceID", service_id}, {"NodeID", "node1"}, {"Version", {{"Index", version}}}, {"Status", status}};
}

}  // namespace

TEST_CASE("a Docker host is a unix socket or loopback TCP, anything else is refused by name", "[swarm][cr]") {
    auto u = parse_docker_host("unix:///run/x/docker.sock");
    CHECK(u.unix_socket == "/run/x/docker.sock");
    CHECK(u.base_url == "http://docker");
    auto t = parse_docker_host("tcp://127.0.0.1:2375/");
    CHECK(t.unix_socket.empty());
    CHECK(t.base_url == "http://127.0.0.1:2375");
    CHECK(parse_docker_host("tcp://[::1]:2375").base_url == "http://[::1]:2375");
    for (const char* bad : {"", "unix://", "unix://relative.sock", "tcp://host", "tcp://:2375", "tcp://h:p",
                            "tcp://u@h:1", "ssh://root@h", "npipe:////./pipe/docker", "/var/run/docker.sock"}) {
        INFO(bad);
        try {
            parse_docker_host(bad);
            FAIL("accepted");
        } catch (const Error& e) {
            CHECK(e.kind() == ErrorKind::usage);
            CHECK(std::string(e.what()).find("expected unix:///PATH") != std::string::npos);
        }
    }
}

TEST_CASE("swarm task states map to the loop's phases", "[swarm][cr]") {
    for (const char* s : {"new", "allocated", "pending", "assigned", "accepted", "preparing", "ready", "starting"})
        CHECK(task_phase(s) == JobPhase::pending);
    CHECK(task_phase("running") == JobPhase::running);
    for (const char* s : {"complete", "failed", "rejected", "shutdown", "orphaned", "remove"}) CHECK(task_phase(s) == JobPhase::ended);
    CHECK(task_phase("RUNNING") == JobPhase::unknown);
    CHECK(task_phase("") == JobPhase::unknown);
}

TEST_CASE("only services labelled with a container uuid are ours, with their output folder", "[swarm][cr]") {
    Json list = Json::array({service("s1", uuid), service("s2", "abc"), Json{{"ID", "s3"}}, Json("junk"),
                             Json{{"ID", "s4"}, {"Spec", {{"Labels", {{"opskit.crctl.container", 7}}}}}}});
    const auto ours = read_services(list);
    REQUIRE(ours.size() == 1);
    CHECK(ours[0].id == "s1");
    CHECK(ours[0].uuid == uuid);
    CHECK(ours[0].output_dir == "/spool/x/work/mounts/0");
    CHECK(read_services(Json::object()).empty());
    auto no_label = service("s5", uuid);
    no_label["Spec"]["Labels"].erase("opskit.crctl.output_path");
    const auto bare = read_services(Json::array({no_label}));
    REQUIRE(bare.size() == 1);
    CHECK(bare[0].output_dir.empty());
}

TEST_CASE("the newest task of a service wins, malformed tasks are skipped", "[swarm][cr]") {
    Json list = Json::array({task("t1", "s1", 10, "failed", "task: non-zero exit (1)", 1), task("t2", "s1", 30, "running"),
                             task("t3", "s1", 20, "shutdown"), task("u1", "s2", 5, "pending", "no suitable node (x)"),
                             Json{{"ID", "t9"}}, Json{{"ServiceID", "s1"}}, Json(3)});
    const auto latest = latest_tasks(list);
    REQUIRE(latest.size() == 2);
    CHECK(latest.at("s1").id == "t2");
    CHECK(latest.at("s1").state == "running");
    CHECK(latest.at("s2").err == "no suitable node (x)");
    CHECK(latest_tasks(Json("x")).empty());
}

TEST_CASE("a job shows the task state and, while it waits, the scheduler's reason", "[swarm][cr]") {
    Service svc{"s1", uuid, {}};
    const auto none = job_of(svc, nullptr);
    CHECK(none.uuid == uuid);
    CHECK(none.job_id == "s1");
    CHECK(none.state == "new");
    CHECK(none.phase == JobPhase::pending);
    auto latest = latest_tasks(Json::array({task("t1", "s1", 1, "pending", "no suitable node (scheduling constraints not satisfied on 1 node)")}));
    const auto waiting = job_of(svc, &latest.at("s1"));
    CHECK(waiting.phase == JobPhase::pending);
    CHECK(waiting.reason == "no suitable node (scheduling constraints not satisfied on 1 node)");
    latest = latest_tasks(Json::array({task("t1", "s1", 1, "pending")}));
    CHECK(job_of(svc, &latest.at("s1")).reason == "pending task scheduling");
    latest = latest_tasks(Json::array({task("t1", "s1", 1, "running")}));
    CHECK(job_of(svc, &latest.at("s1")).reason.empty());
}

TEST_CASE("an ended task is the container's exit code, or why it cannot be trusted", "[swarm][cr]") {
    auto end_of = [](const Json& t) { return task_end(latest_tasks(Json::array({t})).begin()->second); };
    auto complete = end_of(task("t", "s", 1, "complete", "", 0));
    CHECK(complete.exit_code == 0);
    CHECK_FALSE(complete.error);
    auto failed = end_of(task("t", "s", 1, "failed", "task: non-zero exit (3)", 3));
    CHECK(failed.exit_code == 3);
    CHECK_FALSE(failed.error);
    // Swarm's words alone are enough when ContainerStatus is missing.
    CHECK(end_of(task("t", "s", 1, "failed", "task: non-zero exit (137)")).exit_code == 137);
    // A runtime failure before the command ran is not the container's exit (127 is runc's).
    auto start = end_of(task("t", "s", 1, "failed", "starting container failed: exec: \"/bin/sh\": no such file", 127));
    CHECK_FALSE(start.exit_code);
    REQUIRE(start.error);
    CHECK(start.error->find("swarm task t failed: starting container failed") != std::string::npos);
    auto rejected = end_of(task("t", "s", 1, "rejected", "No such image: bb:2"));
    CHECK_FALSE(rejected.exit_code);
    REQUIRE(rejected.error);
    CHECK(*rejected.error == "swarm task t rejected: No such image: bb:2");
    auto shut = end_of(task("t", "s", 1, "shutdown"));
    REQUIRE(shut.error);
    CHECK(*shut.error == "swarm task t shutdown: started");
    CHECK(end_of(task("t", "s", 1, "failed", "task: non-zero exit (x)")).error);
}

TEST_CASE("multiplexed logs split into stdout and stderr, a TTY stream is all stdout", "[swarm][cr]") {
    auto frame = [](char stream, const std::string& payload) {
        std::string f{stream, 0, 0, 0};
        const auto n = payload.size();
        f += static_cast<char>((n >> 24) & 0xff);
        f += static_cast<char>((n >> 16) & 0xff);
        f += static_cast<char>((n >> 8) & 0xff);
        f += static_cast<char>(n & 0xff);
        return f + payload;
    };
    const auto logs = demux_logs(frame(2, "err\n") + frame(1, "hello\n") + frame(1, std::string(300, 'x')));
    CHECK(logs.err == "err\n");
    CHECK(logs.out == "hello\n" + std::string(300, 'x'));
    const auto cut = demux_logs(frame(1, "hello\n").substr(0, 11));
    CHECK(cut.out == "hel");
    CHECK(demux_logs("plain text\n").out == "plain text\n");
    CHECK(demux_logs("").out.empty());
}
