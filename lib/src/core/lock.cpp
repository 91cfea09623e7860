// flock(2)-based locks. The lock file survives its holder; what matters is whether a live
// process holds the flock, which the kernel answers truthfully even after a kill -9.
#include "opskit/core/lock.hpp"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cctype>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "opskit/core/error.hpp"
#include "opskit/core/fs.hpp"
#include "opskit/core/output.hpp"
#include "opskit/core/process.hpp"
#include "opskit/core/time.hpp"

namespace fs = std::filesystem;

namespace opskit {
namespace {
Duration g_default_wait{0};

std::string describe_owner(const fs::path& file) {
    const auto owner = read_lock_owner(file);
    if (!owner || owner->pid == 0) return "held by another process";
    auto s = fmt::format("held by pid {}", owner->pid);
    if (!owner->tool.empty()) s += fmt::format(" ({})", owner->tool);
    if (!owner->since.empty()) s += fmt::format(" since {}", owner->since);
    return s;
}
}  // namespace

fs::path lock_dir() {
    fs::path dir;
    if (const char* o = std::getenv("OPSKIT_LOCK_DIR"); o && *o) dir = o;
    else if (::geteuid() == 0) dir = "/run/opskit";
    else if (const char* r = std::getenv("XDG_RUNTIME_DIR"); r && *r == '/') dir = fs::path(r) / "opskit";
    else dir = fmt::format("/tmp/opskit-{}", ::geteuid());
    make_private_dir(dir, 0700);
    struct stat st{};
    // A lock folder someone else owns could be used to block or spoof us.
    if (::stat(dir.c_str(), &st) != 0 || st.st_uid != ::geteuid())
        throw Error(ErrorKind::unavailable, "unsafe lock directory", dir.string(), "not owned by the current user");
    return dir;
}

void set_default_lock_wait(Duration wait) { g_default_wait = wait; }
Duration default_lock_wait() { return g_default_wait; }

Lock::Lock(Lock&& other) noexcept : m_fd(other.m_fd), m_path(std::move(other.m_path)) { other.m_fd = -1; }

Lock& Lock::operator=(Lock&& other) noexcept {
    if (this != &other) {
        if (m_fd >= 0) ::close(m_fd);
        m_fd = other.m_fd;
        m_path = std::move(other.m_path);
        other.m_fd = -1;
    }
    return *this;
}

Lock::~Lock() {
    if (m_fd >= 0) ::close(m_fd);
}

void Lock::release_and_remove() {
    if (m_fd < 0) return;
    ::unlink(m_path.c_str());
    ::close(m_fd);
    m_fd = -1;
}

fs::path lock_path_for(std::string_view name) {
    std::string safe;
    for (char c : name) safe += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.') ? c : '_';
    while (!safe.empty() && safe.front() == '.') safe.front() = '_';
    return lock_dir() / (safe + ".lock");
}

Lock acquire_lock(std::string_view name, std::string_view what, std::optional<Duration> wait) {
    return acquire_lock_file(lock_path_for(name), what, wait);
}

Lock acquire_lock_file(const fs::path& file, std::string_view what, std::optional<Duration> wait) {
    const auto limit = wait.value_or(g_default_wait);
    const auto deadline = std::chrono::steady_clock::now() + limit;
    for (;;) {
        const int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd < 0) throw Error(ErrorKind::unavailable, fmt::format("cannot open lock for {}", what), file.string(), std::strerror(errno));
        if (::flock(fd, LOCK_EX | LOCK_NB) == 0) {
            // The file may have been removed by its previous holder after we opened it:
            // then we hold a lock on nothing, and must try again on the new file.
            struct stat a{}, b{};
            if (::fstat(fd, &a) == 0 && ::stat(file.c_str(), &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev) {
                const Json owner = {{"pid", ::getpid()}, {"tool", program_invocation_short_name},
                                    {"what", std::string(what)}, {"since", to_rfc3339(now_ms())}};
                const auto text = owner.dump() + "\n";
                if (::ftruncate(fd, 0) == 0) [[maybe_unused]] auto n = ::pwrite(fd, text.data(), text.size(), 0);
                Lock lock;
                lock.m_fd = fd;
                lock.m_path = file;
                return lock;
            }
            ::close(fd);
            continue;
        }
        const int err = errno;
        ::close(fd);
        if (err != EWOULDBLOCK)
            throw Error(ErrorKind::unavailable, fmt::format("cannot lock {}", what), file.string(), std::strerror(err));
        if (std::chrono::steady_clock::now() >= deadline || interrupted_by() != 0)
            throw Error(ErrorKind::busy, fmt::format("{} is busy", what), file.string(), describe_owner(file));
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}

bool lock_is_held(const fs::path& file) {
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) return false;
    const bool held = ::flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
    ::close(fd);
    return held;
}

std::optional<LockOwner> read_lock_owner(const fs::path& file) {
    const auto j = Json::parse(read_file_or_empty(file), nullptr, false);
    if (!j.is_object()) return std::nullopt;
    LockOwner o;
    o.pid = j.value("pid", 0L);
    o.tool = j.value("tool", "");
    o.what = j.value("what", "");
    o.since = j.value("since", "");
    return o;
}

}  // namespace opskit
