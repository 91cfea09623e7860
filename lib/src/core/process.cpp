// The subprocess runner: fork/execve with a process group per child, a poll loop that moves
// output and watches deadlines and interrupts, and group-wide SIGTERM → SIGKILL.
// Between fork and execve the child calls only async-signal-safe functions, because
// bulk verbs and dispatchers start children from several threads.
#include "opskit/core/process.hpp"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "opskit/core/error.hpp"
#include "opskit/core/redact.hpp"

extern char** environ;

namespace fs = std::filesystem;

namespace opskit {
namespace {

std::atomic<int> g_signal{0};
int g_wake[2] = {-1, -1};

void on_signal(int sig) {
    int expected = 0;
    g_signal.compare_exchange_strong(expected, sig);
    if (g_wake[1] >= 0) {
        const char c = 1;
        [[maybe_unused]] auto n = ::write(g_wake[1], &c, 1);
    }
}

long steady_ms() {
    return static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::steady_clock::now().time_since_epoch())
                                 .count());
}

// Writes to a child's stdin without dying of SIGPIPE when the child has already exited
// (sbatch refusing a job closes its stdin unread): SIGPIPE is blocked for this thread during
// the write, and the one the write raised, if any, is taken off the pending set again, so the
// caller sees EPIPE and the process keeps its own SIGPIPE disposition for everything else.
ssize_t write_without_sigpipe(int fd, const char* data, std::size_t size) {
    sigset_t pipe_set, old_set, pending;
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    sigpending(&pending);
    const bool was_pending = sigismember(&pending, SIGPIPE) == 1;
    pthread_sigmask(SIG_BLOCK, &pipe_set, &old_set);
    const ssize_t w = ::write(fd, data, size);
    const int saved = errno;
    if (w < 0 && saved == EPIPE && !was_pending) {
        const timespec zero{0, 0};
        while (sigtimedwait(&pipe_set, nullptr, &zero) < 0 && errno == EINTR) {
        }
    }
    pthread_sigmask(SIG_SETMASK, &old_set, nullptr);
    errno = saved;
    return w;
}

void set_nonblock(int fd) { ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK); }

void close_fd(int& fd) {
    if (fd >= 0) ::close(fd);
    fd = -1;
}

std::string path_env(const ProcessSpec& spec) {
    for (const auto& [k, v] : spec.env_set)
        if (k == "PATH") return v;
    if (spec.clear_env) return "/usr/local/bin:/usr/bin:/bin";
    const char* p = std::getenv("PATH");
    return p ? p : "/usr/local/bin:/usr/bin:/bin";
}

std::optional<fs::path> lookup(std::string_view name, const std::string& path) {
    if (name.empty()) return std::nullopt;
    if (name.find('/') != std::string_view::npos) {
        if (::access(std::string(name).c_str(), X_OK) == 0) return fs::path(name);
        return std::nullopt;
    }
    std::size_t start = 0;
    while (start <= path.size()) {
        auto colon = path.find(':', start);
        if (colon == std::string::npos) colon = path.size();
        const fs::path dir = colon > start ? path.substr(start, colon - start) : ".";
        const auto candidate = dir / name;
        struct stat st{};
        if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(candidate.c_str(), X_OK) == 0)
            return candidate;
        start = colon + 1;
    }
    return std::nullopt;
}

}  // namespace

void install_interrupt_handlers() {
    if (g_wake[0] < 0 && ::pipe2(g_wake, O_CLOEXEC | O_NONBLOCK) != 0) g_wake[0] = g_wake[1] = -1;
    struct sigaction sa{};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) ::sigaction(sig, &sa, nullptr);
}

int interrupted_by() noexcept { return g_signal.load(); }
int interrupt_fd() noexcept { return g_wake[0]; }

void sleep_unless_interrupted(Duration d) {
    if (d.count() <= 0 || g_signal.load() != 0) return;
    const int ms = static_cast<int>(std::min<std::int64_t>(d.count(), 1 << 30));
    if (g_wake[0] >= 0) {
        pollfd p{g_wake[0], POLLIN, 0};
        ::poll(&p, 1, ms);
    } else {
        std::this_thread::sleep_for(std::chrono::milliseconds(ms));
    }
}

void reraise_interrupt() {
    const int sig = g_signal.load();
    if (sig != 0) {
        ::signal(sig, SIG_DFL);
        ::raise(sig);
    }
    std::_Exit(128 + sig);
}

std::optional<fs::path> find_program(std::string_view name) { return lookup(name, path_env({})); }

Subprocess::Subprocess(ProcessSpec spec) : m_spec(std::move(spec)) { start(); }

Subprocess::~Subprocess() {
    if (m_pid > 0 && !m_exited) {
        kill_group(SIGKILL);
        reap(true);
    }
    close_fd(m_out);
    close_fd(m_err);
    close_fd(m_in);
}

void Subprocess::start() {
    if (m_spec.argv.empty()) throw Error(ErrorKind::internal, "cannot run", "(empty argv)", "no program given");
    const auto& prog = m_spec.argv.front();
    const auto exe = lookup(prog, path_env(m_spec));
    if (!exe) throw Error(ErrorKind::unavailable, "cannot run", prog, "not found or not executable");

    // Everything the child needs is built before fork.
    std::vector<std::string> env_store;
    if (!m_spec.clear_env)
        for (char** e = environ; *e; ++e) env_store.emplace_back(*e);
    const auto drop = [&](const std::string& key) {
        std::erase_if(env_store, [&](const std::string& kv) { return kv.compare(0, key.size() + 1, key + "=") == 0; });
    };
    for (const auto& k : m_spec.env_unset) drop(k);
    for (const auto& [k, v] : m_spec.env_set) {
        drop(k);
        env_store.push_back(k + "=" + v);
    }
    std::vector<char*> envp, argv;
    for (auto& s : env_store) envp.push_back(s.data());
    envp.push_back(nullptr);
    std::vector<std::string> argv_store = m_spec.argv;
    for (auto& s : argv_store) argv.push_back(s.data());
    argv.push_back(nullptr);
    const std::string exe_path = exe->string();
    const std::string cwd = m_spec.cwd ? m_spec.cwd->string() : std::string();

    int out[2] = {-1, -1}, err[2] = {-1, -1}, in[2] = {-1, -1}, status[2] = {-1, -1};
    const auto fail = [&](const std::string& what) {
        const int e = errno;
        for (int fd : {out[0], out[1], err[0], err[1], in[0], in[1], status[0], status[1]})
            if (fd >= 0) ::close(fd);
        throw Error(ErrorKind::unavailable, what, prog, std::strerror(e));
    };
    if (m_spec.stdout_file) {
        out[1] = ::open(m_spec.stdout_file->c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (out[1] < 0) fail("cannot open output file for");
    } else if (::pipe2(out, O_CLOEXEC) != 0) fail("cannot create pipe for");
    if (m_spec.merge_output) {
        // stderr shares stdout's pipe: one ordered stream.
    } else if (m_spec.stderr_file) {
        err[1] = ::open(m_spec.stderr_file->c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (err[1] < 0) fail("cannot open error file for");
    } else if (::pipe2(err, O_CLOEXEC) != 0) fail("cannot create pipe for");
    if (m_spec.stdin_data && ::pipe2(in, O_CLOEXEC) != 0) fail("cannot create pipe for");
    if (::pipe2(status, O_CLOEXEC) != 0) fail("cannot create pipe for");
    const int devnull = m_spec.stdin_data ? -1 : ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    const pid_t parent = ::getpid();

    m_started_ms = steady_ms();
    const pid_t pid = ::fork();
    if (pid < 0) fail("cannot fork for");
    if (pid == 0) {
        ::setpgid(0, 0);
        if (m_spec.die_with_parent) {
            ::prctl(PR_SET_PDEATHSIG, SIGKILL);
            if (::getppid() != parent) ::_exit(127);
        }
        sigset_t none;
        sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
        for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGCHLD}) ::signal(sig, SIG_DFL);
        const int in_fd = m_spec.stdin_data ? in[0] : devnull;
        ::dup2(in_fd, 0);
        ::dup2(out[1], 1);
        ::dup2(m_spec.merge_output ? out[1] : err[1], 2);
        if (!cwd.empty() && ::chdir(cwd.c_str()) != 0) {
            const int e = errno;
            [[maybe_unused]] auto n = ::write(status[1], &e, sizeof e);
            ::_exit(127);
        }
        ::execve(exe_path.c_str(), argv.data(), envp.data());
        const int e = errno;
        [[maybe_unused]] auto n = ::write(status[1], &e, sizeof e);
        ::_exit(127);
    }
    ::setpgid(pid, pid);  // also in the parent, so the group exists before we ever signal it
    m_pid = pid;
    m_result.pid = pid;
    if (devnull >= 0) ::close(devnull);
    ::close(status[1]);
    close_fd(out[1]);
    close_fd(err[1]);
    close_fd(in[0]);
    int child_errno = 0;
    ssize_t n;
    do n = ::read(status[0], &child_errno, sizeof child_errno);
    while (n < 0 && errno == EINTR);
    ::close(status[0]);
    m_out = out[0];
    m_err = err[0];
    m_in = in[1];
    if (n == static_cast<ssize_t>(sizeof child_errno)) {
        reap(true);
        close_fd(m_out);
        close_fd(m_err);
        close_fd(m_in);
        m_done = true;
        throw Error(ErrorKind::unavailable, "cannot run", prog, std::strerror(child_errno));
    }
    for (int fd : {m_out, m_err, m_in})
        if (fd >= 0) set_nonblock(fd);
    if (m_in >= 0 && m_spec.stdin_data->empty()) close_fd(m_in);
}

void Subprocess::kill_group(int sig) {
    if (m_pid > 0) ::kill(-m_pid, sig);
}

void Subprocess::reap(bool block) {
    if (m_exited || m_pid <= 0) return;
    int status = 0;
    struct rusage ru{};
    pid_t r;
    do r = ::wait4(m_pid, &status, block ? 0 : WNOHANG, &ru);
    while (r < 0 && errno == EINTR);
    if (r != m_pid) return;
    m_exited = true;
    if (WIFEXITED(status)) m_result.exit_code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) m_result.term_signal = WTERMSIG(status);
    m_result.max_rss_kb = ru.ru_maxrss;
    m_result.user_s = static_cast<double>(ru.ru_utime.tv_sec) + static_cast<double>(ru.ru_utime.tv_usec) / 1e6;
    m_result.system_s = static_cast<double>(ru.ru_stime.tv_sec) + static_cast<double>(ru.ru_stime.tv_usec) / 1e6;
    m_result.elapsed = Duration(steady_ms() - m_started_ms);
}

void Subprocess::emit_lines(std::string& pending, std::string_view chunk, bool is_err, bool closing) {
    if (!m_spec.on_output) return;
    constexpr std::size_t max_pending = 64u << 10;  // a line without end is not held forever
    pending.append(chunk);
    const auto last_nl = pending.rfind('\n');
    std::size_t upto = last_nl == std::string::npos ? 0 : last_nl + 1;
    if (closing || pending.size() - upto > max_pending) upto = pending.size();
    if (upto == 0) return;
    m_spec.on_output(redact(std::string_view(pending).substr(0, upto)), is_err);
    pending.erase(0, upto);
}

void Subprocess::drain(int wait_ms) {
    pollfd fds[4];
    int n = 0;
    int idx_out = -1, idx_err = -1, idx_in = -1;
    if (m_out >= 0) fds[idx_out = n++] = {m_out, POLLIN, 0};
    if (m_err >= 0) fds[idx_err = n++] = {m_err, POLLIN, 0};
    if (m_in >= 0) fds[idx_in = n++] = {m_in, POLLOUT, 0};
    // Wake on an interrupt only until it has been seen, or the loop would spin.
    if (interrupt_fd() >= 0 && interrupted_by() == 0) fds[n++] = {interrupt_fd(), POLLIN, 0};
    if (n == 0 || ::poll(fds, static_cast<nfds_t>(n), wait_ms) <= 0) return;
    char buf[65536];
    const auto pump = [&](int idx, int& fd, std::string& sink, std::string& pending, bool is_err) {
        if (idx < 0 || !(fds[idx].revents & (POLLIN | POLLHUP | POLLERR))) return;
        for (;;) {
            const auto got = ::read(fd, buf, sizeof buf);
            if (got > 0) {
                const std::string_view chunk(buf, static_cast<std::size_t>(got));
                const auto room = m_spec.capture_limit > sink.size() ? m_spec.capture_limit - sink.size() : 0;
                if (chunk.size() > room) m_result.truncated = true;
                sink.append(chunk.substr(0, room));
                emit_lines(pending, chunk, is_err, false);
                continue;
            }
            if (got < 0 && (errno == EAGAIN || errno == EINTR)) return;
            close_fd(fd);
            emit_lines(pending, {}, is_err, true);
            return;
        }
    };
    pump(idx_out, m_out, m_result.out, m_pending_out, false);
    pump(idx_err, m_err, m_result.err, m_pending_err, true);
    if (idx_in >= 0 && (fds[idx_in].revents & (POLLOUT | POLLERR | POLLHUP))) {
        const auto& data = *m_spec.stdin_data;
        const auto w = write_without_sigpipe(m_in, data.data() + m_in_off, data.size() - m_in_off);
        if (w > 0) m_in_off += static_cast<std::size_t>(w);
        if ((w < 0 && errno != EAGAIN && errno != EINTR) || m_in_off >= data.size()) close_fd(m_in);
    }
}

bool Subprocess::poll(int wait_ms) {
    if (m_done) return true;
    drain(wait_ms);
    reap(false);
    if (m_exited) {
        // Output still open after the leader exited means a descendant holds the pipe:
        // give it a moment, then take the rest of the group down with it.
        const long until = steady_ms() + 2000;
        while ((m_out >= 0 || m_err >= 0) && steady_ms() < until) drain(50);
        if (m_out >= 0 || m_err >= 0) kill_group(SIGKILL);
        while (m_out >= 0 || m_err >= 0) drain(50);
        ::kill(-m_pid, SIGKILL);  // no orphan of ours survives the leader
        close_fd(m_in);
        m_done = true;
        m_result.out = redact(m_result.out);
        m_result.err = redact(m_result.err);
    }
    return m_done;
}

void Subprocess::terminate_group() {
    if (m_done || m_pid <= 0) return;
    kill_group(SIGTERM);
    const long until = steady_ms() + m_spec.kill_grace.count();
    while (steady_ms() < until) {
        drain(50);
        reap(false);
        if (m_exited && ::kill(-m_pid, 0) != 0) break;
    }
    kill_group(SIGKILL);
    reap(true);
    poll(0);
}

ProcessResult Subprocess::wait() {
    const long deadline = m_spec.timeout ? m_started_ms + m_spec.timeout->count() : -1;
    while (!poll(deadline < 0 ? 200 : static_cast<int>(std::clamp(deadline - steady_ms(), 0L, 200L)))) {
        if (interrupted_by() != 0 && !m_spec.survives_interrupt) {
            m_result.interrupted = true;
            terminate_group();
            break;
        }
        if (deadline >= 0 && steady_ms() >= deadline) {
            m_result.timed_out = true;
            terminate_group();
            break;
        }
    }
    return m_result;
}

ProcessResult run_process(ProcessSpec spec) {
    Subprocess child(std::move(spec));
    return child.wait();
}

}  // namespace opskit
