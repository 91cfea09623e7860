// Containers through the dispatcher plumbing: lock rules and max dispatch attempts, holder
// checks, what may be reported in which state, the dispatch queue order, and the reuse
// preference order of reference §4.3 (including on-hold revival and stopping reuse).
#include "test_cr_fixture.hpp"

using namespace crtest;

namespace {
void set_column(Store& store, const std::string& uuid, const std::string& assignment) {
    Stmt st(store.handle(), "UPDATE containers SET " + assignment + " WHERE uuid = ?");
    st.bind(1, uuid).run();
}
}  // namespace

TEST_CASE("lock needs Queued and priority > 0, unlock needs the same holder", "[cr][container]") {
    Fixture f;
    auto cr = f.create({{"priority", 1}, {"state", "Committed"}});
    const auto uuid = *cr.container_uuid;
    auto c = f.lock(uuid);
    CHECK(c.state == ContainerState::locked);
    CHECK(c.lock_count == 1);
    CHECK(c.locked_by == holder);
    CHECK(error_kind_of([&] { f.lock(uuid); }) == ErrorKind::conflict);
    CHECK(error_kind_of([&] { f.store.write([&](Tx& tx) { return unlock_container(tx, uuid, "someone-else"); }); }) ==
          ErrorKind::conflict);
    CHECK(error_kind_of([&] { f.store.write([&](Tx& tx) { return start_container(tx, uuid, "someone-else"); }); }) ==
          ErrorKind::conflict);
    c = f.store.write([&](Tx& tx) { return unlock_container(tx, uuid, holder); });
    CHECK(c.state == ContainerState::queued);
    CHECK_FALSE(c.locked_by);
    CHECK(c.lock_count == 1);
    CHECK(error_kind_of([&] { f.store.write([&](Tx& tx) { return unlock_container(tx, uuid, holder); }); }) ==
          ErrorKind::conflict);
    f.store.write([&](Tx& tx) { return cancel_request(tx, cr.uuid); });
    const auto text = error_text_of([&] { f.lock(uuid); });
    CHECK(text.find("priority<=0") != std::string::npos);
    CHECK(error_kind_of([&] { f.store.write([&](Tx& tx) { return lock_container(tx, "zzzzz-dz642-000000000000000", holder); }); }) ==
          ErrorKind::not_found);
}

TEST_CASE("exceeding max dispatch attempts cancels the container, then the request retries", "[cr][container]") {
    StoreOptions o;
    o.max_dispatch_attempts = 3;
    Fixture f(o);
    auto cr = f.create({{"priority", 1}, {"state", "Committed"}});
    const auto uuid = *cr.container_uuid;
    Container c;
    for (int i = 1; i <= 3; ++i) {
        c = f.lock(uuid);
        CHECK(c.lock_count == i);
        c = f.store.write([&](Tx& tx) { return unlock_container(tx, uuid, holder); });
    }
    CHECK(c.state == ContainerState::cancelled);
    CHECK(c.runtime_status["error"].get<std::string>().find("lock_count=3") != std::string::npos);
    cr = f.req(cr.uuid);
    CHECK(cr.state == RequestState::committed);
    CHECK(cr.container_uuid != uuid);
    CHECK(f.ctr_of(cr).lock_count == 0);
}

TEST_CASE("state machine: start, progress, complete and what each state allows", "[cr][container]") {
    Fixture f;
    const auto cr = f.create({{"priority", 1}, {"state", "Committed"}});
    const auto uuid = *cr.container_uuid;
    CHECK(error_kind_of([&] { f.start(uuid); }) == ErrorKind::conflict);
    CHECK(error_kind_of([&] { f.complete(uuid); }) == ErrorKind::conflict);
    f.lock(uuid);
    ContainerReport exit_only;
    exit_only.exit_code = 0;
    CHECK(error_kind_of([&] { f.store.write([&](Tx& tx) { return set_progress(tx, uuid, holder, exit_only); }); }) ==
          ErrorKind::usage);
    ContainerReport status;
    status.runtime_status = Json{{"activity", "pulling image"}};
    CHECK(f.store.write([&](Tx& tx) { return set_progress(tx, uuid, holder, status); }).runtime_status["activity"] ==
          "pulling image");
    auto c = f.start(uuid);
    CHECK(c.state == ContainerState::running);
    CHECK(c.started_at);
    ContainerReport bad;
    bad.progress = 1.5;
    bad.runtime_status = Json{{"error", 5}};
    bad.output = "not-a-pdh";
    const auto text = error_text_of([&] { f.store.write([&](Tx& tx) { return set_progress(tx, uuid, holder, bad); }); });
    CHECK(text.find("progress") != std::string::npos);
    CHECK(text.find("runtime_status.error") != std::string::npos);
    CHECK(text.find("portable data hash") != std::string::npos);
    ContainerReport progress;
    progress.progress = 0.5;
    progress.runtime_status = Json{{"warning", "slow"}};
    c = f.store.write([&](Tx& tx) { return set_progress(tx, uuid, holder, progress); });
    CHECK(c.progress == 0.5);
    CHECK(c.runtime_status == Json{{"activity", "pulling image"}, {"warning", "slow"}});
    c = f.complete(uuid, 3);
    CHECK(c.state == ContainerState::complete);
    CHECK(c.exit_code == 3);
    CHECK(c.finished_at);
    CHECK_FALSE(c.locked_by);
    CHECK(error_kind_of([&] { f.lock(uuid); }) == ErrorKind::conflict);
    // Complete with a non-zero exit still finalizes with an output record; never reused.
    const auto done = f.req(cr.uuid);
    CHECK(done.state == RequestState::final_);
    CHECK(done.output_uuid);
    const auto again = f.create({{"priority", 1}, {"state", "Committed"}});
    CHECK(again.container_uuid != cr.container_uuid);
}

TEST_CASE("the dispatch queue: Queued with priority > 0, highest first", "[cr][container]") {
    Fixture f;
    const auto low = f.create({{"priority", 1}, {"state", "Committed"}, {"command", {"low"}}});
    const auto high = f.create({{"priority", 9}, {"state", "Committed"}, {"command", {"high"}}});
    const auto held = f.create({{"priority", 5}, {"state", "Committed"}, {"command", {"held"}}});
    f.store.write([&](Tx& tx) { return cancel_request(tx, held.uuid); });
    const auto queue = f.store.read([&](Tx& tx) { return queued_containers(tx); });
    REQUIRE(queue.size() == 2);
    CHECK(queue[0].uuid == *high.container_uuid);
    CHECK(queue[1].uuid == *low.container_uuid);
    f.lock(*high.container_uuid);
    ContainerFilter mine;
    mine.locked_by = holder;
    CHECK(f.store.read([&](Tx& tx) { return list_containers(tx, mine); }).size() == 1);
    CHECK(f.store.read([&](Tx& tx) { return list_containers(tx); }).size() == 3);
}

TEST_CASE("the dispatch queue read page by page is the whole queue in order, locks between pages neither skip nor repeat", "[cr][container][queue]") {
    Fixture f;
    std::vector<std::string> expected;  // priority 9, 5, 5, 5, 1 (same priority: oldest first)
    for (const int p : {5, 1, 9, 5, 5}) {
        const auto r = f.create({{"priority", p}, {"state", "Committed"}, {"use_existing", false}, {"command", {"job", std::to_string(expected.size())}}});
        expected.push_back(*r.container_uuid);
    }
    // Same created_at for two of them, as a bulk insert within one millisecond makes: the
    // uuid decides, and the page boundary must not split the tie wrongly.
    set_column(f.store, expected[3], "created_at = (SELECT created_at FROM containers WHERE uuid = '" + expected[0] + "')");
    const auto whole = f.store.read([&](Tx& tx) { return queued_containers(tx); });
    REQUIRE(whole.size() == 5);
    CHECK(whole.front().uuid == expected[2]);
    CHECK(whole.back().uuid == expected[1]);

    std::vector<std::string> paged;
    std::optional<QueuePosition> after;
    for (;;) {
        const auto page = f.store.read([&](Tx& tx) { return queued_page(tx, after, 2); });
        if (page.empty()) break;
        CHECK(page.size() <= 2);
        for (const auto& c : page) paged.push_back(c.uuid);
        after = QueuePosition{page.back().priority, page.back().created_at, page.back().uuid};
        f.lock(page.front().uuid);  // what a dispatcher does between pages
    }
    std::vector<std::string> in_order;
    for (const auto& c : whole) in_order.push_back(c.uuid);
    CHECK(paged == in_order);
    CHECK(f.store.read([&](Tx& tx) { return count_queued(tx); }) == 2);
}

TEST_CASE("reuse prefers the earliest finished Complete exit-0 container", "[cr][container][reuse]") {
    Fixture f;
    const auto a = f.create({{"priority", 1}, {"state", "Committed"}, {"use_existing", false}});
    const auto b = f.create({{"priority", 1}, {"state", "Committed"}, {"use_existing", false}});
    REQUIRE(a.container_uuid != b.container_uuid);
    f.run_container(a);
    f.run_container(b);
    set_column(f.store, *a.container_uuid, "finished_at = finished_at + 5000");
    auto c = f.create({{"priority", 1}, {"state", "Committed"}});
    CHECK(c.container_uuid == b.container_uuid);
    CHECK(c.state == RequestState::final_);
    set_column(f.store, *a.container_uuid, "finished_at = finished_at - 10000");
    c = f.create({{"priority", 1}, {"state", "Committed"}});
    CHECK(c.container_uuid == a.container_uuid);
}

TEST_CASE("a finished result whose output is gone is not reused", "[cr][container][reuse]") {
    Fixture f;
    const auto a = f.create({{"priority", 1}, {"state", "Committed"}});
    f.run_container(a);
    Stmt st(f.store.handle(), "UPDATE collections SET trash_at = 1");
    st.run();
    const auto b = f.create({{"priority", 1}, {"state", "Committed"}});
    CHECK(b.container_uuid != a.container_uuid);
    CHECK(b.state == RequestState::committed);
}

TEST_CASE("reuse order: Running (most progress, no error) before Locked before Queued", "[cr][container][reuse]") {
    Fixture f;
    auto make = [&] { return *f.create({{"priority", 1}, {"state", "Committed"}, {"use_existing", false}}).container_uuid; };
    const auto queued = make();
    const auto locked = make();
    const auto running_slow = make();
    const auto running_fast = make();
    const auto running_err = make();
    f.lock(locked);
    for (const auto& u : {running_slow, running_fast, running_err}) {
        f.lock(u);
        f.start(u);
    }
    ContainerReport slow, fast, err;
    slow.progress = 0.2;
    fast.progress = 0.7;
    err.progress = 0.9;
    err.runtime_status = Json{{"error", "disk full"}};
    f.store.write([&](Tx& tx) {
        set_progress(tx, running_slow, holder, slow);
        set_progress(tx, running_fast, holder, fast);
        set_progress(tx, running_err, holder, err);
    });
    CHECK(f.create({{"priority", 1}, {"state", "Committed"}}).container_uuid == running_fast);
    for (const auto& u : {running_slow, running_fast, running_err}) f.cancel(u);
    CHECK(f.create({{"priority", 1}, {"state", "Committed"}}).container_uuid == locked);
    f.cancel(locked);
    CHECK(f.create({{"priority", 1}, {"state", "Committed"}}).container_uuid == queued);
}

TEST_CASE("an on-hold container is revived by a new identical request", "[cr][container][reuse]") {
    Fixture f;
    const auto a = f.create({{"priority", 1}, {"state", "Committed"}});
    f.store.write([&](Tx& tx) { return cancel_request(tx, a.uuid); });
    REQUIRE(f.ctr_of(a).priority == 0);
    const auto b = f.create({{"priority", 2}, {"state", "Committed"}});
    CHECK(b.container_uuid == a.container_uuid);
    CHECK(f.ctr_of(b).priority == top_level_priority(b));
}

TEST_CASE("a non-preemptible request does not take a preemptible queued container", "[cr][container][reuse]") {
    Fixture f;
    const auto a = f.create({{"priority", 1}, {"state", "Committed"}});
    set_column(f.store, *a.container_uuid, "scheduling_parameters = '{\"preemptible\":true}'");
    const auto b = f.create({{"priority", 1}, {"state", "Committed"}});
    CHECK(b.container_uuid != a.container_uuid);
}

TEST_CASE("cancelling a Complete container stops its reuse", "[cr][container][reuse]") {
    Fixture f;
    const auto a = f.create({{"priority", 1}, {"state", "Committed"}});
    f.run_container(a);
    ContainerReport change;
    change.exit_code = 1;
    CHECK(error_kind_of([&] { f.cancel(*a.container_uuid, change); }) == ErrorKind::conflict);
    const auto c = f.cancel(*a.container_uuid);
    CHECK(c.state == ContainerState::cancelled);
    CHECK(f.cancel(*a.container_uuid).state == ContainerState::cancelled);  // idempotent
    CHECK(f.req(a.uuid).state == RequestState::final_);
    const auto b = f.create({{"priority", 1}, {"state", "Committed"}});
    CHECK(b.container_uuid != a.container_uuid);
}

TEST_CASE("a cancel with a different holder is refused, an administrative cancel is not", "[cr][container]") {
    Fixture f;
    const auto a = f.create({{"priority", 1}, {"state", "Committed"}, {"container_count_max", 1}});
    f.lock(*a.container_uuid);
    CHECK(error_kind_of([&] { f.store.write([&](Tx& tx) { return cancel_container(tx, *a.container_uuid, "other"); }); }) ==
          ErrorKind::conflict);
    ContainerReport why;
    why.runtime_status = Json{{"error", "constraints not satisfiable"}};
    const auto c = f.cancel(*a.container_uuid, why);
    CHECK(c.state == ContainerState::cancelled);
    CHECK(c.runtime_status["error"] == "constraints not satisfiable");
    CHECK(f.req(a.uuid).state == RequestState::final_);
}
