// `crctl container export` in the library: mounts planned without writing anything, then
// each engine's view of a container made in a temp store — the swarm ServiceSpec, the
// podman argv, the sbatch argv, script and batch file — and the refusals by field name.
#include <algorithm>

#include "opskit/core/fs.hpp"
#include "opskit/core/shell_quote.hpp"
#include "opskit/cr/collections/collection.hpp"
#include "opskit/cr/dispatch/export.hpp"
#include "opskit/cr/dispatch/slurm.hpp"
#include "test_cr_fixture.hpp"

using namespace crtest;

namespace {

/// Every mount kind: output on a tmp folder, json and text files, a stored collection read
/// only and as a private writable copy, and a host folder.
struct Mounts {
    opskit_test::TempDir host{"crctl-export-host"};
    opskit_test::TempDir data{"crctl-export-data"};
    CollectionStorage storage{data.path};
    std::string pdh = storage.store_files({{"in.txt", "input\n"}}).pdh;

    RunSpec spec() const {
        RunSpec s;
        s.uuid = "zzzzz-dz642-000000000000007";
        s.command = {"true"};
        s.image = "bb:1";
        s.cwd = "/tmp";
        s.output_path = "/out";
        s.mounts = Json{{"/out", {{"kind", "tmp"}}},
                        {"/cfg.json", {{"kind", "json"}, {"content", {{"k", 1}}}}},
                        {"/note", {{"kind", "text"}, {"content", "hello"}}},
                        {"/in", {{"kind", "collection"}, {"portable_data_hash", pdh}}},
                        {"/scratch", {{"kind", "collection"}, {"portable_data_hash", pdh}, {"writable", true}}},
                        {"/host", {{"kind", "host"}, {"path", host.path.string()}}}};
        return s;
    }
};

const Binding& binding(const PreparedMounts& m, const std::string& target) {
    const auto it = std::find_if(m.bindings.begin(), m.bindings.end(), [&](const Binding& b) { return b.target == target; });
    REQUIRE(it != m.bindings.end());
    return *it;
}

/// A committed container in the fixture's store with `attrs` over the minimal request.
Container committed(Fixture& fx, Json attrs) {
    attrs["state"] = "Committed";
    attrs["priority"] = 1;
    return fx.ctr_of(fx.create(attrs));
}

ExportOptions options_for(Fixture& fx) {
    ExportOptions o;
    o.data_dir = fx.store.data_dir();
    o.store_path = fx.store.path();
    o.spool = fx.dir / "spool";
    o.podman.program = "podman";
    o.podman.extra_args = {"--runtime", "runc"};
    o.slurm.sbatch_args = {"--mem=%M", "--partition=%P", "--comment=a b#c"};
    o.slurm.crctl_program = "/usr/bin/crctl";
    return o;
}

/// Neither engine's work folder nor the spool exists: export wrote nothing.
void check_nothing_written(Fixture& fx) {
    CHECK_FALSE(fs::exists(fx.dir / "spool"));
    CHECK_FALSE(fs::exists(fx.store.data_dir() / "work"));
}

}  // namespace

TEST_CASE("plan_mounts writes nothing, and prepare_mounts makes what it planned", "[cr][export]") {
    Mounts m;
    opskit_test::TempDir tmp;
    const fs::path work = tmp.path / "work";
    const auto plan = plan_mounts(m.spec(), work, m.storage);
    CHECK_FALSE(fs::exists(work));

    const auto& planned = plan.mounts;
    REQUIRE(planned.bindings.size() == 6);
    CHECK(std::is_sorted(planned.bindings.begin(), planned.bindings.end(),
                         [](const Binding& a, const Binding& b) { return a.target < b.target; }));
    CHECK(binding(planned, "/in").source == m.storage.content_dir(m.pdh));
    CHECK_FALSE(binding(planned, "/in").writable);
    CHECK(binding(planned, "/host").source == m.host.path);
    CHECK(binding(planned, "/scratch").source.parent_path() == work / "mounts");
    CHECK(binding(planned, "/scratch").writable);
    CHECK(planned.output_source == binding(planned, "/out").source);
    CHECK(planned.output_source.parent_path() == work / "mounts");
    CHECK(plan.slots.size() == 4);  // out, cfg.json, note, scratch: not the stored collection or the host folder

    const auto made = prepare_mounts(m.spec(), work, m.storage);
    REQUIRE(made.bindings.size() == planned.bindings.size());
    for (std::size_t i = 0; i < made.bindings.size(); ++i) {
        CHECK(made.bindings[i].target == planned.bindings[i].target);
        CHECK(made.bindings[i].source == planned.bindings[i].source);
        CHECK(made.bindings[i].writable == planned.bindings[i].writable);
    }
    CHECK(fs::is_directory(made.output_source));
    CHECK(read_file(binding(made, "/cfg.json").source) == R"({"k":1})");
    CHECK(read_file(binding(made, "/note").source) == "hello");
    CHECK(read_file(binding(made, "/scratch").source / "in.txt") == "input\n");
}

TEST_CASE("plan_mounts refuses before writing: output_path, missing collection", "[cr][export]") {
    Mounts m;
    opskit_test::TempDir tmp;
    const fs::path work = tmp.path / "work";
    auto s = m.spec();
    s.output_path = "/elsewhere";
    CHECK(error_kind_of([&] { plan_mounts(s, work, m.storage); }) == ErrorKind::usage);
    CHECK(error_kind_of([&] { prepare_mounts(s, work, m.storage); }) == ErrorKind::usage);
    s = m.spec();
    s.mounts["/in"]["portable_data_hash"] = "00000000000000000000000000000000+0";
    CHECK(error_kind_of([&] { prepare_mounts(s, work, m.storage); }) == ErrorKind::not_found);
    CHECK_FALSE(fs::exists(work));
}

TEST_CASE("export formats: names and the refusal of an unknown one", "[cr][export]") {
    CHECK(export_format_names() == std::vector<std::string>{"swarm", "podman", "sbatch"});
    for (const auto& name : export_format_names()) CHECK_NOTHROW(parse_export_format(name));
    const auto why = error_text_of([] { parse_export_format("helm"); });
    CHECK(why.find("(helm)") != std::string::npos);
    CHECK(why.find("swarm, podman or sbatch") != std::string::npos);
}

TEST_CASE("export --format swarm: the ServiceSpec with mounts in the spool's work folder", "[cr][export]") {
    Fixture fx;
    const auto c = committed(fx, {{"container_image", "bb:1"}, {"scheduling_parameters", {{"partitions", {"gpu"}}}}});
    auto options = options_for(fx);
    options.swarm.constraint_template = "node.labels.rack==%P";
    const auto view = export_container(c, ExportFormat::swarm, options);
    CHECK(view.document["Name"] == "crctl-" + c.uuid);
    CHECK(view.document["TaskTemplate"]["ContainerSpec"]["Image"] == "bb:1");
    CHECK(view.document["TaskTemplate"]["Placement"]["Constraints"] == Json{"node.labels.rack==gpu"});
    const Json out_mount = view.document["TaskTemplate"]["ContainerSpec"]["Mounts"][0];
    CHECK(out_mount["Target"] == "/out");
    CHECK(out_mount["Source"] == (fx.dir / "spool" / c.uuid / "work" / "mounts" / "0").string());
    CHECK(view.text == view.document.dump(2));
    check_nothing_written(fx);

    const auto host = committed(fx, {{"container_image", "host"}, {"command", {"echo", "host"}}});
    const auto why = error_text_of([&] { export_container(host, ExportFormat::swarm, options); });
    CHECK(why.find("container_image") != std::string::npos);

    options.spool.clear();
    CHECK(error_text_of([&] { export_container(c, ExportFormat::swarm, options); }).find("crctl.spool") != std::string::npos);
    CHECK(error_kind_of([&] { export_container(c, ExportFormat::sbatch, options); }) == ErrorKind::usage);
    check_nothing_written(fx);
}

TEST_CASE("export --format podman: the local engine's argv, mounts under data/work/UUID", "[cr][export]") {
    Fixture fx;
    const auto c = committed(fx, {{"container_image", "bb:1"},
                                  {"command", {"sh", "-c", "echo it's"}},
                                  {"runtime_constraints", {{"vcpus", 1}, {"ram", 268435456}}}});
    const auto view = export_container(c, ExportFormat::podman, options_for(fx));
    const auto argv = view.document["argv"].get<std::vector<std::string>>();
    REQUIRE(argv.size() > 5);
    CHECK(std::vector<std::string>(argv.begin(), argv.begin() + 6) ==
          std::vector<std::string>{"podman", "run", "--rm", "--name", "crctl-" + c.uuid, "--runtime"});
    const auto volume = (fs::absolute(fx.store.data_dir()) / "work" / c.uuid / "mounts" / "0").string() + ":/out:rw";
    CHECK(std::find(argv.begin(), argv.end(), volume) != argv.end());
    CHECK(argv.back() == "echo it's");
    CHECK(view.text == shell_join(argv));
    CHECK(view.text.ends_with("sh -c 'echo it'\\''s'"));
    check_nothing_written(fx);  // the planned work folder is named, not made

    const auto host = committed(fx, {{"container_image", "host"}, {"command", {"echo", "host"}}});
    CHECK(error_text_of([&] { export_container(host, ExportFormat::podman, options_for(fx)); }).find("container_image") !=
          std::string::npos);
}

TEST_CASE("export --format sbatch: the engine's argv and script, and a batch file sbatch reads back", "[cr][export][slurm]") {
    Fixture fx;
    const auto c = committed(fx, {{"runtime_constraints", {{"vcpus", 1}, {"ram", 3 * 1048576}}}});
    const auto options = options_for(fx);
    const auto view = export_container(c, ExportFormat::sbatch, options);
    const auto dir = (fx.dir / "spool" / c.uuid).string();
    CHECK(view.document["argv"] == Json{"sbatch", "--parsable", "--job-name=" + c.uuid, "--nice=0", "--no-requeue", "--mem=3",
                                        "--comment=a b#c", "--chdir=" + dir, "--output=" + dir + "/slurm.out"});
    const auto exec = "exec /usr/bin/crctl container exec " + c.uuid + " --spool " + (fx.dir / "spool").string();
    CHECK(view.document["script"] == "#!/bin/sh\n" + exec + "\n");
    CHECK(view.text == "#!/bin/sh\n#SBATCH --job-name=" + c.uuid + "\n#SBATCH --nice=0\n#SBATCH --no-requeue\n" +
                           "#SBATCH --mem=3\n#SBATCH \"--comment=a b#c\"\n#SBATCH --chdir=" + dir + "\n#SBATCH --output=" +
                           dir + "/slurm.out\n" + exec);
    check_nothing_written(fx);

    auto bad = options;
    bad.slurm.sbatch_args = {"--mem=%Q"};
    CHECK(error_text_of([&] { export_container(c, ExportFormat::sbatch, bad); }).find("%Q") != std::string::npos);
}

TEST_CASE("slurm_submission: the one place submit() and export take the job from", "[cr][export][slurm]") {
    RunSpec s;
    s.uuid = "zzzzz-dz642-000000000000009";
    s.partitions = {"a", "b"};
    SlurmOptions o;
    o.sbatch = "/opt/slurm/bin/sbatch";
    o.sbatch_args = {"--partition=%P", "--time=%W"};  // %W is 0: dropped
    o.spool = "/sp ool";
    o.crctl_program = "/usr/bin/crctl";
    const auto sub = slurm_submission(o, s);
    CHECK(sub.argv() == std::vector<std::string>{"/opt/slurm/bin/sbatch", "--parsable", "--job-name=" + s.uuid, "--nice=0",
                                                 "--no-requeue", "--partition=a,b", "--chdir=/sp ool/" + s.uuid,
                                                 "--output=/sp ool/" + s.uuid + "/slurm.out"});
    CHECK(sub.script() == "#!/bin/sh\nexec /usr/bin/crctl container exec " + s.uuid + " --spool '/sp ool'\n");
    CHECK(sub.batch_file().find("#SBATCH \"--chdir=/sp ool/" + s.uuid + "\"\n") != std::string::npos);
    o.sbatch_args = {"--comment=say \"it's\" \\o/"};
    CHECK(slurm_submission(o, s).batch_file().find("#SBATCH \"--comment=say \\\"it's\\\" \\\\o/\"\n") != std::string::npos);

    o.sbatch_args = {"--comment=line\nbreak"};
    CHECK(error_kind_of([&] { (void)slurm_submission(o, s).batch_file(); }) == ErrorKind::usage);
}
