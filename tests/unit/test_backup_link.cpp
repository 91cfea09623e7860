// Backup ids and the per-backup hard link: validation before any file exists, link(2) to the
// same inode, reuse after a crash, conflict with another inode, removal by the destructor,
// and sweep of links whose run died (simulated with a child that exits without unwinding).
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "opskit/backup/backup_id.hpp"
#include "opskit/backup/link.hpp"
#include "opskit/core/error.hpp"
#include "opskit/device/resolve.hpp"

namespace fs = std::filesystem;
using namespace opskit;

namespace {

struct Scratch {
    fs::path dir;
    Scratch() {
        char tmpl[] = "/tmp/opskit-linktest.XXXXXX";
        dir = ::mkdtemp(tmpl);
        fs::create_directory(dir / "dev");
        fs::create_directory(dir / "locks");
        ::setenv("OPSKIT_LOCK_DIR", (dir / "locks").c_str(), 1);
        std::ofstream(dir / "vol.img") << "volume bytes";
    }
    ~Scratch() {
        ::unsetenv("OPSKIT_LOCK_DIR");
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
    device::DeviceInfo target() const {
        device::ResolveOptions o;
        o.allow_regular_file = true;
        return device::resolve_device((dir / "vol.img").string(), o);
    }
};

ErrorKind error_kind(const std::function<void()>& fn) {
    try {
        fn();
    } catch (const Error& e) {
        return e.kind();
    }
    return ErrorKind::internal;
}

}  // namespace

TEST_CASE("backup ids: the allowed alphabet, length and first character", "[backup][id]") {
    for (const char* ok : {"a", "123", "vol-1.2_3", "A.b-c_d", "x-"}) CHECK(backup::is_valid_backup_id(ok));
    CHECK(backup::is_valid_backup_id(std::string(128, 'a')));
    for (const char* bad : {"", ".hidden", "-rf", "../x", "a/b", "/etc/passwd", "a b", "a\nb", "*", "a;b", "é"})
        CHECK_FALSE(backup::is_valid_backup_id(bad));
    CHECK_FALSE(backup::is_valid_backup_id(std::string(129, 'a')));
    CHECK_FALSE(backup::is_valid_backup_id(std::string("a\0b", 3)));
    try {
        backup::validate_backup_id(std::string("a\nb"));
        FAIL("accepted a newline");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::usage);
        CHECK(std::string(e.what()).find("(a\\x0ab)") != std::string::npos);
    }
    CHECK(error_kind([] { backup::validate_prefix("-x"); }) == ErrorKind::usage);
}

TEST_CASE("link_path refuses bad ids before touching anything", "[backup][link]") {
    Scratch s;
    CHECK(backup::link_path("/dev", "backup", "42") == "/dev/backup-42");
    CHECK(error_kind([&] { backup::link_path(s.dir / "dev", "backup", "../x"); }) == ErrorKind::usage);
    CHECK(error_kind([&] { backup::link_path(s.dir / "dev", "../b", "x"); }) == ErrorKind::usage);
    CHECK(fs::is_empty(s.dir / "dev"));
    CHECK(fs::is_empty(s.dir / "locks"));
}

TEST_CASE("the link is the same inode, reused after a crash, removed by the destructor", "[backup][link]") {
    Scratch s;
    const auto t = s.target();
    const auto link = s.dir / "dev" / "backup-7";
    {
        auto l = backup::BackupLink::create(s.dir / "dev", "backup", "7", t);
        CHECK(l.path() == link);
        CHECK_FALSE(l.reused());
        struct stat st{};
        REQUIRE(::stat(link.c_str(), &st) == 0);
        CHECK(st.st_ino == t.inode);
        CHECK(st.st_nlink == 2);
        // a second run on the same link is busy
        CHECK(error_kind([&] { backup::BackupLink::create(s.dir / "dev", "backup", "7", t); }) == ErrorKind::busy);
    }
    CHECK_FALSE(fs::exists(link));
    CHECK(fs::exists(s.dir / "vol.img"));

    // left over by a crashed run: same inode → reused, then removed
    REQUIRE(::link((s.dir / "vol.img").c_str(), link.c_str()) == 0);
    {
        auto l = backup::BackupLink::create(s.dir / "dev", "backup", "7", t);
        CHECK(l.reused());
    }
    CHECK_FALSE(fs::exists(link));

    // another inode under the name → conflict, and it is left alone
    std::ofstream(link) << "someone else's";
    CHECK(error_kind([&] { backup::BackupLink::create(s.dir / "dev", "backup", "7", t); }) == ErrorKind::conflict);
    CHECK(fs::exists(link));

    CHECK(error_kind([&] { backup::BackupLink::create(s.dir / "nodir", "backup", "8", t); }) == ErrorKind::not_found);
}

TEST_CASE("explicit remove and move keep exactly one owner", "[backup][link]") {
    Scratch s;
    const auto t = s.target();
    auto a = backup::BackupLink::create(s.dir / "dev", "backup", "m", t);
    backup::BackupLink b = std::move(a);
    CHECK(fs::exists(b.path()));
    b.remove();
    CHECK_FALSE(fs::exists(s.dir / "dev" / "backup-m"));
    b.remove();  // idempotent
}

TEST_CASE("sweep removes links of dead runs and keeps live ones", "[backup][sweep]") {
    Scratch s;
    const auto t = s.target();
    // A run that dies without unwinding (as with kill -9): the child exits at once.
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        auto l = backup::BackupLink::create(s.dir / "dev", "backup", "dead", t);
        ::_exit(0);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    REQUIRE(fs::exists(s.dir / "dev" / "backup-dead"));
    auto live = backup::BackupLink::create(s.dir / "dev", "backup", "live", t);
    std::ofstream(s.dir / "dev" / "backup-foreign") << "made by hand";
    std::ofstream(s.dir / "dev" / "other-x") << "other prefix";

    const auto dry = backup::sweep_links(s.dir / "dev", "backup", true);
    CHECK(fs::exists(s.dir / "dev" / "backup-dead"));
    const auto entries = backup::sweep_links(s.dir / "dev", "backup", false);
    std::map<std::string, std::string> action;
    for (const auto& e : entries) action[e.path.filename().string()] = e.action;
    for (const auto& e : dry)
        if (e.path.filename() == "backup-dead") CHECK(e.action == "would_remove");
    CHECK(action["backup-dead"] == "removed");
    CHECK(action["backup-live"] == "kept");
    CHECK(action["backup-foreign"] == "skipped");
    CHECK(action.count("other-x") == 0);
    CHECK_FALSE(fs::exists(s.dir / "dev" / "backup-dead"));
    CHECK(fs::exists(s.dir / "dev" / "backup-live"));
    CHECK(fs::exists(s.dir / "dev" / "backup-foreign"));
    CHECK(fs::exists(s.dir / "vol.img"));
}
