// Swarm conversion both ways: the exact ServiceSpec of a container, the request fields of a
// ServiceSpec, every rejection by field name, and the round trip spec → request → spec.
#include <catch2/catch.hpp>

#include "opskit/core/error.hpp"
#include "opskit/cr/dispatch/swarm/service_spec.hpp"

using namespace opskit;
using namespace opskit::cr;
using namespace opskit::cr::swarm;

namespace {

const std::string uuid = "zzzzz-dz642-000000000000001";

RunSpec sample() {
    RunSpec s;
    s.uuid = uuid;
    s.command = {"sh", "-c", "echo hi"};
    s.image = "bb:1";
    s.cwd = "/tmp";
    s.environment = {{"A", "1"}, {"B", "x=y"}};
    s.mounts = Json{{"/out", {{"kind", "host"}, {"path", "/spool/o"}, {"writable", true}}},
                    {"/scratch", {{"kind", "tmp"}, {"capacity", 1048576}}},
                    {"/data", {{"kind", "host"}, {"path", "/srv/data"}, {"writable", false}}}};
    s.output_path = "/out";
    s.vcpus = 2;
    s.ram = 268435456;
    s.partitions = {"gpu"};
    return s;
}

PreparedMounts bindings_of(const RunSpec& s) {
    PreparedMounts m;
    for (const auto& [target, mount] : s.mounts.items())
        m.bindings.push_back(Binding{mount.value("path", "/work/" + target), target, mount.value("writable", true),
                                     mount.value("kind", "")});
    std::sort(m.bindings.begin(), m.bindings.end(), [](auto& a, auto& b) { return a.target < b.target; });
    return m;
}

std::string rejection(const Json& spec) {
    try {
        (void)request_from_service_spec(spec, "t.json");
    } catch (const Error& e) {
        CHECK(e.exit_code() == ExitCode::usage);
        return e.what();
    }
    return "accepted";
}

Json minimal() { return Json::parse(R"({"TaskTemplate":{"ContainerSpec":{"Image":"bb:1","Args":["true"]}}})"); }

}  // namespace

TEST_CASE("a container becomes the canonical ServiceSpec", "[cr][swarm]") {
    const Json got = to_service_spec(sample(), bindings_of(sample()));
    const Json want = Json::parse(R"({
      "Name": "crctl-zzzzz-dz642-000000000000001",
      "Labels": {"opskit.crctl.container": "zzzzz-dz642-000000000000001", "opskit.crctl.output_path": "/out"},
      "Mode": {"ReplicatedJob": {"MaxConcurrent": 1, "TotalCompletions": 1}},
      "TaskTemplate": {
        "ContainerSpec": {"Image": "bb:1", "Args": ["sh", "-c", "echo hi"], "Dir": "/tmp",
          "Env": ["A=1", "B=x=y", "CRCTL_CONTAINER_UUID=zzzzz-dz642-000000000000001"],
          "Mounts": [{"Type": "bind", "Source": "/srv/data", "Target": "/data", "ReadOnly": true},
                     {"Type": "bind", "Source": "/spool/o", "Target": "/out"},
                     {"Type": "tmpfs", "Target": "/scratch", "TmpfsOptions": {"SizeBytes": 1048576}}]},
        "Resources": {"Limits": {"NanoCPUs": 2000000000, "MemoryBytes": 268435456},
                      "Reservations": {"NanoCPUs": 2000000000, "MemoryBytes": 268435456}},
        "RestartPolicy": {"Condition": "none"},
        "Placement": {"Constraints": ["node.labels.partition==gpu"]}}})");
    CHECK(got == want);

    SwarmOptions replicated;
    replicated.job_mode = false;
    replicated.constraint_template = "node.labels.rack==%P";
    const Json r = to_service_spec(sample(), bindings_of(sample()), replicated);
    CHECK(r["Mode"] == Json::parse(R"({"Replicated":{"Replicas":1}})"));
    CHECK(r["TaskTemplate"]["Placement"]["Constraints"][0] == "node.labels.rack==gpu");
}

TEST_CASE("what a service cannot express is refused by field", "[cr][swarm]") {
    auto s = sample();
    s.image = "host";
    s.cwd = "rel";
    s.partitions = {"a", "b"};
    s.environment = {{"1X", "v"}};
    try {
        (void)to_service_spec(s, bindings_of(s));
        FAIL("accepted");
    } catch (const Error& e) {
        const std::string m = e.what();
        CHECK(m.find("container_image: 'host'") != std::string::npos);
        CHECK(m.find("cwd: 'rel'") != std::string::npos);
        CHECK(m.find("scheduling_parameters.partitions") != std::string::npos);
        CHECK(m.find("environment: '1X'") != std::string::npos);
    }
}

TEST_CASE("image references need a tag or a digest", "[cr][swarm]") {
    const std::string digest(64, 'a');
    for (const auto* ok : {"bb:1", "reg:5000/x/bb:1", "bb@sha256:", "sha256:"}) {
        std::string image = ok;
        if (image.ends_with("sha256:")) image += digest;
        CHECK(is_pinned_image(image));
    }
    for (const auto* bad : {"bb", "reg:5000/bb", "bb:", "", "host", "/rootfs", "bb@sha256:12", "sha256:xyz", "a b:1"})
        CHECK_FALSE(is_pinned_image(bad));
}

TEST_CASE("a ServiceSpec becomes request fields", "[cr][swarm]") {
    const Json spec = Json::parse(R"({
      "Name": "job1",
      "Mode": {"Replicated": {"Replicas": 1}},
      "EndpointSpec": {"Mode": "vip"},
      "UpdateConfig": {"Parallelism": 1},
      "TaskTemplate": {"Runtime": "container", "ForceUpdate": 0,
        "ContainerSpec": {"Image": "bb:1", "Args": ["sh", "-c", "x"], "Env": ["A=1"], "Dir": "/w", "Isolation": "default",
          "Init": false, "DNSConfig": {}, "StopGracePeriod": 10000000000,
          "Mounts": [{"Type": "bind", "Source": "/srv", "Target": "/srv", "ReadOnly": true},
                     {"Type": "tmpfs", "Target": "/t", "TmpfsOptions": {"SizeBytes": 4096}}]},
        "Resources": {"Limits": {"NanoCPUs": 3000000000}, "Reservations": {"MemoryBytes": 1073741824}},
        "RestartPolicy": {"Condition": "on-failure", "MaxAttempts": 2},
        "Placement": {"Constraints": ["node.labels.partition==big"]}}})");
    const Json want = Json::parse(R"({
      "name": "job1", "container_image": "bb:1", "command": ["sh", "-c", "x"], "environment": {"A": "1"}, "cwd": "/w",
      "mounts": {"/srv": {"kind": "host", "path": "/srv", "writable": false}, "/t": {"kind": "tmp", "capacity": 4096},
                 "/out": {"kind": "tmp"}},
      "output_path": "/out",
      "runtime_constraints": {"vcpus": 3, "ram": 1073741824},
      "container_count_max": 3,
      "scheduling_parameters": {"partitions": ["big"]}})");
    CHECK(request_from_service_spec(spec) == want);

    // Restart none runs once; no Dir is the engine's "/"; a `docker service inspect` list is unwrapped.
    Json inspect = Json::array({Json{{"ID", "abc"}, {"Spec", minimal()}}});
    inspect[0]["Spec"]["TaskTemplate"]["RestartPolicy"] = Json{{"Condition", "none"}};
    const Json r = request_from_service_spec(parse_service_spec(inspect.dump(), "inspect"));
    CHECK(r["container_count_max"] == 1);
    CHECK(r["cwd"] == "/");
    CHECK(request_from_service_spec(parse_service_spec(
              "TaskTemplate:\n  ContainerSpec:\n    Image: bb:1\n    Args: [echo, hi]\n", "y.yaml"))["command"] ==
          Json::array({"echo", "hi"}));
}

TEST_CASE("every field a request cannot express is refused by name", "[cr][swarm]") {
    struct Case {
        const char* patch;  // JSON merge patch onto minimal()
        const char* field;
    };
    const Case cases[] = {
        {R"({"Mode":{"Replicated":{"Replicas":1},"Global":{}}})", "Mode: cannot specify both replicated mode and global mode"},
        {R"({"Mode":{"Global":{}}})", "Mode.Global:"},
        {R"({"Mode":{"GlobalJob":{}}})", "Mode.GlobalJob:"},
        {R"({"Mode":{"Replicated":{"Replicas":3}}})", "Mode.Replicated.Replicas:"},
        {R"({"Mode":{"ReplicatedJob":{"TotalCompletions":5}}})", "Mode.ReplicatedJob.TotalCompletions:"},
        {R"({"Mode":{"Replicated":{},"ReplicatedJob":{}}})", "Mode: cannot specify both replicated mode and replicated-job"},
        {R"({"TaskTemplate":{"RestartPolicy":{"Condition":"sometimes"}}})", "TaskTemplate.RestartPolicy.Condition:"},
        {R"({"TaskTemplate":{"RestartPolicy":{"Condition":"any","Delay":5}}})", "TaskTemplate.RestartPolicy.Delay:"},
        {R"({"TaskTemplate":{"RestartPolicy":{"Window":5}}})", "TaskTemplate.RestartPolicy.Window:"},
        {R"({"EndpointSpec":{"Mode":"anycast"}})", "EndpointSpec.Mode: invalid resolution mode"},
        {R"({"EndpointSpec":{"Ports":[{"TargetPort":80}]}})", "EndpointSpec.Ports:"},
        {R"({"Networks":[{"Target":"n"}]})", "Networks:"},
        {R"({"TaskTemplate":{"Networks":[{"Target":"n"}]}})", "TaskTemplate.Networks:"},
        {R"({"TaskTemplate":{"Runtime":"plugin"}})", "TaskTemplate.Runtime: plugin"},
        {R"({"TaskTemplate":{"Runtime":"attachment"}})", "TaskTemplate.Runtime: unsupported runtime"},
        {R"({"TaskTemplate":{"PluginSpec":{"Name":"p"}}})", "TaskTemplate.PluginSpec:"},
        {R"({"TaskTemplate":{"LogDriver":{"Name":"syslog"}}})", "TaskTemplate.LogDriver:"},
        {R"({"TaskTemplate":{"ContainerSpec":{"Secrets":[{"SecretName":"s"}]}}})", "TaskTemplate.ContainerSpec.Secrets:"},
        {R"({"TaskTemplate":{"ContainerSpec":{"Configs":[{"ConfigName":"c"}]}}})", "TaskTemplate.ContainerSpec.Configs:"},
        {R"({"TaskTemplate":{"ContainerSpec":{"Image":"busybox"}}})", "TaskTemplate.ContainerSpec.Image: 'busybox' has no tag"},
        {R"({"TaskTemplate":{"ContainerSpec":{"Command":["/init"]}}})", "TaskTemplate.ContainerSpec.Command:"},
        {R"({"TaskTemplate":{"ContainerSpec":{"Args":[]}}})", "TaskTemplate.ContainerSpec.Args:"},
        {R"({"TaskTemplate":{"ContainerSpec":{"User":"nobody"}}})", "TaskTemplate.ContainerSpec.User:"},
        {R"({"TaskTemplate":{"ContainerSpec":{"Hostname":"h"}}})", "TaskTemplate.ContainerSpec.Hostname:"},
        {R"({"TaskTemplate":{"ContainerSpec":{"Env":["NOVALUE"]}}})", "TaskTemplate.ContainerSpec.Env:"},
        {R"({"TaskTemplate":{"ContainerSpec":{"Dir":"rel"}}})", "TaskTemplate.ContainerSpec.Dir:"},
        {R"({"TaskTemplate":{"ContainerSpec":{"Mounts":[{"Type":"volume","Source":"v","Target":"/v"}]}}})",
         "TaskTemplate.ContainerSpec.Mounts[0].Type: 'volume'"},
        {R"({"TaskTemplate":{"ContainerSpec":{"Mounts":[{"Type":"bind","Source":"rel","Target":"/v"}]}}})",
         "TaskTemplate.ContainerSpec.Mounts[0].Source:"},
        {R"({"TaskTemplate":{"ContainerSpec":{"Mounts":[{"Type":"bind","Source":"/a","Target":"/v",
             "BindOptions":{"Propagation":"rshared"}}]}}})", "TaskTemplate.ContainerSpec.Mounts[0].BindOptions:"},
        {R"({"TaskTemplate":{"ContainerSpec":{"Mounts":[{"Type":"tmpfs","Target":"/t","TmpfsOptions":{"Mode":448}}]}}})",
         "TaskTemplate.ContainerSpec.Mounts[0].TmpfsOptions.Mode:"},
        {R"({"TaskTemplate":{"Resources":{"Limits":{"NanoCPUs":1500000000}}}})", "TaskTemplate.Resources.Limits.NanoCPUs:"},
        {R"({"TaskTemplate":{"Resources":{"Limits":{"Pids":10}}}})", "TaskTemplate.Resources.Limits.Pids:"},
        {R"({"TaskTemplate":{"Resources":{"Limits":{"MemoryBytes":1},"Reservations":{"MemoryBytes":2}}}})",
         "TaskTemplate.Resources.Reservations.MemoryBytes:"},
        {R"({"TaskTemplate":{"Resources":{"Reservations":{"GenericResources":[{"x":1}]}}}})",
         "TaskTemplate.Resources.Reservations.GenericResources:"},
        {R"({"TaskTemplate":{"Placement":{"Constraints":["node.role==manager"]}}})", "TaskTemplate.Placement.Constraints[0]:"},
        {R"({"TaskTemplate":{"Placement":{"Constraints":["node.labels.partition==a","node.labels.partition==b"]}}})",
         "TaskTemplate.Placement.Constraints: more than one"},
        {R"({"TaskTemplate":{"Placement":{"Preferences":[{"Spread":{}}]}}})", "TaskTemplate.Placement.Preferences:"},
        {R"({"Labels":{"team":"x"}})", "Labels.team:"},
        {R"({"Labels":{"opskit.crctl.output_path":"/nowhere"}})", "Labels.opskit.crctl.output_path:"},
        {R"({"Bogus":1})", "Bogus: has no place"},
        {R"({"TaskTemplate":null})", "TaskTemplate: required"},
    };
    for (const auto& c : cases) {
        Json spec = minimal();
        spec.merge_patch(Json::parse(c.patch));
        INFO(c.patch);
        const std::string why = rejection(spec);
        CHECK(why.find(c.field) != std::string::npos);
        CHECK(why.find("cannot convert service spec (t.json)") == 0);
    }
    CHECK(rejection(Json::array()) .find("invalid service spec") == 0);
}

TEST_CASE("round trip: spec -> request -> spec is the same spec", "[cr][swarm]") {
    for (const bool job : {true, false}) {
        SwarmOptions o;
        o.job_mode = job;
        const Json spec = to_service_spec(sample(), bindings_of(sample()), o);
        const Json req = request_from_service_spec(spec, "spec", o);
        // What commit keeps of a request's fields, as a container's run spec.
        Container c;
        c.uuid = uuid;
        c.command = req["command"];
        c.container_image = req["container_image"];
        c.cwd = req["cwd"];
        c.environment = req.value("environment", Json::object());
        c.mounts = req["mounts"];
        c.output_path = req["output_path"];
        c.runtime_constraints = req.value("runtime_constraints", Json::object());
        c.scheduling_parameters = req.value("scheduling_parameters", Json::object());
        const RunSpec back = run_spec_from(c, "/store");
        CHECK(to_service_spec(back, bindings_of(back), o) == spec);
    }
}
