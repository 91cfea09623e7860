// The one subprocess runner. Every program opskit starts (dsmc, hooks, bwrap, podman) goes
// through here: argv only, never a shell; its own process group, so a timeout or an
// interrupt kills the whole tree (SIGTERM, then SIGKILL after a grace period); captured
// output bounded in size; and every captured byte redacted before anyone sees it.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "opskit/core/units.hpp"

namespace opskit {

struct ProcessSpec {
    std::vector<std::string> argv;                            ///< argv[0] is looked up in PATH
    std::vector<std::pair<std::string, std::string>> env_set; ///< added or replaced
    std::vector<std::string> env_unset;
    bool clear_env = false;                                   ///< start from an empty environment
    std::optional<std::filesystem::path> cwd;
    std::optional<Duration> timeout;                          ///< none = wait forever
    Duration kill_grace{5000};                                ///< SIGTERM → SIGKILL delay
    bool merge_output = false;                                ///< stderr joins stdout, in order
    std::size_t capture_limit = 64u << 20;                    ///< bytes kept per stream
    std::optional<std::string> stdin_data;                    ///< else stdin is /dev/null
    std::optional<std::filesystem::path> stdout_file;         ///< write stdout there instead of capturing
    std::optional<std::filesystem::path> stderr_file;         ///< write stderr there instead of capturing
    bool die_with_parent = true;                              ///< PR_SET_PDEATHSIG(SIGKILL)
    /// Cleanup work (a hook that resumes a quiesced database) must finish, or reach its
    /// timeout, even after we were told to stop; other children die with the interrupt.
    bool survives_interrupt = false;
    /// Called with whole lines as they arrive (redacted line by line, so a secret split
    /// across two reads is still caught); a final unterminated line comes when the stream
    /// closes, and a line longer than 64 KiB is passed on in pieces. `is_err` for stderr.
    std::function<void(std::string_view chunk, bool is_err)> on_output;
};

struct ProcessResult {
    pid_t pid = -1;
    int exit_code = -1;         ///< -1 when killed by a signal
    int term_signal = 0;        ///< signal that ended it, 0 if it exited
    bool timed_out = false;     ///< we killed it at the deadline
    bool interrupted = false;   ///< we killed it because we were interrupted
    bool truncated = false;     ///< output exceeded capture_limit
    std::string out;            ///< redacted
    std::string err;            ///< redacted (empty with merge_output)
    Duration elapsed{0};
    long max_rss_kb = 0;
    double user_s = 0, system_s = 0;

    bool success() const { return exit_code == 0 && !timed_out && !interrupted; }
};

/// A started child; most callers want run_process().
class Subprocess {
public:
    /// Starts the child. A program that cannot be executed throws Error(unavailable)
    /// naming argv[0] and the reason.
    explicit Subprocess(ProcessSpec spec);
    Subprocess(const Subprocess&) = delete;
    Subprocess& operator=(const Subprocess&) = delete;
    /// Kills the group if still running, and reaps it.
    ~Subprocess();

    pid_t pid() const { return m_pid; }
    /// Moves output along for up to `wait_ms`; true once the child has exited and its output is drained.
    bool poll(int wait_ms);
    /// SIGTERM to the whole group; SIGKILL after kill_grace if it is still there (blocks until gone).
    void terminate_group();
    /// Waits until exit (honouring timeout and interrupts) and returns the result.
    ProcessResult wait();
    bool finished() const { return m_done; }

private:
    void start();
    void drain(int wait_ms);
    void reap(bool block);
    void kill_group(int sig);
    void emit_lines(std::string& pending, std::string_view chunk, bool is_err, bool closing);

    ProcessSpec m_spec;
    pid_t m_pid = -1;
    int m_out = -1, m_err = -1, m_in = -1;
    std::size_t m_in_off = 0;
    std::string m_pending_out, m_pending_err;  ///< partial lines not yet given to on_output
    bool m_exited = false, m_done = false;
    long m_started_ms = 0;
    ProcessResult m_result;
};

/// Starts, waits, returns the result. Timeouts and interrupts are reported in the result, not thrown.
ProcessResult run_process(ProcessSpec spec);

/// Finds a program in PATH (or checks an explicit path); nullopt when not executable.
std::optional<std::filesystem::path> find_program(std::string_view name);

/// Installs SIGINT/SIGTERM/SIGHUP handlers that record the signal and wake the runner, so a
/// running child's group is killed and cleanup code runs before the tool exits.
void install_interrupt_handlers();
/// The signal that interrupted us, or 0.
int interrupted_by() noexcept;
/// A file descriptor that becomes readable once an interrupt arrives (for poll loops).
int interrupt_fd() noexcept;
/// Sleeps up to `d`, returning early once an interrupt arrives (at once if one already has).
void sleep_unless_interrupted(Duration d);
/// Resets the handler for the signal received and re-raises it, so our parent sees how we died.
[[noreturn]] void reraise_interrupt();

}  // namespace opskit
