// RFC 3339 times, the audit line (redacted, 0600 file), terminal rules.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "opskit/core/audit.hpp"
#include "opskit/core/error.hpp"
#include "opskit/core/fs.hpp"
#include "opskit/core/redact.hpp"
#include "opskit/core/term.hpp"
#include "opskit/core/time.hpp"
#include "temp_dir.hpp"

using namespace opskit;
namespace fs = std::filesystem;

TEST_CASE("timestamps are RFC 3339 UTC and round-trip", "[core][time]") {
    CHECK(to_rfc3339(from_epoch_ms(0)) == "1970-01-01T00:00:00Z");
    CHECK(to_rfc3339(from_epoch_ms(1795478400123)) == "2026-11-24T00:00:00.123Z");
    CHECK(parse_rfc3339("2026-11-24T00:00:00.123Z") == from_epoch_ms(1795478400123));
    CHECK(parse_rfc3339("2026-11-24T01:00:00+01:00") == from_epoch_ms(1795478400000));
    CHECK_FALSE(parse_rfc3339("2026-11-24 00:00:00"));
    CHECK_FALSE(parse_rfc3339("2026-13-24T00:00:00Z"));
    CHECK_FALSE(parse_rfc3339("yesterday"));
    const auto now = now_ms();
    CHECK(parse_rfc3339(to_rfc3339(now)) == now);
}

TEST_CASE("audit lines go to the audit file, redacted, file 0600", "[core][audit]") {
    const opskit_test::TempDir tmp{"opskit-audit"};
    const auto& dir = tmp.path;
    const auto file = dir / "audit.log";
    configure_audit({"bkctl", false, file});
    add_secret("topsecret");
    audit("backup", "/dev/loop0", "success", "argv=dsmc -password=topsecret");
    audit("restore", "/dev/loop0", "failed", "rc=12");
    clear_secrets();
    std::ifstream in(file);
    std::stringstream ss;
    ss << in.rdbuf();
    const auto text = ss.str();
    CHECK(text.find("bkctl[") != std::string::npos);
    CHECK(text.find("op=backup object=/dev/loop0 outcome=success detail=\"argv=dsmc -password=***\"") != std::string::npos);
    CHECK(text.find("op=restore") != std::string::npos);
    CHECK(text.find("topsecret") == std::string::npos);
    struct stat st{};
    REQUIRE(::stat(file.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    configure_audit({"bkctl", false, std::nullopt});
}

TEST_CASE("no colour when NO_COLOR is set or the fd is not a terminal", "[core][term]") {
    ::setenv("NO_COLOR", "1", 1);
    CHECK_FALSE(color_enabled(STDOUT_FILENO));
    ::unsetenv("NO_COLOR");
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    CHECK_FALSE(color_enabled(fds[1]));
    ::close(fds[0]);
    ::close(fds[1]);
}

TEST_CASE("atomic private writes", "[core][fs]") {
    const opskit_test::TempDir tmp{"opskit-fs"};
    const auto& dir = tmp.path;
    make_private_dir(dir / "a/b", 0700);
    CHECK((fs::status(dir / "a/b").permissions() & fs::perms::others_all) == fs::perms::none);
    write_file_atomic(dir / "a/b/state", "v1");
    write_file_atomic(dir / "a/b/state", "v2");
    CHECK(read_file(dir / "a/b/state") == "v2");
    struct stat st{};
    REQUIRE(::stat((dir / "a/b/state").c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    CHECK(fs::directory_iterator(dir / "a/b") != fs::directory_iterator());
    CHECK(std::distance(fs::directory_iterator(dir / "a/b"), fs::directory_iterator()) == 1);  // no temp left
}

TEST_CASE("read_file names a missing file while read_file_or_empty answers empty", "[core][fs]") {
    const opskit_test::TempDir tmp{"opskit-fs"};
    const auto missing = tmp.path / "never-written.txt";
    try {
        (void)read_file(missing);
        FAIL("read_file of a missing file returned");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::not_found);
        CHECK_THAT(e.what(), Catch::Matchers::Contains("never-written.txt"));
    }
    CHECK(read_file_or_empty(missing).empty());
    write_file_atomic(tmp.path / "log.txt", "line\n");
    CHECK(read_file_or_empty(tmp.path / "log.txt") == "line\n");
}
