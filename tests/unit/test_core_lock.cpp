// Locks: exclusive, busy at once or after a wait, released with the holder (even on kill -9),
// owner recorded for messages and sweepers.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>

#include "opskit/core/error.hpp"
#include "opskit/core/lock.hpp"
#include "temp_dir.hpp"

using namespace opskit;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {
struct LockDirFixture {
    opskit_test::TempDir tmp{"opskit-locks"};
    const fs::path& dir = tmp.path;
    opskit_test::ScopedEnv lock_dir{"OPSKIT_LOCK_DIR", dir.string()};
};

// Holds `name` in a child process until killed; returns its pid once the lock is taken.
pid_t hold_in_child(const std::string& name) {
    int ready[2];
    REQUIRE(::pipe(ready) == 0);
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::close(ready[0]);
        auto lock = acquire_lock(name, "test object");
        [[maybe_unused]] auto n = ::write(ready[1], "x", 1);
        ::pause();
        ::_exit(0);
    }
    ::close(ready[1]);
    char c;
    REQUIRE(::read(ready[0], &c, 1) == 1);
    ::close(ready[0]);
    return pid;
}
}  // namespace

TEST_CASE("a lock is exclusive and the busy error names the holder", "[core][lock]") {
    LockDirFixture fx;
    const pid_t holder = hold_in_child("vm-web1");
    try {
        acquire_lock("vm-web1", "VM web1");
        FAIL("took a held lock");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::busy);
        CHECK(e.exit_code() == ExitCode::busy);
        const std::string msg = e.what();
        CHECK(msg.find("VM web1") != std::string::npos);
        CHECK(msg.find("pid " + std::to_string(holder)) != std::string::npos);
    }
    CHECK(lock_is_held(lock_path_for("vm-web1")));
    const auto owner = read_lock_owner(lock_path_for("vm-web1"));
    REQUIRE(owner);
    CHECK(owner->pid == holder);
    CHECK(owner->what == "test object");

    // kill -9: the kernel drops the lock; the next run takes it at once.
    ::kill(holder, SIGKILL);
    ::waitpid(holder, nullptr, 0);
    CHECK_FALSE(lock_is_held(lock_path_for("vm-web1")));
    auto lock = acquire_lock("vm-web1", "VM web1");
    CHECK(lock.held());
}

TEST_CASE("waiting for a lock gives up after the wait with busy", "[core][lock]") {
    LockDirFixture fx;
    const pid_t holder = hold_in_child("dev");
    CHECK_THROWS_AS(acquire_lock("dev", "device", 150ms), Error);
    ::kill(holder, SIGKILL);
    ::waitpid(holder, nullptr, 0);
}

TEST_CASE("waiting for a lock succeeds when the holder goes away", "[core][lock]") {
    LockDirFixture fx;
    const pid_t holder = hold_in_child("store");
    const pid_t killer = ::fork();
    if (killer == 0) {
        ::usleep(100000);
        ::kill(holder, SIGKILL);
        ::_exit(0);
    }
    auto lock = acquire_lock("store", "store", 10s);
    CHECK(lock.held());
    ::waitpid(holder, nullptr, 0);
    ::waitpid(killer, nullptr, 0);
}

TEST_CASE("names are made file-safe and locks release on destruction", "[core][lock]") {
    LockDirFixture fx;
    const auto path = lock_path_for("../etc/passwd x");
    CHECK(path.parent_path() == fx.dir);
    CHECK(path.filename().string().find('/') == std::string::npos);
    {
        auto lock = acquire_lock("../etc/passwd x", "odd name");
        CHECK(lock_is_held(path));
    }
    CHECK_FALSE(lock_is_held(path));
    auto lock = acquire_lock("gone", "gone");
    lock.release_and_remove();
    CHECK_FALSE(fs::exists(lock_path_for("gone")));
}

TEST_CASE("the lock folder is private", "[core][lock]") {
    LockDirFixture fx;
    const auto dir = lock_dir();
    CHECK((fs::status(dir).permissions() & (fs::perms::group_all | fs::perms::others_all)) == fs::perms::none);
}
