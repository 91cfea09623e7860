// Seed 001 (Arvados ContainerRequestTest) replayed through the library: request defaults and
// states, validation tables, commit, priorities, child requests, reuse, retry, finalization
// with output records, output name collisions, output_ttl, the update matrix and delete.
#include <algorithm>

#include "test_cr_fixture.hpp"

using namespace crtest;

TEST_CASE("create: defaults, bogus states and editing a draft", "[cr][request]") {
    Fixture f;
    auto r = f.create();
    CHECK(r.state == RequestState::uncommitted);
    CHECK_FALSE(r.container_uuid);
    CHECK(r.priority == 0);
    CHECK(r.container_count == 0);
    CHECK(r.container_count_max == 3);
    CHECK(r.use_existing);
    CHECK(r.output_ttl == 0);
    CHECK_FALSE(r.requesting_container_uuid);
    for (const Json& bogus : {Json(nullptr), Json("Flubber")}) {
        CHECK(error_kind_of([&] { f.create({{"state", bogus}}); }) == ErrorKind::usage);
        CHECK(error_kind_of([&] { f.update(r.uuid, {{"state", bogus}}); }) == ErrorKind::usage);
    }
    // Every attribute of an Uncommitted request can change, even into a shape that would
    // not commit (a draft).
    r = f.update(r.uuid, {{"command", {"echo", "foo3"}},
                          {"container_image", "img3"},
                          {"cwd", "/tmp3"},
                          {"environment", {{"BUP", "BOP"}}},
                          {"mounts", {{"BAR", "BAZ"}}},
                          {"output_path", "/tmp4"},
                          {"priority", 7},
                          {"runtime_constraints", {{"vcpus", 4}}},
                          {"name", "foo3"},
                          {"description", "bar3"}});
    CHECK(r.command == Json{"echo", "foo3"});
    CHECK(r.container_image == "img3");
    CHECK(r.mounts == Json{{"BAR", "BAZ"}});
    CHECK(r.runtime_constraints == Json{{"vcpus", 4}});
    CHECK(r.description == "bar3");
    CHECK_FALSE(r.container_uuid);
    // ...but committing it validates everything, naming each problem.
    const auto text = error_text_of([&] { f.update(r.uuid, {{"state", "Committed"}}); });
    CHECK(text.find("mounts.BAR") != std::string::npos);
    CHECK(text.find("output_path") != std::string::npos);
    CHECK(text.find("runtime_constraints.ram") != std::string::npos);
    CHECK(f.req(r.uuid).state == RequestState::uncommitted);
}

TEST_CASE("invalid runtime constraints are refused at create-and-commit and at commit", "[cr][request][validation]") {
    const auto invalid = GENERATE(Json{{"vcpus", 1}, {"ram", nullptr}}, Json{{"vcpus", 0}, {"ram", 123}},
                                  Json{{"vcpus", "1"}, {"ram", "123"}}, Json{{"vcpus", -1}, {"ram", 5}},
                                  Json{{"vcpus", 1}}, Json{{"vcpus", Json::array({5, 2})}, {"ram", 1}},
                                  Json{{"vcpus", 1.5}, {"ram", 1}});
    Fixture f;
    SECTION("create") {
        try {
            f.create({{"state", "Committed"}, {"priority", 1}, {"runtime_constraints", invalid}});
            FAIL("accepted " << invalid.dump());
        } catch (const ValidationError& e) {
            CHECK(e.kind() == ErrorKind::usage);
            CHECK(std::string(e.what()).find("runtime_constraints.") != std::string::npos);
        }
        CHECK(f.store.read([&](Tx& tx) { return list_requests(tx); }).empty());
        CHECK(f.store.read([&](Tx& tx) { return list_containers(tx); }).empty());
    }
    SECTION("update") {
        const auto r = f.create({{"priority", 1}});
        CHECK_THROWS_AS(f.update(r.uuid, {{"state", "Committed"}, {"runtime_constraints", invalid}}), ValidationError);
        CHECK(f.req(r.uuid).state == RequestState::uncommitted);
    }
}

TEST_CASE("validation reports every problem at once, each naming its field", "[cr][request][validation]") {
    Fixture f;
    try {
        f.create({{"state", "Committed"},
                  {"command", {"echo", 3}},
                  {"priority", 1001},
                  {"environment", {{"A=B", "x"}, {"", "y"}, {"N", 1}}},
                  {"mounts", {{"rel", {{"kind", "tmp"}}}, {"/a", {{"kind", "nfs"}}}, {"/b", "x"},
                              {"/c", {{"kind", "tmp"}, {"capacity", "big"}}},
                              {"/d", {{"kind", "collection"}, {"content", "x"}}},
                              {"/e", {{"kind", "host"}, {"path", "relative"}}},
                              {"/out", {{"kind", "text"}, {"content", 5}}}}},
                  {"runtime_constraints", {{"vcpus", 1}, {"ram", 1}, {"badkey", 1}}},
                  {"scheduling_parameters", {{"partitions", "fast"}, {"max_run_time", -1}, {"other", 1}}},
                  {"output_ttl", -1},
                  {"bogus_field", 1}});
        FAIL("accepted");
    } catch (const ValidationError& e) {
        std::set<std::string> fields;
        for (const auto& p : e.problems()) fields.insert(p.field);
        for (const char* expected :
             {"command", "priority", "environment", "environment.A=B", "environment.N", "mounts.rel", "mounts./a.kind",
              "mounts./b", "mounts./c.capacity", "mounts./d.content", "mounts./e.path", "mounts./out.content",
              "runtime_constraints.badkey", "scheduling_parameters.partitions", "scheduling_parameters.max_run_time",
              "scheduling_parameters.other", "output_ttl", "bogus_field"})
            CHECK(fields.count(expected) == 1);
    }
}

// Found by fuzz_request_spec: bytes that are not UTF-8 in a spec reached the store's JSON
// serialisation and escaped as a nlohmann type_error instead of a validation problem.
TEST_CASE("text that is not UTF-8 is refused, naming the field", "[cr][request][validation]") {
    Fixture f;
    const std::string bad = "caf\xc3";
    for (const Json& attrs : {Json{{"name", bad}}, Json{{"command", {"echo", bad}}},
                              Json{{"environment", {{bad, "x"}}}}}) {
        try {
            f.create(attrs);
            FAIL("accepted " << attrs.dump(-1, ' ', false, Json::error_handler_t::replace));
        } catch (const ValidationError& e) {
            // The field is named; a required field left unset by the refusal may add its own line.
            bool named = false;
            for (const auto& p : e.problems())
                named = named || (p.field == attrs.begin().key() && p.message == "is not valid UTF-8 text");
            CHECK(named);
        }
    }
    CHECK(f.create({{"name", "caf\xc3\xa9"}}).name == "caf\xc3\xa9");
}

TEST_CASE("inapplicable mount keys are tolerated when empty", "[cr][request][validation]") {
    Fixture f;
    CHECK_NOTHROW(f.create({{"mounts", {{"/out", {{"kind", "tmp"}, {"content", nullptr}, {"path", ""}, {"writable", false}}}}}}));
    CHECK_THROWS_AS(f.create({{"mounts", {{"/out", {{"kind", "tmp"}, {"path", "/x"}}}}}}), ValidationError);
}

TEST_CASE("update with valid runtime constraints commits and assigns a container", "[cr][request]") {
    Fixture f;
    auto r = f.create({{"priority", 1}});
    r = f.update(r.uuid, {{"state", "Committed"}, {"runtime_constraints", {{"vcpus", 1}, {"ram", 23}}}});
    CHECK(r.container_uuid);
    CHECK(r.container_count == 1);
}

TEST_CASE("priority must be an integer, never null", "[cr][request][validation]") {
    Fixture f;
    CHECK_THROWS_AS(f.create({{"priority", nullptr}}), ValidationError);
    const auto r = f.create();
    CHECK_THROWS_AS(f.update(r.uuid, {{"state", "Committed"}, {"priority", nullptr}}), ValidationError);
    CHECK_THROWS_AS(f.update(r.uuid, {{"priority", 1001}}), ValidationError);
}

TEST_CASE("commit resolves a container from the request", "[cr][request]") {
    Fixture f;
    auto r = f.create({{"runtime_constraints", {{"vcpus", 2}, {"ram", 30}}}});
    CHECK_FALSE(r.container_uuid);
    r = f.update(r.uuid, {{"state", "Committed"}, {"priority", 1}});
    CHECK(r.runtime_constraints == Json{{"vcpus", 2}, {"ram", 30}});
    const auto c = f.ctr_of(r);
    CHECK(c.command == Json{"echo", "foo"});
    CHECK(c.container_image == "arvados/apitestfixture:latest");
    CHECK(c.cwd == "/tmp");
    CHECK(c.environment == Json::object());
    CHECK(c.mounts == Json{{"/out", {{"kind", "tmp"}, {"capacity", 1000000}}}});
    CHECK(c.output_path == "/out");
    CHECK(c.runtime_constraints == Json{{"keep_cache_ram", 268435456}, {"vcpus", 2}, {"ram", 30}});
    CHECK(c.state == ContainerState::queued);
    CHECK(c.priority == top_level_priority(r));
    // Functional fields are frozen once Committed.
    CHECK(error_kind_of([&] { f.update(r.uuid, {{"command", {"echo", "bar"}}}); }) == ErrorKind::conflict);
    // Cancel: priority 0, the request stays Committed, the container goes on hold.
    r = f.store.write([&](Tx& tx) { return cancel_request(tx, r.uuid); });
    CHECK(r.priority == 0);
    CHECK(r.state == RequestState::committed);
    CHECK(f.ctr_of(r).priority == 0);
    CHECK(f.ctr_of(r).state == ContainerState::queued);
}

TEST_CASE("max priority: a container shared by two requests takes the higher one", "[cr][request][priority]") {
    Fixture f;
    auto cr1 = f.create({{"priority", 5}, {"state", "Committed"}});
    CHECK(f.ctr_of(cr1).priority == top_level_priority(cr1));
    auto cr2 = f.create({{"priority", 10}, {"state", "Committed"}});
    REQUIRE(cr2.container_uuid == cr1.container_uuid);
    CHECK(f.ctr_of(cr1).priority == top_level_priority(cr2));
    cr2 = f.update(cr2.uuid, {{"priority", 0}});
    CHECK(f.ctr_of(cr1).priority == top_level_priority(cr1));
    cr1 = f.update(cr1.uuid, {{"priority", 0}});
    CHECK(f.ctr_of(cr1).priority == 0);
}

TEST_CASE("ties: equal priorities order by age, the older request wins", "[cr][request][priority]") {
    Fixture f;
    const auto older = f.create({{"priority", 5}, {"state", "Committed"}, {"command", {"a"}}});
    Stmt st(f.store.handle(), "UPDATE container_requests SET created_at = created_at - 1000 WHERE uuid = ?");
    st.bind(1, older.uuid).run();
    f.update(older.uuid, {{"priority", 6}});
    f.update(older.uuid, {{"priority", 5}});  // recompute with the older timestamp
    const auto newer = f.create({{"priority", 5}, {"state", "Committed"}, {"command", {"b"}}});
    CHECK(f.ctr_of(older).priority > f.ctr_of(newer).priority);
    const auto higher = f.create({{"priority", 6}, {"state", "Committed"}, {"command", {"c"}}});
    CHECK(f.ctr_of(higher).priority > f.ctr_of(older).priority);
}

TEST_CASE("independent requests have independent container priorities", "[cr][request][priority]") {
    Fixture f;
    auto cr1 = f.create({{"command", {"foo", "1"}}, {"priority", 5}, {"state", "Committed"}});
    auto cr2 = f.create({{"command", {"foo", "2"}}, {"priority", 10}, {"state", "Committed"}});
    CHECK(f.ctr_of(cr1).priority == top_level_priority(cr1));
    CHECK(f.ctr_of(cr2).priority == top_level_priority(cr2));
    f.update(cr1.uuid, {{"priority", 0}});
    CHECK(f.ctr_of(cr1).priority == 0);
    CHECK(f.ctr_of(cr2).priority == top_level_priority(cr2));
}

TEST_CASE("a request is finalized when its container is cancelled", "[cr][request][finalize]") {
    Fixture f;
    const auto r = f.create({{"priority", 1}, {"state", "Committed"}, {"container_count_max", 1}});
    f.cancel(*r.container_uuid);
    CHECK(f.req(r.uuid).state == RequestState::final_);
}

TEST_CASE("a request is finalized when its container completes, with output and log records", "[cr][request][finalize]") {
    Fixture f;
    const auto r = f.create({{"priority", 1}, {"state", "Committed"}});
    f.lock(*r.container_uuid);
    f.start(*r.container_uuid);
    CHECK(f.req(r.uuid).state == RequestState::committed);
    f.complete(*r.container_uuid);
    const auto done = f.req(r.uuid);
    CHECK(done.state == RequestState::final_);
    REQUIRE(done.output_uuid);
    REQUIRE(done.log_uuid);
    const auto output = f.store.read([&](Tx& tx) { return find_collection(tx, *done.output_uuid); });
    const auto log = f.store.read([&](Tx& tx) { return find_collection(tx, *done.log_uuid); });
    REQUIRE(output);
    REQUIRE(log);
    CHECK(output->portable_data_hash == output_pdh);
    CHECK(log->portable_data_hash == log_pdh);
    CHECK(output->name == "Container output for request " + r.uuid);
    CHECK(log->name == "Container log for request " + r.uuid);
    CHECK(output->properties == Json{{"container_request", r.uuid}, {"type", "output"}});
    CHECK(log->properties == Json{{"container_request", r.uuid}, {"type", "log"}});
}

TEST_CASE("a container makes a child request, then is cancelled: the child is cancelled too", "[cr][request][tree]") {
    Fixture f;
    const auto cr = f.create({{"priority", 5}, {"state", "Committed"}, {"container_count_max", 1}});
    const auto c = f.ctr_of(cr);
    CHECK(c.priority == top_level_priority(cr));
    const auto cr2 = f.create({{"priority", 10}, {"state", "Committed"}, {"command", {"echo", "foo2"}}, {"container_count_max", 1}},
                              Caller{c.uuid});
    CHECK(cr2.requesting_container_uuid == c.uuid);
    CHECK(cr2.priority == 5);  // overwritten with the parent's requests' maximum
    CHECK(f.ctr_of(cr2).priority == c.priority);
    f.cancel(c.uuid);
    CHECK(f.req(cr.uuid).state == RequestState::final_);
    const auto child = f.req(cr2.uuid);
    CHECK(child.priority == 0);
    CHECK(child.state == RequestState::final_);  // its container had not started
    CHECK(f.ctr_of(cr2).priority == 0);
}

TEST_CASE("a running child is not finalized when its parent ends, it finalizes when cancelled", "[cr][request][tree]") {
    Fixture f;
    const auto cr = f.create({{"priority", 5}, {"state", "Committed"}});
    f.lock(*cr.container_uuid);
    f.start(*cr.container_uuid);
    const auto kid = f.create({{"priority", 1}, {"state", "Committed"}, {"command", {"kid"}}}, Caller{*cr.container_uuid});
    f.lock(*kid.container_uuid);
    f.start(*kid.container_uuid);
    f.complete(*cr.container_uuid);
    auto child = f.req(kid.uuid);
    CHECK(child.priority == 0);
    CHECK(child.state == RequestState::committed);
    CHECK(f.ctr_of(child).priority == 0);
    f.cancel(*kid.container_uuid);
    child = f.req(kid.uuid);
    CHECK(child.state == RequestState::final_);
    CHECK(child.container_uuid == kid.container_uuid);  // no retry: nobody wants it
}

TEST_CASE("child priority follows the root through the tree", "[cr][request][tree]") {
    Fixture f;
    const auto root = f.create({{"priority", 3}, {"state", "Committed"}, {"command", {"root"}}});
    const auto kid = f.create({{"state", "Committed"}, {"command", {"kid"}}}, Caller{*root.container_uuid});
    const auto grandkid = f.create({{"state", "Committed"}, {"command", {"grandkid"}}}, Caller{*kid.container_uuid});
    const auto root_priority = f.ctr_of(root).priority;
    CHECK(f.ctr_of(kid).priority == root_priority);
    CHECK(f.ctr_of(grandkid).priority == root_priority);
    f.update(root.uuid, {{"priority", 9}});
    const auto raised = f.ctr_of(root).priority;
    CHECK(raised > root_priority);
    CHECK(f.ctr_of(kid).priority == raised);
    CHECK(f.ctr_of(grandkid).priority == raised);
    // A second root with a higher priority sharing the grandchild's work lifts it.
    const auto other = f.create({{"priority", 10}, {"state", "Committed"}, {"command", {"other"}}});
    f.create({{"state", "Committed"}, {"command", {"grandkid"}}}, Caller{*other.container_uuid});
    CHECK(f.ctr_of(grandkid).priority == f.ctr_of(other).priority);
    f.update(root.uuid, {{"priority", 0}});
    CHECK(f.ctr_of(root).priority == 0);
    CHECK(f.ctr_of(kid).priority == 0);
    CHECK(f.ctr_of(grandkid).priority == f.ctr_of(other).priority);
}

TEST_CASE("requesting_container_uuid comes from the caller, never from the client", "[cr][request]") {
    Fixture f;
    CHECK_THROWS_AS(f.create({{"requesting_container_uuid", "youcantdothat"}}), ValidationError);
    CHECK_FALSE(f.create().requesting_container_uuid);
    CHECK_THROWS_AS(f.create({}, Caller{"zzzzz-dz642-runningcontainr"}), ValidationError);
    const auto parent = f.create({{"priority", 501}, {"state", "Committed"}});
    const auto child = f.create({}, Caller{*parent.container_uuid});
    CHECK(child.requesting_container_uuid == parent.container_uuid);
    CHECK(child.priority == 501);
    CHECK(error_kind_of([&] { f.update(child.uuid, {{"requesting_container_uuid", nullptr}}); }) == ErrorKind::conflict);
}

TEST_CASE("runtime constraint ranges resolve to their minimum at commit", "[cr][request][resolve]") {
    const auto [rc, key, expected] = GENERATE(table<Json, std::string, std::int64_t>({
        {Json{{"vcpus", {2, nullptr}}, {"ram", 1}}, "vcpus", 2},
        {Json{{"vcpus", {3, 7}}, {"ram", 1}}, "vcpus", 3},
        {Json{{"vcpus", 4}, {"ram", 1}}, "vcpus", 4},
        {Json{{"vcpus", 1}, {"ram", {1000000000, 2000000000}}}, "ram", 1000000000},
        {Json{{"vcpus", 1}, {"ram", {1234234234}}}, "ram", 1234234234},
    }));
    Fixture f;
    const auto r = f.create({{"priority", 1}, {"state", "Committed"}, {"runtime_constraints", rc}});
    CHECK(r.runtime_constraints == rc);  // the request keeps what was asked
    CHECK(f.ctr_of(r).runtime_constraints[key] == expected);
}

TEST_CASE("collection mounts resolve to portable data hashes", "[cr][request][resolve]") {
    Fixture f;
    const auto coll = f.store.write([&](Tx& tx) {
        Collection c;
        c.portable_data_hash = output_pdh;
        c.name = "fixture";
        return insert_collection(tx, c);
    });
    SECTION("uuid → pdh, uuid dropped") {
        const auto r = f.create({{"priority", 1}, {"state", "Committed"},
                                 {"mounts", {{"/out", {{"kind", "tmp"}}}, {"/in", {{"kind", "collection"}, {"uuid", coll.uuid}}}}}});
        CHECK(f.ctr_of(r).mounts["/in"] == Json{{"kind", "collection"}, {"portable_data_hash", output_pdh}});
    }
    SECTION("uuid and matching pdh → pdh") {
        const auto r = f.create({{"priority", 1}, {"state", "Committed"},
                                 {"mounts", {{"/out", {{"kind", "tmp"}}},
                                             {"/in", {{"kind", "collection"}, {"uuid", coll.uuid}, {"portable_data_hash", output_pdh}}}}}});
        CHECK(f.ctr_of(r).mounts["/in"] == Json{{"kind", "collection"}, {"portable_data_hash", output_pdh}});
    }
    SECTION("mismatched uuid and pdh, or an unknown uuid, are refused and nothing is stored") {
        CHECK(error_kind_of([&] {
                  f.create({{"priority", 1}, {"state", "Committed"},
                            {"mounts", {{"/out", {{"kind", "tmp"}}},
                                        {"/in", {{"kind", "collection"}, {"uuid", coll.uuid}, {"portable_data_hash", log_pdh}}}}}});
              }) == ErrorKind::usage);
        CHECK(error_kind_of([&] {
                  f.create({{"priority", 1}, {"state", "Committed"},
                            {"mounts", {{"/out", {{"kind", "tmp"}}}, {"/in", {{"kind", "collection"}, {"uuid", "zzzzz-4zz18-znfnqtbbv4spc3w"}}}}}});
              }) == ErrorKind::usage);
        CHECK(f.store.read([&](Tx& tx) { return list_requests(tx); }).empty());
    }
}

TEST_CASE("reuse when committed: same work and use_existing", "[cr][request][reuse]") {
    const auto [env1, env2, use_existing, reused] = GENERATE(table<Json, Json, Json, bool>({
        {Json{{"var", "value1"}}, Json{{"var", "value1"}}, Json(nullptr), true},
        {Json{{"var", "value1"}}, Json{{"var", "value1"}}, Json(true), true},
        {Json{{"var", "value1"}}, Json{{"var", "value1"}}, Json(false), false},
        {Json{{"var", "value1"}}, Json{{"var", "value2"}}, Json(nullptr), false},
    }));
    Fixture f;
    const Json common{{"cwd", "test"},
                      {"command", {"echo", "hello"}},
                      {"output_path", "test"},
                      {"runtime_constraints", {{"vcpus", 4}, {"ram", 12000000000LL}}},
                      {"mounts", {{"test", {{"kind", "json"}}}}}};
    // Arvados accepts "test" as cwd; our mount target rule needs an absolute path.
    Json attrs1 = common, attrs2 = common;
    attrs1["mounts"] = attrs2["mounts"] = Json{{"/test", {{"kind", "json"}}}};
    attrs1["output_path"] = attrs2["output_path"] = "/test";
    attrs1["environment"] = env1;
    attrs1["state"] = "Committed";
    attrs1["priority"] = 1;
    attrs2["environment"] = env2;
    attrs2["priority"] = 1;
    if (!use_existing.is_null()) attrs2["use_existing"] = use_existing;
    const auto cr1 = f.create(attrs1);
    auto cr2 = f.create(attrs2);
    CHECK(cr1.container_uuid);
    CHECK_FALSE(cr2.container_uuid);
    cr2 = f.update(cr2.uuid, {{"state", "Committed"}});
    CHECK((cr1.container_uuid == cr2.container_uuid) == reused);
}

TEST_CASE("retry on container cancelled, up to container_count_max", "[cr][request][retry]") {
    Fixture f;
    auto cr = f.create({{"priority", 1}, {"state", "Committed"}, {"container_count_max", 2}});
    const auto cr2 = f.create({{"priority", 1}, {"state", "Committed"}, {"container_count_max", 2}, {"command", {"echo", "baz"}}});
    auto prev = *cr.container_uuid;
    f.lock(prev);
    f.start(prev);
    cr = f.req(cr.uuid);
    CHECK(cr.state == RequestState::committed);
    CHECK(cr.container_uuid == prev);
    CHECK(cr.container_uuid != cr2.container_uuid);
    f.cancel(prev);
    cr = f.req(cr.uuid);
    CHECK(cr.state == RequestState::committed);
    CHECK(cr.container_uuid != prev);
    CHECK(cr.container_uuid != cr2.container_uuid);
    CHECK(cr.container_count == 2);
    const auto retried = f.ctr_of(cr);
    CHECK(retried.state == ContainerState::queued);
    CHECK(retried.lock_count == 0);
    CHECK(retried.priority == top_level_priority(cr));
    prev = *cr.container_uuid;
    f.lock(prev);
    f.start(prev);
    f.cancel(prev);
    cr = f.req(cr.uuid);
    CHECK(cr.state == RequestState::final_);
    CHECK(cr.container_uuid == prev);
    CHECK(f.req(cr2.uuid).container_uuid == cr2.container_uuid);
}

TEST_CASE("a user cancel (priority 0) is not retried", "[cr][request][retry]") {
    Fixture f;
    auto cr = f.create({{"priority", 1}, {"state", "Committed"}});
    const auto first = *cr.container_uuid;
    f.store.write([&](Tx& tx) { return cancel_request(tx, cr.uuid); });
    f.cancel(first);
    cr = f.req(cr.uuid);
    CHECK(cr.state == RequestState::final_);
    CHECK(cr.container_uuid == first);
    CHECK(cr.container_count == 1);
}

TEST_CASE("retry merges scheduling parameters of the retried requests", "[cr][request][retry]") {
    Fixture f;
    const auto a = f.create({{"priority", 1}, {"state", "Committed"},
                             {"scheduling_parameters", {{"partitions", {"fast"}}, {"max_run_time", 60}}}});
    const auto b = f.create({{"priority", 1}, {"state", "Committed"},
                             {"scheduling_parameters", {{"partitions", {"slow"}}, {"max_run_time", 120}, {"supervisor", true}}}});
    REQUIRE(a.container_uuid == b.container_uuid);
    f.cancel(*a.container_uuid);
    const auto next = f.ctr_of(f.req(a.uuid));
    CHECK(next.uuid != *a.container_uuid);
    CHECK(f.req(b.uuid).container_uuid == next.uuid);
    CHECK(next.scheduling_parameters ==
          Json{{"partitions", {"fast", "slow"}}, {"max_run_time", 120}, {"supervisor", true}});
}

TEST_CASE("sub-requests are retried while the parent runs, not when the tree is cancelled", "[cr][request][retry]") {
    Fixture f;
    const auto parent = f.create({{"priority", 1}, {"state", "Committed"}});
    const auto pc = *parent.container_uuid;
    f.lock(pc);
    SECTION("parent Locked (not running): the child's cancelled container is not retried") {
        const auto kid = f.create({{"state", "Committed"}, {"command", {"kid"}}}, Caller{pc});
        f.cancel(*kid.container_uuid);
        CHECK(f.req(kid.uuid).state == RequestState::final_);
    }
    SECTION("parent Running: the child is retried") {
        f.start(pc);
        const auto kid = f.create({{"state", "Committed"}, {"command", {"kid"}}}, Caller{pc});
        f.cancel(*kid.container_uuid);
        const auto again = f.req(kid.uuid);
        CHECK(again.state == RequestState::committed);
        CHECK(again.container_uuid != kid.container_uuid);
        CHECK(f.ctr_of(again).priority == f.ctr(pc).priority);
    }
}

TEST_CASE("output name collisions append an ISO 8601 UTC timestamp", "[cr][request][output]") {
    Fixture f;
    const std::string name = "unimaginative name";
    f.store.write([&](Tx& tx) {
        Collection c;
        c.portable_data_hash = log_pdh;
        c.name = name;
        insert_collection(tx, c);
    });
    const auto cr = f.create({{"priority", 1}, {"state", "Committed"}, {"output_name", name}});
    f.run_container(cr);
    const auto done = f.req(cr.uuid);
    CHECK(done.state == RequestState::final_);
    const auto output = f.store.read([&](Tx& tx) { return find_collection(tx, *done.output_uuid); });
    REQUIRE(output);
    CHECK(output->name != name);
    CHECK(output->name->find(name) != std::string::npos);
    CHECK(std::regex_search(*output->name, std::regex(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d+Z)")));
}

TEST_CASE("output_ttl sets trash_at and delete_at of the output", "[cr][request][output]") {
    const auto ttl = GENERATE(std::int64_t{0}, std::int64_t{1}, std::int64_t{365 * 86400});
    Fixture f;
    const auto cr = f.create({{"priority", 1}, {"state", "Committed"}, {"output_ttl", ttl}});
    const auto now = to_epoch_ms(opskit::now_ms());
    f.run_container(cr);
    const auto output_uuid = f.req(cr.uuid).output_uuid.value();
    const auto output = f.store.read([&](Tx& tx) { return find_collection(tx, output_uuid); });
    REQUIRE(output);
    if (ttl == 0) {
        CHECK_FALSE(output->trash_at);
        CHECK_FALSE(output->delete_at);
    } else {
        REQUIRE(output->trash_at);
        REQUIRE(output->delete_at);
        CHECK(std::llabs(*output->trash_at - (now + ttl * 1000)) < 10000);
        const auto expected_delete = std::max(now + ttl * 1000, now + blob_signing_ttl_ms);
        CHECK(std::llabs(*output->delete_at - expected_delete) < 10000);
    }
}

TEST_CASE("reuse ignores keep-cache settings even though the stored constraints differ", "[cr][request][reuse]") {
    // The reuse hash leaves keep_cache_* out, but the stored runtime_constraints keep them: the
    // candidate's text differs from the wanted one and the comparison falls back to the
    // parsed attributes, which still count it as the same work.
    Fixture f;
    const auto first = f.create(minimal({{"state", "Committed"}, {"priority", 1},
                                         {"runtime_constraints", {{"vcpus", 1}, {"ram", 2}, {"keep_cache_ram", 1000}}}}));
    const auto second = f.create(minimal({{"state", "Committed"}, {"priority", 1},
                                          {"runtime_constraints", {{"vcpus", 1}, {"ram", 2}, {"keep_cache_ram", 2000}}}}));
    CHECK(second.container_uuid == first.container_uuid);
    const auto third = f.create(minimal({{"state", "Committed"}, {"priority", 1},
                                         {"runtime_constraints", {{"vcpus", 1}, {"ram", 3}, {"keep_cache_ram", 1000}}}}));
    CHECK(third.container_uuid != first.container_uuid);
}

TEST_CASE("a request committed onto a finished container is Final at once", "[cr][request][reuse]") {
    Fixture f;
    auto cr = f.create({{"priority", 1}, {"state", "Committed"}});
    CHECK(cr.state == RequestState::committed);
    f.run_container(cr);
    cr = f.req(cr.uuid);
    CHECK(cr.state == RequestState::final_);
    const auto cr2 = f.create({{"priority", 1}, {"state", "Committed"}});
    CHECK(cr2.container_uuid == cr.container_uuid);
    CHECK(cr2.state == RequestState::final_);
    CHECK(cr2.output_uuid);
    auto cr3 = f.create({{"priority", 1}});
    CHECK(cr3.state == RequestState::uncommitted);
    cr3 = f.update(cr3.uuid, {{"state", "Committed"}});
    CHECK(cr3.container_uuid == cr.container_uuid);
    CHECK(cr3.state == RequestState::final_);
}

TEST_CASE("scheduling parameters are checked at commit, kept on request and container", "[cr][request][validation]") {
    const auto [sp, state, ok] = GENERATE(table<Json, std::string, bool>({
        {Json{{"partitions", {"fastcpu", "vfastcpu", 100}}}, "Committed", false},
        {Json{{"partitions", {"fastcpu", "vfastcpu", 100}}}, "Uncommitted", true},
        {Json{{"partitions", "fastcpu"}}, "Committed", false},
        {Json{{"partitions", "fastcpu"}}, "Uncommitted", true},
        {Json{{"partitions", {"fastcpu", "vfastcpu"}}}, "Committed", true},
        {Json{{"preemptible", true}}, "Committed", false},
    }));
    Fixture f;
    if (!ok) {
        CHECK_THROWS_AS(f.create({{"priority", 1}, {"state", state}, {"scheduling_parameters", sp}}), ValidationError);
        CHECK(f.store.read([&](Tx& tx) { return list_requests(tx); }).empty());
        return;
    }
    if (state == "Uncommitted") {
        const auto r = f.create({{"priority", 1}, {"state", state}, {"scheduling_parameters", sp}});
        CHECK(r.scheduling_parameters == sp);
        CHECK_THROWS_AS(f.update(r.uuid, {{"state", "Committed"}}), ValidationError);
        return;
    }
    const auto r = f.create({{"priority", 1}, {"state", state}, {"scheduling_parameters", sp}});
    CHECK(r.scheduling_parameters == sp);
    CHECK(f.ctr_of(r).scheduling_parameters == sp);
}

TEST_CASE("the permitted-update matrix of Committed and Final requests", "[cr][request][matrix]") {
    const auto [state, permitted, updates] = GENERATE(table<std::string, bool, Json>({
        {"Committed", true, Json{{"name", "foobar"}, {"priority", 123}}},
        {"Committed", true, Json{{"container_count_max", 5}, {"description", "d"}}},
        {"Committed", false, Json{{"container_count", 2}}},
        {"Committed", false, Json{{"container_count", 0}}},
        {"Committed", false, Json{{"container_count", nullptr}}},
        {"Committed", false, Json{{"cwd", "/elsewhere"}}},
        {"Committed", false, Json{{"use_existing", false}}},
        {"Final", false, Json{{"state", "Committed"}, {"name", "foobar"}}},
        {"Final", false, Json{{"name", "foobar"}, {"priority", 123}}},
        {"Final", false, Json{{"name", "foobar"}, {"output_uuid", "zzzzz-4zz18-znfnqtbbv4spc3w"}}},
        {"Final", false, Json{{"name", "foobar"}, {"log_uuid", "zzzzz-4zz18-znfnqtbbv4spc3w"}}},
        {"Final", false, Json{{"log_uuid", "zzzzz-4zz18-znfnqtbbv4spc3w"}}},
        {"Final", false, Json{{"priority", 123}}},
        {"Final", false, Json{{"mounts", Json::object()}}},
        {"Final", false, Json{{"container_count", 2}}},
        {"Final", true, Json{{"name", "foobar"}}},
        {"Final", true, Json{{"name", "foobar"}, {"description", "baz"}}},
    }));
    Fixture f;
    auto cr = f.create({{"priority", 1}, {"state", "Committed"}, {"container_count_max", 1}});
    if (state == "Final") f.cancel(*cr.container_uuid);
    cr = f.req(cr.uuid);
    REQUIRE(std::string(to_string(cr.state)) == state);
    if (permitted) {
        const auto after = f.update(cr.uuid, updates);
        for (const auto& [key, value] : updates.items()) CHECK(to_json(after)[key] == value);
    } else {
        const Json changes = updates;  // structured bindings cannot be captured by clang 14
        CHECK(error_kind_of([&] { f.update(cr.uuid, changes); }) == ErrorKind::conflict);
        CHECK(to_json(f.req(cr.uuid)) == to_json(cr));
    }
}

TEST_CASE("resending defaults or empty mount additions is no change on a Committed request", "[cr][request][matrix]") {
    Fixture f;
    const auto cr = f.create({{"priority", 1}, {"state", "Committed"}});
    CHECK_NOTHROW(f.update(cr.uuid, {{"runtime_constraints", {{"vcpus", 1}, {"ram", 2}, {"keep_cache_ram", 0}, {"API", false}}}}));
    CHECK_NOTHROW(f.update(cr.uuid, {{"scheduling_parameters", {{"preemptible", false}, {"partitions", Json::array()}, {"max_run_time", 0}}}}));
    CHECK_NOTHROW(f.update(cr.uuid, {{"mounts", {{"/out", {{"capacity", 1000000}, {"kind", "tmp"}, {"exclude_from_output", false}, {"content", nullptr}}}}}}));
    CHECK(f.req(cr.uuid).mounts == cr.mounts);
    CHECK(f.req(cr.uuid).runtime_constraints == cr.runtime_constraints);
    for (const Json& change : {Json{{"runtime_constraints", {{"vcpus", 1}, {"ram", 2}, {"keep_cache_ram", 1}}}},
                               Json{{"runtime_constraints", {{"vcpus", 1}, {"ram", 2}, {"API", true}}}},
                               Json{{"scheduling_parameters", {{"partitions", {"foo"}}}}},
                               Json{{"scheduling_parameters", {{"max_run_time", 1}}}},
                               Json{{"mounts", {{"/out", {{"kind", "tmp"}, {"capacity", 1234567}}}}}},
                               Json{{"mounts", {{"/out", {{"kind", "tmp"}, {"capacity", 1000000}, {"content", Json::object()}}}}}},
                               Json{{"mounts", Json::object()}}})
        CHECK(error_kind_of([&] { f.update(cr.uuid, change); }) == ErrorKind::conflict);
}

TEST_CASE("a client may finalize a Committed request directly", "[cr][request]") {
    Fixture f;
    const auto cr = f.create({{"priority", 1}, {"state", "Committed"}});
    const auto done = f.update(cr.uuid, {{"state", "Final"}, {"priority", 0}});
    CHECK(done.state == RequestState::final_);
    CHECK_FALSE(done.output_uuid);
    CHECK(f.ctr_of(cr).priority == 0);
    CHECK(error_kind_of([&] { f.update(cr.uuid, {{"priority", 5}}); }) == ErrorKind::conflict);
}

TEST_CASE("delete sets priority 0 first, a Final request deletes cleanly, missing is not found", "[cr][request]") {
    Fixture f;
    const auto cr = f.create({{"priority", 1}, {"state", "Committed"}});
    CHECK(f.ctr_of(cr).priority > 0);
    f.store.write([&](Tx& tx) { delete_request(tx, cr.uuid); });
    CHECK(f.ctr(*cr.container_uuid).priority == 0);
    CHECK(error_kind_of([&] { f.req(cr.uuid); }) == ErrorKind::not_found);
    const auto done = f.create({{"priority", 1}, {"state", "Committed"}, {"command", {"x"}}, {"container_count_max", 1}});
    f.cancel(*done.container_uuid);
    CHECK_NOTHROW(f.store.write([&](Tx& tx) { delete_request(tx, done.uuid); }));
    CHECK(error_kind_of([&] { f.store.write([&](Tx& tx) { delete_request(tx, done.uuid); }); }) == ErrorKind::not_found);
    CHECK(error_kind_of([&] { f.update("zzzzz-xvhdk-000000000000000", {{"name", "x"}}); }) == ErrorKind::not_found);
}

TEST_CASE("list filters by state, newest first, with a limit, uuids complete by prefix", "[cr][request]") {
    Fixture f;
    const auto a = f.create();
    const auto b = f.create({{"priority", 1}, {"state", "Committed"}});
    const auto all = f.store.read([&](Tx& tx) { return list_requests(tx); });
    CHECK(all.size() == 2);
    RequestFilter committed;
    committed.state = RequestState::committed;
    const auto only = f.store.read([&](Tx& tx) { return list_requests(tx, committed); });
    REQUIRE(only.size() == 1);
    CHECK(only[0].uuid == b.uuid);
    RequestFilter one;
    one.limit = 1;
    CHECK(f.store.read([&](Tx& tx) { return list_requests(tx, one); }).size() == 1);
    CHECK(f.store.read([&](Tx& tx) { return request_uuids(tx, a.uuid); }) == std::vector<std::string>{a.uuid});
    // uuids begin with their creation time, so a short prefix is shared by those made together.
    const auto prefix = a.uuid.substr(0, 20);
    const auto near = f.store.read([&](Tx& tx) { return request_uuids(tx, prefix); });
    CHECK(std::find(near.begin(), near.end(), a.uuid) != near.end());
    for (const auto& u : near) CHECK(u.compare(0, prefix.size(), prefix) == 0);
    CHECK(f.store.read([&](Tx& tx) { return request_uuids(tx, "zzzzz-xvhdk-9"); }).empty());
    CHECK(f.store.read([&](Tx& tx) { return request_uuids(tx, "zzzzz-xvhdk-"); }).size() == 2);
}

TEST_CASE("wait returns a Final request and times out on a Committed one", "[cr][request][wait]") {
    Fixture f;
    const auto cr = f.create({{"priority", 1}, {"state", "Committed"}, {"container_count_max", 1}});
    CHECK(error_kind_of([&] { wait_request(f.store, cr.uuid, std::chrono::milliseconds(50)); }) == ErrorKind::timeout);
    f.cancel(*cr.container_uuid);
    CHECK(wait_request(f.store, cr.uuid, std::chrono::milliseconds(50)).state == RequestState::final_);
    CHECK(error_kind_of([&] { wait_request(f.store, "zzzzz-xvhdk-000000000000000", std::nullopt); }) == ErrorKind::not_found);
}
