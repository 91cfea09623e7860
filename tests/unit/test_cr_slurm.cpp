// The pure parts of the Slurm engine and the spool codec: sbatch argument substitution,
// the nice plan, squeue line parsing, and strict decoding of spool records.
#include <catch2/catch.hpp>

#include "opskit/core/error.hpp"
#include "opskit/cr/dispatch/slurm.hpp"
#include "opskit/cr/dispatch/spool.hpp"

using namespace opskit;
using namespace opskit::cr;

namespace {
RunSpec spec() {
    RunSpec s;
    s.uuid = "zzzzz-dz642-abcdefghijklmno";
    s.command = {"true"};
    s.image = "host";
    s.cwd = "/";
    s.output_path = "/out";
    s.vcpus = 1.5;
    s.ram = 256 * 1024 * 1024 + 1;
    s.max_run_time = 61;
    s.mounts = Json{{"/tmp", {{"kind", "tmp"}, {"capacity", 1048576}}}, {"/out", {{"kind", "tmp"}, {"capacity", 2097152}}}};
    return s;
}
}  // namespace

TEST_CASE("sbatch substitutions", "[cr][slurm]") {
    auto s = spec();
    CHECK(substitute_sbatch_arg("--mem=%M", s) == "--mem=257");
    CHECK(substitute_sbatch_arg("--cpus-per-task=%C", s) == "--cpus-per-task=2");
    CHECK(substitute_sbatch_arg("--tmp=%T", s) == "--tmp=3");
    CHECK(substitute_sbatch_arg("--time=%W", s) == "--time=2");
    CHECK(substitute_sbatch_arg("--comment=%U%%", s) == "--comment=zzzzz-dz642-abcdefghijklmno%");
    CHECK_FALSE(substitute_sbatch_arg("--partition=%P", s));
    s.partitions = {"a", "b"};
    CHECK(substitute_sbatch_arg("--partition=%P", s) == "--partition=a,b");
    s.max_run_time = 0;
    CHECK_FALSE(substitute_sbatch_arg("--time=%W", s));
    CHECK_THROWS_AS(check_sbatch_args({"--mem=%Q"}), Error);
    CHECK_THROWS_AS(check_sbatch_args({"--mem=%"}), Error);
}

TEST_CASE("nice plan: spread, ties, cap", "[cr][slurm]") {
    CHECK(plan_nices({}).empty());
    // equal base priorities: each next one is pushed down by the spread
    CHECK(plan_nices({{100, 0}, {100, 0}, {100, 0}}, 10) == std::vector<std::int64_t>{0, 10, 20});
    // already far apart: nothing changes
    CHECK(plan_nices({{1000, 0}, {500, 0}}, 10) == std::vector<std::int64_t>{0, 0});
    // a current nice is taken out of the base first
    CHECK(plan_nices({{100, 0}, {80, 20}}, 10) == std::vector<std::int64_t>{0, 10});
    // the cap makes ties beyond it
    CHECK(plan_nices({{100, 0}, {100, 0}, {100, 0}}, 10, 15) == std::vector<std::int64_t>{0, 10, 15});
}

TEST_CASE("squeue lines", "[cr][slurm]") {
    auto l = parse_squeue_line("zzzzz-dz642-abcdefghijklmno 10 4294901758 PENDING 12 ReqNodeNotAvail, UnavailableNodes:n1\n");
    REQUIRE(l);
    CHECK(l->nice == 10);
    CHECK(l->priority == 4294901758);
    CHECK(l->job_id == "12");
    CHECK(l->reason == "ReqNodeNotAvail, UnavailableNodes:n1");
    auto none = parse_squeue_line("x 0 1 RUNNING 3 None");
    REQUIRE(none);
    CHECK(none->reason.empty());
    CHECK_FALSE(parse_squeue_line("x zero 1 RUNNING 3 None"));
    CHECK_FALSE(parse_squeue_line("x 0 1"));
    CHECK(slurm_phase("PENDING") == JobPhase::pending);
    CHECK(slurm_phase("COMPLETING") == JobPhase::running);
    CHECK(slurm_phase("TIMEOUT") == JobPhase::ended);
    CHECK(slurm_phase("SOMETHING_NEW") == JobPhase::unknown);
}

TEST_CASE("pending reasons: only configuration refusals mean a job never starts", "[cr][slurm]") {
    for (const char* never : {"PartitionConfig", "PartitionNodeLimit", "PartitionTimeLimit", "BadConstraints"}) {
        const auto why = slurm_reason_never_starts(never);
        REQUIRE(why);
        CHECK(why->find(never) != std::string::npos);
    }
    for (const char* passes : {"", "Resources", "Priority", "BeginTime", "Dependency", "ReqNodeNotAvail",
                               "QOSMaxCpuPerUserLimit", "partitionconfig"})
        CHECK_FALSE(slurm_reason_never_starts(passes));
}

TEST_CASE("spool record codec", "[cr][spool]") {
    RunRecord r;
    r.spec = spec();
    r.spec.environment = {{"SECRET", "s3cret"}};
    r.spec.mounts["/in.json"] = Json{{"kind", "json"}, {"content", {{"k", "hidden"}}}};
    r.data_dir = "/data";
    const auto [pub, sec] = encode_run_record(r);
    CHECK(pub.find("s3cret") == std::string::npos);
    CHECK(pub.find("hidden") == std::string::npos);
    const auto back = decode_run_record(pub, sec);
    CHECK(back.spec.environment == r.spec.environment);
    CHECK(back.spec.mounts == r.spec.mounts);
    CHECK(back.spec.ram == r.spec.ram);
    CHECK_THROWS_AS(decode_run_record(pub.substr(0, pub.size() / 2), sec), Error);
    CHECK_THROWS_AS(decode_run_record("[]", sec), Error);
    FinishedRecord f;
    f.exit_code = 3;
    f.finished_at = "2026-12-06T00:00:00Z";
    CHECK(decode_finished(encode_finished(f)).exit_code == 3);
    CHECK_THROWS_AS(decode_finished("{garbage"), Error);
    CHECK_THROWS_AS(decode_finished(R"({"version":1,"exit_code":null,"started_at":"","finished_at":"x","node":""})"), Error);
}
