// vmctl volume verbs against the libvirt test driver in-process (node fixture
// tests/data/vm/node.xml, fresh per connection). libvirt 9.0's test driver implements no
// virDomainAttachDeviceFlags/DetachDeviceFlags, virDomainBlockResize or virStorageVolResize,
// so attach/detach go through the redefine fallback (reported in `detail`) and resize
// reaches libvirt's "not supported" — the checks before the call (Mold's snapshot guard,
// targets, sources, no-ops, shrink) are what these tests pin down.
#include <catch2/catch.hpp>

#include "opskit/core/audit.hpp"
#include "opskit/core/error.hpp"
#include "opskit/vm/lifecycle.hpp"
#include "temp_dir.hpp"

using namespace opskit;
using namespace opskit::vm;

namespace {

struct VolumeFixture {
    opskit_test::TempDir locks{"opskit-vmvol-test"};
    opskit_test::ScopedEnv lock_dir{"OPSKIT_LOCK_DIR", locks.path.string()};
    std::unique_ptr<Backend> backend;
    VolumeFixture() {
        configure_audit({"vmctl", false, std::nullopt});
        backend = open_libvirt(std::string("test://") + OPSKIT_TEST_DATA + "/vm/node.xml");
    }
    Lifecycle life() { return Lifecycle(*backend, {false, true, Duration(20)}); }
    const Volume* disk(const std::string& vm, const std::string& target) {
        m_disks = backend->disks(vm);
        for (const auto& d : m_disks)
            if (d.target == target) return &d;
        return nullptr;
    }
    std::vector<Volume> m_disks;
};

std::string message(const OpResult& r) { return r.error ? r.error->what() : std::string(); }

}  // namespace

TEST_CASE("volume rules: targets, buses, the next free target, Mold's reasons", "[vm][volume]") {
    for (const char* ok : {"vdb", "sdaa", "hdc", "xvda"}) CHECK_NOTHROW(check_disk_target(ok));
    for (const char* bad : {"", "vd", "vdB", "vd1", "nvme0n1", "vdabc", "../vdb"})
        CHECK_THROWS_MATCHES(check_disk_target(bad), Error, Catch::Matchers::Predicate<Error>([](const Error& e) {
                                 return e.kind() == ErrorKind::usage;
                             }));
    CHECK(bus_for_target("vdb") == "virtio");
    CHECK(bus_for_target("sdb") == "scsi");
    CHECK(next_free_target({"vda", "vdb", "vdd"}, "x") == "vdc");
    std::vector<std::string> full;
    for (char c = 'a'; c <= 'z'; ++c) full.push_back(std::string("vd") + c);
    CHECK_THROWS_AS(next_free_target(full, "x"), Error);
    CHECK(snapshot_guard_reason(Operation::volume_attach) ==
          "Unable to attach volume, please specify a VM that does not have VM snapshots");
    CHECK(snapshot_guard_reason(Operation::volume_detach) ==
          "Unable to detach volume, please specify a VM that does not have VM snapshots");
    CHECK(snapshot_guard_reason(Operation::volume_resize) ==
          "A volume that is attached to a VM with any VM snapshots cannot be resized.");
    CHECK_NOTHROW(check_snapshot_guard(Operation::volume_attach, 0, "web1", "web1 vdb"));
    try {
        check_snapshot_guard(Operation::volume_resize, 2, "web1", "web1 vdb");
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(e.exit_code() == ExitCode::conflict);
        CHECK(std::string(e.what()) ==
              "volume resize (web1 vdb): A volume that is attached to a VM with any VM snapshots cannot be resized. "
              "(web1 has 2 snapshots: see vmctl snapshot list web1)");
    }
    CHECK(decide(Operation::volume_attach, VmState::destroyed).verdict == Verdict::conflict);
    CHECK(decide(Operation::volume_resize, VmState::running).verdict == Verdict::proceed);
}

TEST_CASE_METHOD(VolumeFixture, "disks: persistent and live merged, root first, managed with capacity", "[vm][volume]") {
    const auto db1 = backend->disks("db1");
    REQUIRE(db1.size() == 4);   // the cdrom is not a volume
    CHECK(db1[0].target == "vda");
    CHECK(db1[0].root);
    CHECK(db1[1].managed);
    CHECK(db1[1].capacity == std::optional<std::uint64_t>(64u << 20));
    CHECK(db1[1].config);
    CHECK_FALSE(db1[1].live);   // db1 is shut off
    CHECK_FALSE(db1[3].managed);
    CHECK(db1[3].path == "/srv/unmanaged.img");
    const auto web1 = backend->disks("web1");
    REQUIRE(web1.size() == 1);
    CHECK(web1[0].live);
    CHECK(web1[0].config);
    const auto j = disk_json(db1[1]);
    CHECK(j["capacity_bytes"] == 64u << 20);
    CHECK(j["target"] == "vdb");
}

TEST_CASE_METHOD(VolumeFixture, "attach: first free target, idempotent re-run, taken target and moved source refused",
                 "[vm][volume]") {
    auto life = this->life();
    auto r = life.volume_attach("db1", "/srv/extra.img", "");
    REQUIRE_FALSE(r.error);
    CHECK(r.changed);
    CHECK(r.extra["volume"]["target"] == "vde");
    CHECK(r.detail.find("persistent definition") != std::string::npos);   // the test driver's fallback
    REQUIRE(disk("db1", "vde"));
    CHECK(disk("db1", "vde")->path == "/srv/extra.img");

    r = life.volume_attach("db1", "/srv/extra.img", "");
    REQUIRE_FALSE(r.error);
    CHECK_FALSE(r.changed);
    CHECK(r.detail == "already attached as vde");
    r = life.volume_attach("db1", "/srv/extra.img", "vde");
    CHECK_FALSE(r.error);
    CHECK_FALSE(r.changed);

    r = life.volume_attach("db1", "/srv/extra.img", "vdf");
    CHECK(r.exit_code() == ExitCode::conflict);
    CHECK(message(r).find("already attached as vde") != std::string::npos);
    r = life.volume_attach("db1", "/srv/other.img", "vdb");
    CHECK(r.exit_code() == ExitCode::conflict);
    CHECK(message(r) == "volume attach (db1 vdb): target already in use by /vmpool/db1-data.img");

    r = life.volume_attach("db1", "/srv/other.img", "vd1");
    CHECK(r.exit_code() == ExitCode::usage);
}

TEST_CASE_METHOD(VolumeFixture, "attach a POOL/VOLUME to a running VM: config only on the test driver, said so",
                 "[vm][volume]") {
    auto life = this->life();
    auto r = life.volume_attach("web1", "vmpool/db1-logs.img", "vdc");
    REQUIRE_FALSE(r.error);
    CHECK(r.detail.find("cannot hot-plug") != std::string::npos);
    const auto* d = disk("web1", "vdc");
    REQUIRE(d);
    CHECK(d->path == "/vmpool/db1-logs.img");   // a file pool's volume is attached by its path
    CHECK(d->managed);
    CHECK(d->config);
    CHECK_FALSE(d->live);

    CHECK(life.volume_attach("web1", "nopool/x.img", "").exit_code() == ExitCode::not_found);
    CHECK(life.volume_attach("web1", "vmpool/none.img", "").exit_code() == ExitCode::not_found);
    CHECK(life.volume_attach("web1", "disk.img", "").exit_code() == ExitCode::usage);
    CHECK(life.volume_attach("web1", "./disk.img", "").exit_code() == ExitCode::usage);
    CHECK(life.volume_attach("nope", "/srv/x.img", "").exit_code() == ExitCode::not_found);
}

TEST_CASE_METHOD(VolumeFixture, "Mold's guard: attach, detach and resize refused while the VM has snapshots",
                 "[vm][volume]") {
    auto life = this->life();
    REQUIRE_FALSE(life.snapshot_create("db1", {"s1", "", false, false}).error);
    auto r = life.volume_attach("db1", "/srv/extra.img", "");
    CHECK(r.exit_code() == ExitCode::conflict);
    CHECK(message(r).starts_with(
        "volume attach (db1 /srv/extra.img): Unable to attach volume, please specify a VM that does not have VM snapshots"));
    r = life.volume_detach("db1", "vdc");
    CHECK(r.exit_code() == ExitCode::conflict);
    CHECK(message(r).find("Unable to detach volume, please specify a VM that does not have VM snapshots") !=
          std::string::npos);
    r = life.volume_resize("db1", "vdb", 128u << 20, false);
    CHECK(r.exit_code() == ExitCode::conflict);
    CHECK(message(r).find("A volume that is attached to a VM with any VM snapshots cannot be resized.") != std::string::npos);
    CHECK(disk("db1", "vdc"));   // nothing changed
    CHECK_FALSE(disk("db1", "vde"));
    // Existence still comes first: an unknown target is not found, not a conflict.
    CHECK(life.volume_detach("db1", "vdz").exit_code() == ExitCode::not_found);
    // Nothing to change is not refused.
    CHECK_FALSE(life.volume_resize("db1", "vdb", 64u << 20, false).error);
    REQUIRE_FALSE(life.snapshot_delete("db1", "s1", false).error);
    r = life.volume_detach("db1", "vdc");
    CHECK_FALSE(r.error);
}

TEST_CASE_METHOD(VolumeFixture, "detach: unknown target 4, root only when Stopped, the storage is kept", "[vm][volume]") {
    auto life = this->life();
    auto r = life.volume_detach("db1", "vdd");
    REQUIRE_FALSE(r.error);
    CHECK(r.changed);
    CHECK(r.extra["volume"]["path"] == "/srv/unmanaged.img");
    CHECK_FALSE(disk("db1", "vdd"));
    CHECK(life.volume_detach("db1", "vdd").exit_code() == ExitCode::not_found);
    r = life.volume_detach("web1", "vda");
    CHECK(r.exit_code() == ExitCode::conflict);
    CHECK(message(r).find("root disk") != std::string::npos);
    CHECK(life.volume_detach("db1", "bogus").exit_code() == ExitCode::usage);

    Lifecycle dry(*backend, {true, true, Duration(20)});
    r = dry.volume_detach("db1", "vdc");
    CHECK(r.changed);
    CHECK(r.dry_run);
    CHECK(disk("db1", "vdc"));
}

TEST_CASE_METHOD(VolumeFixture, "resize: same size no-op, shrink needs --shrink, unpooled path of a stopped VM refused",
                 "[vm][volume]") {
    auto life = this->life();
    auto r = life.volume_resize("db1", "vdb", 64u << 20, false);
    REQUIRE_FALSE(r.error);
    CHECK_FALSE(r.changed);
    CHECK(r.detail == "already 64.0 MiB");
    r = life.volume_resize("db1", "vdb", 32u << 20, false);
    CHECK(r.exit_code() == ExitCode::conflict);
    CHECK(message(r).find("add --shrink") != std::string::npos);
    r = life.volume_resize("db1", "vdd", 1u << 30, false);
    CHECK(r.exit_code() == ExitCode::conflict);
    CHECK(message(r).find("in no libvirt storage pool") != std::string::npos);
    // The test driver has no virStorageVolResize: libvirt's own reason reaches the caller.
    r = life.volume_resize("db1", "vdb", 128u << 20, false);
    CHECK(r.exit_code() == ExitCode::failed);
    CHECK(message(r).find("not supported") != std::string::npos);
    CHECK(life.volume_resize("db1", "vdb", 0, false).exit_code() == ExitCode::usage);
    CHECK(life.volume_resize("db1", "vdx", 1u << 30, false).exit_code() == ExitCode::not_found);
    REQUIRE_FALSE(life.destroy("db1", {}, {}, Duration(86400000)).error);
    CHECK(life.volume_resize("db1", "vdb", 1u << 30, false).exit_code() == ExitCode::conflict);
}
