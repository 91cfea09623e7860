// dsmc argv per operation and mode, the forced formats, password loading (file mode check,
// environment) and redaction of every spelling of the password option.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "opskit/backup/dsmc_command.hpp"
#include "opskit/backup/hooks.hpp"
#include "opskit/core/error.hpp"
#include "opskit/core/redact.hpp"
#include "temp_dir.hpp"

namespace fs = std::filesystem;
using namespace opskit;
using namespace opskit::backup;
using V = std::vector<std::string>;

TEST_CASE("dsmc argv for each operation, as seed 000 plus forced formats", "[backup][dsmc]") {
    DsmcOptions o;
    const V fmt = {"-dateformat=3", "-timeformat=1", "-numberformat=1"};
    const auto with = [&](V head, const V& tail) {
        head.insert(head.end(), fmt.begin(), fmt.end());
        head.insert(head.end(), tail.begin(), tail.end());
        return head;
    };
    CHECK(dsmc_argv(Operation::backup, Mode::image, "/dev/backup-1", o) ==
          with({"dsmc", "backup", "image", "-quiet", "-compression=yes"}, {"/dev/backup-1"}));
    o.compression = false;
    CHECK(dsmc_argv(Operation::backup, Mode::file, "/x/backup-1", o) ==
          with({"dsmc", "selective", "-quiet", "-compression=no"}, {"/x/backup-1"}));
    CHECK(dsmc_argv(Operation::restore, Mode::image, "/dev/backup-1", o) ==
          with({"dsmc", "restore", "image", "-quiet", "-noprompt"}, {"/dev/backup-1"}));
    CHECK(dsmc_argv(Operation::restore, Mode::file, "/x/b", o) ==
          with({"dsmc", "restore", "-quiet", "-noprompt", "-replace=yes"}, {"/x/b"}));
    CHECK(dsmc_argv(Operation::remove, Mode::image, "/dev/backup-1", o) ==
          with({"dsmc", "delete", "backup", "-quiet", "-noprompt", "-objtype=image", "-deltype=all"}, {"/dev/backup-1"}));
    CHECK(dsmc_argv(Operation::query, Mode::image, "", o) == with({"dsmc", "query", "image"}, {}));
    o.program = "/opt/tivoli/tsm/client/ba/bin/dsmc";
    o.extra = {"-servername=TSM1", "-virtualnode=N"};
    o.password = "s3cr3t";
    CHECK(dsmc_argv(Operation::query, Mode::file, "/d/backup-*", o) ==
          with({"/opt/tivoli/tsm/client/ba/bin/dsmc", "query", "backup"},
               {"-servername=TSM1", "-virtualnode=N", "-password=s3cr3t", "/d/backup-*"}));
}

TEST_CASE("every spelling of the password option is redacted in argv", "[backup][dsmc][secret]") {
    const V in = {"dsmc", "-password=a", "-pa=b", "-PASS=c", "-passw=d", "-pw=e", "-pass", "-paz=f", "/dev/x"};
    CHECK(redact_argv(in) ==
          V{"dsmc", "-password=***", "-password=***", "-password=***", "-password=***", "-pw=e", "-pass", "-paz=f", "/dev/x"});
}

TEST_CASE("password from a 0600 file or the environment, registered as a secret", "[backup][dsmc][secret]") {
    const opskit_test::TempDir tmp{"opskit-pwtest"};
    const auto& dir = tmp.path;
    const auto file = dir / "pw";
    std::ofstream(file) << "Hunter2-pw\n";
    ::chmod(file.c_str(), 0644);
    try {
        load_password(file);
        FAIL("accepted a 0644 password file");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::usage);
        CHECK(std::string(e.what()).find("0644") != std::string::npos);
        CHECK(std::string(e.what()).find("Hunter2") == std::string::npos);
    }
    ::chmod(file.c_str(), 0600);
    clear_secrets();
    CHECK(load_password(file) == std::optional<std::string>("Hunter2-pw"));
    CHECK(redact("x -password=Hunter2-pw y") == "x -password=*** y");
    try {
        load_password(dir / "missing");
        FAIL("accepted a missing file");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::not_found);
    }
    clear_secrets();
    ::setenv("BKCTL_PASSWORD", "from-env-pw", 1);
    CHECK(load_password(std::nullopt) == std::optional<std::string>("from-env-pw"));
    CHECK(redact("from-env-pw") == "***");
    ::unsetenv("BKCTL_PASSWORD");
    CHECK_FALSE(load_password(std::nullopt).has_value());
    clear_secrets();
}

TEST_CASE("hook commands split like a shell would, without one", "[backup][hooks]") {
    CHECK(split_command("docker exec db2 su - db2inst1 -c 'db2 connect to SAMPLE; db2 set write suspend for database'") ==
          V{"docker", "exec", "db2", "su", "-", "db2inst1", "-c", "db2 connect to SAMPLE; db2 set write suspend for database"});
    CHECK(split_command(R"(a "b c" d\ e "x\"y")") == V{"a", "b c", "d e", "x\"y"});
    CHECK(split_command("  a   ''  ") == V{"a", ""});
    CHECK_THROWS_AS(split_command("a 'b"), Error);
    CHECK_THROWS_AS(split_command("   "), Error);
}

TEST_CASE("hooks run without a shell and see BKCTL_DEVICE, BKCTL_BACKUP_ID, BKCTL_PHASE", "[backup][hooks]") {
    const auto h = run_hook("sh -c 'echo $BKCTL_PHASE:$BKCTL_DEVICE:$BKCTL_BACKUP_ID; exit 3'", "pre", "/dev/loop9", "id-1",
                            std::nullopt);
    CHECK(h.output == "pre:/dev/loop9:id-1\n");
    CHECK(h.exit_code == 3);
    CHECK_FALSE(h.ok);
    const auto ok = run_hook("true", "post", "/dev/x", "i", std::nullopt);
    CHECK(ok.ok);
    const auto missing = run_hook("/nonexistent/hook", "pre", "/dev/x", "i", std::nullopt);
    CHECK_FALSE(missing.ok);
    CHECK(missing.output.find("/nonexistent/hook") != std::string::npos);
    // `$HOME` is not expanded: no shell is involved
    CHECK(run_hook("echo $HOME", "pre", "d", "i", std::nullopt).output == "$HOME\n");
}
