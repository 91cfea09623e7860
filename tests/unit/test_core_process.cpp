// The subprocess runner: argv without a shell, capture and merge, exit codes and signals,
// timeouts that kill the whole process group, redaction of captured output.
#include <catch2/catch.hpp>

#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "opskit/core/error.hpp"
#include "opskit/core/process.hpp"
#include "opskit/core/redact.hpp"
#include "temp_dir.hpp"

using namespace opskit;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {
// Alive and not a zombie: orphans are reparented to PID 1, which may reap them late.
bool alive(pid_t pid) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string pid_field, comm, state;
    if (!(stat >> pid_field >> comm >> state)) return false;
    return state != "Z" && state != "X";
}

}  // namespace

TEST_CASE("argv is passed as is, never through a shell", "[core][process]") {
    ProcessSpec spec;
    spec.argv = {"printf", "%s|", "a b", "$HOME", ";", "`id`"};
    const auto r = run_process(spec);
    CHECK(r.exit_code == 0);
    CHECK(r.out == "a b|$HOME|;|`id`|");
}

TEST_CASE("exit status, stderr and merged output are reported", "[core][process]") {
    ProcessSpec spec;
    spec.argv = {"sh", "-c", "echo out; echo err >&2; exit 3"};
    auto r = run_process(spec);
    CHECK(r.exit_code == 3);
    CHECK(r.out == "out\n");
    CHECK(r.err == "err\n");
    CHECK_FALSE(r.success());

    spec.merge_output = true;
    spec.argv = {"sh", "-c", "echo one; echo two >&2; echo three"};
    r = run_process(spec);
    CHECK(r.out == "one\ntwo\nthree\n");
    CHECK(r.err.empty());
}

TEST_CASE("stdin is /dev/null unless data is given", "[core][process]") {
    ProcessSpec spec;
    spec.argv = {"cat"};
    CHECK(run_process(spec).out.empty());
    spec.stdin_data = "fed\n";
    CHECK(run_process(spec).out == "fed\n");
}

// A child that exits without reading its stdin (sbatch refusing a job) made the write raise
// SIGPIPE, which killed the whole tool (exit 141). The runner must see EPIPE instead, report
// the child's own exit code, and leave no SIGPIPE pending for the caller.
TEST_CASE("a child that exits without reading stdin is reported, not fatal", "[core][process]") {
    ProcessSpec spec;
    spec.argv = {"sh", "-c", "echo refused >&2; exit 3"};
    spec.stdin_data = std::string(4 << 20, 'x');  // far more than a pipe holds
    const auto r = run_process(spec);
    CHECK(r.exit_code == 3);
    CHECK(r.err == "refused\n");
    sigset_t pending;
    sigpending(&pending);
    CHECK(sigismember(&pending, SIGPIPE) == 0);
}

TEST_CASE("environment can be set, unset and cleared", "[core][process]") {
    ::setenv("OPSKIT_TEST_DROP", "x", 1);
    ProcessSpec spec;
    spec.argv = {"sh", "-c", "echo \"${OPSKIT_A:-none} ${OPSKIT_TEST_DROP:-gone}\""};
    spec.env_set = {{"OPSKIT_A", "set"}};
    spec.env_unset = {"OPSKIT_TEST_DROP"};
    CHECK(run_process(spec).out == "set gone\n");
    spec.clear_env = true;
    spec.argv = {"/usr/bin/env"};
    CHECK(run_process(spec).out == "OPSKIT_A=set\n");
}

TEST_CASE("a missing program is an unavailable error naming it", "[core][process]") {
    ProcessSpec spec;
    spec.argv = {"opskit-no-such-program"};
    try {
        run_process(spec);
        FAIL("ran a missing program");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::unavailable);
        CHECK(std::string(e.what()).find("opskit-no-such-program") != std::string::npos);
    }
    spec.argv = {"/etc/passwd"};
    CHECK_THROWS_AS(run_process(spec), Error);
}

TEST_CASE("a bad working directory is reported, not run elsewhere", "[core][process]") {
    ProcessSpec spec;
    spec.argv = {"true"};
    spec.cwd = "/nonexistent/opskit";
    CHECK_THROWS_AS(run_process(spec), Error);
}

TEST_CASE("a timeout kills the whole process group, grandchildren included", "[core][process]") {
    const opskit_test::TempDir tmp{"opskit-proc"};
    const auto& dir = tmp.path;
    const auto pidfile = dir / "grandchild.pid";
    ProcessSpec spec;
    // The grandchild ignores SIGTERM, so only the SIGKILL to the group can end it.
    spec.argv = {"sh", "-c", "sh -c 'trap \"\" TERM; echo $$ > " + pidfile.string() + "; exec sleep 300' & wait"};
    spec.timeout = 300ms;
    spec.kill_grace = 200ms;
    const auto r = run_process(spec);
    CHECK(r.timed_out);
    CHECK_FALSE(r.success());
    std::ifstream in(pidfile);
    pid_t grandchild = 0;
    in >> grandchild;
    REQUIRE(grandchild > 0);
    // The runner reaped the leader; the grandchild was SIGKILLed with the group.
    for (int i = 0; i < 100 && alive(grandchild); ++i) ::usleep(10000);
    CHECK_FALSE(alive(grandchild));
    CHECK_FALSE(alive(r.pid));
    fs::remove_all(dir);
}

TEST_CASE("a child that exits leaves no background process of its group behind", "[core][process]") {
    const opskit_test::TempDir tmp{"opskit-proc"};
    const auto& dir = tmp.path;
    const auto pidfile = dir / "bg.pid";
    ProcessSpec spec;
    spec.argv = {"sh", "-c", "sleep 300 >/dev/null 2>&1 & echo $! > " + pidfile.string()};
    const auto r = run_process(spec);
    CHECK(r.exit_code == 0);
    std::ifstream in(pidfile);
    pid_t bg = 0;
    in >> bg;
    REQUIRE(bg > 0);
    for (int i = 0; i < 100 && alive(bg); ++i) ::usleep(10000);
    CHECK_FALSE(alive(bg));
    fs::remove_all(dir);
}

TEST_CASE("termination by a signal is reported", "[core][process]") {
    ProcessSpec spec;
    spec.argv = {"sh", "-c", "kill -USR1 $$"};
    const auto r = run_process(spec);
    CHECK(r.exit_code == -1);
    CHECK(r.term_signal == SIGUSR1);
}

TEST_CASE("captured output is bounded and marked truncated", "[core][process]") {
    ProcessSpec spec;
    spec.argv = {"head", "-c", "100000", "/dev/zero"};
    spec.capture_limit = 1000;
    const auto r = run_process(spec);
    CHECK(r.out.size() == 1000);
    CHECK(r.truncated);
    CHECK(r.exit_code == 0);
}

TEST_CASE("registered secrets never appear in captured output", "[core][process][redact]") {
    add_secret("s3cr3t-pa55");
    ProcessSpec spec;
    spec.argv = {"sh", "-c", "echo password=$1; echo $1 >&2", "sh", "s3cr3t-pa55"};
    std::string streamed;
    spec.on_output = [&](std::string_view chunk, bool) { streamed += chunk; };
    const auto r = run_process(spec);
    CHECK(r.out == "password=***\n");
    CHECK(r.err == "***\n");
    CHECK(streamed.find("s3cr3t") == std::string::npos);
    clear_secrets();
}

TEST_CASE("streamed output comes in whole lines, so a secret split across two writes is still redacted", "[core][process]") {
    add_secret("s3cr3t-pa55");
    ProcessSpec spec;
    // The child writes the secret in two halves with a pause between: two reads on our side.
    spec.argv = {"sh", "-c", "printf 'pw=s3cr3t'; sleep 0.3; printf -- '-pa55 ok\\nno newline at the end'"};
    std::vector<std::string> chunks;
    spec.on_output = [&](std::string_view chunk, bool) { chunks.emplace_back(chunk); };
    const auto r = run_process(spec);
    CHECK(r.out == "pw=*** ok\nno newline at the end");
    REQUIRE(chunks.size() == 2);
    CHECK(chunks[0] == "pw=*** ok\n");
    CHECK(chunks[1] == "no newline at the end");  // the unterminated tail comes at close
    clear_secrets();
}

TEST_CASE("output can go straight to files", "[core][process]") {
    const opskit_test::TempDir tmp{"opskit-proc"};
    const auto& dir = tmp.path;
    ProcessSpec spec;
    spec.argv = {"sh", "-c", "echo to-out; echo to-err >&2"};
    spec.stdout_file = dir / "out";
    spec.stderr_file = dir / "err";
    const auto r = run_process(spec);
    CHECK(r.exit_code == 0);
    CHECK(r.out.empty());
    std::ifstream o(dir / "out"), e(dir / "err");
    std::string a, b;
    std::getline(o, a);
    std::getline(e, b);
    CHECK(a == "to-out");
    CHECK(b == "to-err");
    CHECK((fs::status(dir / "out").permissions() & fs::perms::others_read) == fs::perms::none);
    fs::remove_all(dir);
}

TEST_CASE("find_program looks in PATH and checks explicit paths", "[core][process]") {
    CHECK(find_program("sh").has_value());
    CHECK_FALSE(find_program("opskit-no-such-program").has_value());
    CHECK(find_program("/bin/sh").has_value());
    CHECK_FALSE(find_program("/etc/passwd").has_value());
}
