// The one lock helper: flock(2) on a file in the lock folder, so a crashed run never blocks
// the next one (the kernel drops the lock with the process) and two cron runs on the same
// object cannot overlap. The lock file records who holds it, for the "busy" message and for
// sweepers that must tell a live holder from a dead one.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "opskit/core/units.hpp"

namespace opskit {

/// `/run/opskit` for root, else `$XDG_RUNTIME_DIR/opskit`, else `/tmp/opskit-UID`;
/// `OPSKIT_LOCK_DIR` overrides (tests). Created 0700 on first use.
std::filesystem::path lock_dir();

/// How long acquire() waits for a busy lock by default (the CLI's --wait-lock); 0 = not at all.
void set_default_lock_wait(Duration wait);
Duration default_lock_wait();

/// What a lock file says about its holder.
struct LockOwner {
    long pid = 0;
    std::string tool;
    std::string what;
    std::string since;   ///< RFC 3339
};

/// A held lock; released when destroyed (or when the process dies).
class Lock {
public:
    Lock() = default;
    Lock(Lock&& other) noexcept;
    Lock& operator=(Lock&& other) noexcept;
    Lock(const Lock&) = delete;
    Lock& operator=(const Lock&) = delete;
    ~Lock();

    const std::filesystem::path& path() const { return m_path; }
    bool held() const { return m_fd >= 0; }
    /// Releases now and removes the lock file (only while still holding it).
    void release_and_remove();

private:
    friend Lock acquire_lock_file(const std::filesystem::path&, std::string_view, std::optional<Duration>);
    int m_fd = -1;
    std::filesystem::path m_path;
};

/// Locks `lock_dir()/<name>.lock`; `name` is made file-safe. `what` names the object in
/// messages ("device /dev/loop0"). Busy → Error(busy) at once, or after `wait`
/// (default: default_lock_wait()).
Lock acquire_lock(std::string_view name, std::string_view what, std::optional<Duration> wait = std::nullopt);

/// The same on an explicit lock file path (its folder must exist).
Lock acquire_lock_file(const std::filesystem::path& file, std::string_view what,
                       std::optional<Duration> wait = std::nullopt);

/// True when some live process holds the lock on `file` (probes with a non-blocking flock).
bool lock_is_held(const std::filesystem::path& file);

/// Reads the owner record of a lock file, if any.
std::optional<LockOwner> read_lock_owner(const std::filesystem::path& file);

/// The file name acquire_lock uses for `name`.
std::filesystem::path lock_path_for(std::string_view name);

}  // namespace opskit
