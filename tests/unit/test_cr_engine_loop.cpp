// The dispatcher loop above the engine interface, driven pass by pass against a scripted
// remote engine whose listing the test writes, so what a real engine does only sometimes
// (keep an ended job listed beside the next one, as Slurm does for MinJobAge) happens on
// every run.
#include <catch2/catch.hpp>

#include <stdlib.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "opskit/cr/dispatch/engine_dispatch.hpp"
#include "opskit/cr/lifecycle/containers.hpp"
#include "opskit/cr/lifecycle/requests.hpp"
#include "temp_dir.hpp"
#include "test_cr_fixture.hpp"

namespace fs = std::filesystem;
using namespace opskit;
using namespace opskit::cr;

namespace {

/// A remote engine whose jobs are what the test says: submit() lists a pending job with the
/// next numeric id; outcomes are set per job id.
class ScriptedEngine final : public Engine {
public:
    std::vector<EngineJob> jobs;                     ///< the listing poll() returns
    std::map<std::string, JobOutcome> outcomes;      ///< by job id
    std::vector<std::string> forgotten;              ///< uuids forget() was called with
    int submits = 0;

    std::string_view name() const override { return "scripted"; }
    std::string holder() const override { return "scripted-engine"; }
    bool remote() const override { return true; }
    std::optional<std::string> impossible(const RunSpec&) override { return std::nullopt; }
    bool has_room(const RunSpec&) override { return true; }
    EngineJob submit(const Container& c, const RunSpec&, std::int64_t) override {
        EngineJob j;
        j.uuid = c.uuid;
        j.job_id = std::to_string(100 + ++submits);
        j.state = "PENDING";
        j.phase = JobPhase::pending;
        jobs.push_back(j);
        return j;
    }
    std::vector<EngineJob> poll() override { return jobs; }
    int reprioritise(const std::vector<EngineJob>&, const std::vector<std::pair<std::string, std::int64_t>>&) override {
        return 0;
    }
    std::optional<JobOutcome> cancel(const EngineJob&) override { return std::nullopt; }
    std::optional<JobOutcome> outcome(const EngineJob& job) override {
        const auto it = outcomes.find(job.job_id);
        if (it == outcomes.end()) return std::nullopt;
        return it->second;
    }
    std::string why_waiting(const EngineJob& job) const override { return job.state; }
    void forget(std::string_view uuid) override { forgotten.emplace_back(uuid); }

    EngineJob& job(const std::string& id) {
        for (auto& j : jobs)
            if (j.job_id == id) return j;
        FAIL("no job " << id);
        throw;  // not reached
    }
    void set(const std::string& id, const char* state, JobPhase phase) {
        job(id).state = state;
        job(id).phase = phase;
    }
};

struct Fixture {
    opskit_test::TempDir tmp{"crctl-loop"};
    opskit_test::ScopedEnv locks{"OPSKIT_LOCK_DIR", (tmp.path / "locks").string()};
    Store store = open(tmp.path);
    ScriptedEngine engine;

    static Store open(const fs::path& dir) {
        StoreOptions o;
        o.path = dir / "state" / "crctl.db";
        return Store::open(o);
    }
    std::string container_uuid() {
        const Json spec = crtest::minimal({{"priority", 500}, {"state", "Committed"}});
        const auto r = store.write([&](Tx& tx) { return create_request(tx, spec); });
        return *r.container_uuid;
    }
    void pass() { EngineDispatcher(store, engine, EngineDispatchOptions{}).pass(); }
    Container container(const std::string& uuid) {
        return store.read([&](Tx& tx) { return get_container(tx, uuid); });
    }
};

}  // namespace

TEST_CASE("an ended job still listed does not hold its Queued container back or shadow the next job", "[cr][dispatch][loop]") {
    Fixture f;
    const auto uuid = f.container_uuid();
    f.pass();
    REQUIRE(f.engine.submits == 1);
    CHECK(f.container(uuid).state == ContainerState::locked);

    // Cancelled behind our back before it started; the engine keeps listing it as ended.
    f.engine.set("101", "CANCELLED", JobPhase::ended);
    f.pass();
    CHECK(f.engine.submits == 2);  // queued again and resubmitted at once, not after the job leaves the listing
    CHECK(f.container(uuid).state == ContainerState::locked);

    // Both jobs are listed now: the pending one is the container's; the ended one is not
    // an orphan to clean up (forget would drop what the engine keeps for the new job).
    f.engine.forgotten.clear();
    f.pass();
    CHECK(f.engine.submits == 2);
    CHECK(f.engine.forgotten.empty());
    CHECK(f.container(uuid).state == ContainerState::locked);

    f.engine.set("102", "RUNNING", JobPhase::running);
    f.pass();
    CHECK(f.container(uuid).state == ContainerState::running);

    JobOutcome done;
    done.exit_code = 0;
    done.stdout_text = "ok\n";
    done.output_dir = f.tmp.path / "out";
    fs::create_directories(*done.output_dir);
    f.engine.outcomes["102"] = done;
    f.engine.set("102", "COMPLETED", JobPhase::ended);
    f.pass();
    const auto c = f.container(uuid);
    INFO(c.runtime_status.dump());
    CHECK(c.state == ContainerState::complete);
    CHECK(c.exit_code == 0);
    CHECK(f.engine.submits == 2);
}
