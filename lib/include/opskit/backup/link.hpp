// The per-backup hard link `<dev_dir>/<prefix>-<backup_id>`: dsmc names an image after the
// path it was given, so the device is linked under a name that carries the backup id, and
// the same id always restores to the same name. The link is made with link(2), guarded by a
// lock per link (which records its owner), and removed by the destructor on every exit path;
// `sweep_links` removes the links of runs that died without unwinding (kill -9, power loss).
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "opskit/core/lock.hpp"
#include "opskit/core/output.hpp"
#include "opskit/device/resolve.hpp"

namespace opskit::backup {

/// `dev_dir/prefix-backup_id`, after validating prefix and id (Error(usage)).
std::filesystem::path link_path(const std::filesystem::path& dev_dir, std::string_view prefix,
                                std::string_view backup_id);

/// The lock name guarding one link path.
std::string link_lock_name(const std::filesystem::path& link);

/// A live per-backup hard link; removed (and its lock released) when destroyed.
class BackupLink {
public:
    /// Locks the link name (busy → Error(busy)), then links `target` there. An existing
    /// entry that is the same inode is reused; another inode → Error(conflict); a link
    /// across filesystems → Error(usage) naming --dev-dir; a missing dev_dir → Error(not_found).
    static BackupLink create(const std::filesystem::path& dev_dir, std::string_view prefix,
                             std::string_view backup_id, const device::DeviceInfo& target);

    BackupLink() = default;
    BackupLink(BackupLink&& other) noexcept;
    BackupLink& operator=(BackupLink&& other) noexcept;
    BackupLink(const BackupLink&) = delete;
    BackupLink& operator=(const BackupLink&) = delete;
    ~BackupLink();

    const std::filesystem::path& path() const { return m_path; }
    /// True when the link was already there (a rerun after a crash) and was reused.
    bool reused() const { return m_reused; }
    /// Removes the link now (only if it is still our inode) and releases the lock.
    void remove() noexcept;

private:
    std::filesystem::path m_path;
    Lock m_lock;
    dev_t m_dev = 0;
    ino_t m_ino = 0;
    bool m_active = false;
    bool m_reused = false;
};

/// One entry `sweep_links` looked at.
struct SweepEntry {
    std::filesystem::path path;
    std::string action;   ///< `removed`, `would_remove`, `kept`, `skipped`
    std::string reason;
};

/// Removes `<dev_dir>/<prefix>-<id>` entries whose lock file exists but is held by no live
/// process (their run died). Live runs' links are kept; entries without a bkctl lock record,
/// and anything that is not a block device or regular file, are skipped.
std::vector<SweepEntry> sweep_links(const std::filesystem::path& dev_dir, std::string_view prefix, bool dry_run);

Json to_json(const SweepEntry& entry);

}  // namespace opskit::backup
