// Per-backup hard links and the sweep of stale ones (see link.hpp).
#include "opskit/backup/link.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>

#include "opskit/backup/backup_id.hpp"
#include "opskit/core/error.hpp"

namespace fs = std::filesystem;

namespace opskit::backup {

fs::path link_path(const fs::path& dev_dir, std::string_view prefix, std::string_view backup_id) {
    validate_prefix(prefix);
    validate_backup_id(backup_id);
    return dev_dir / fmt::format("{}-{}", prefix, backup_id);
}

std::string link_lock_name(const fs::path& link) { return "bkctl-link" + link.string(); }

BackupLink BackupLink::create(const fs::path& dev_dir, std::string_view prefix, std::string_view backup_id,
                              const device::DeviceInfo& target) {
    const auto path = link_path(dev_dir, prefix, backup_id);
    struct stat dst{};
    if (::stat(dev_dir.c_str(), &dst) != 0 || !S_ISDIR(dst.st_mode))
        throw Error(ErrorKind::not_found, "link folder not found", dev_dir.string(), "not an existing directory (--dev-dir)");
    BackupLink link;
    link.m_lock = acquire_lock(link_lock_name(path), fmt::format("backup link {}", path.string()));
    link.m_path = path;
    link.m_dev = target.fs_dev;
    link.m_ino = target.inode;
    for (int attempt = 0;; ++attempt) {
        if (::link(target.path.c_str(), path.c_str()) == 0) break;
        const int e = errno;
        if (e == EEXIST && attempt == 0) {
            struct stat st{};
            if (::lstat(path.c_str(), &st) != 0) continue;  // vanished meanwhile: try again
            if (st.st_dev == target.fs_dev && st.st_ino == target.inode) {
                link.m_reused = true;
                break;
            }
            throw Error(ErrorKind::conflict, "backup link exists", path.string(),
                        fmt::format("it is another file, not {}; remove it or use another backup id", target.path.string()));
        }
        if (e == EXDEV)
            throw Error(ErrorKind::usage, "cannot hard-link device", path.string(),
                        fmt::format("{} is on another filesystem; choose a --dev-dir on the same filesystem",
                                    target.path.string()));
        throw Error(ErrorKind::failed, "cannot create backup link", path.string(), std::strerror(e));
    }
    link.m_active = true;
    return link;
}

BackupLink::BackupLink(BackupLink&& other) noexcept
    : m_path(std::move(other.m_path)),
      m_lock(std::move(other.m_lock)),
      m_dev(other.m_dev),
      m_ino(other.m_ino),
      m_active(other.m_active),
      m_reused(other.m_reused) {
    other.m_active = false;
}

BackupLink& BackupLink::operator=(BackupLink&& other) noexcept {
    if (this != &other) {
        remove();
        m_path = std::move(other.m_path);
        m_lock = std::move(other.m_lock);
        m_dev = other.m_dev;
        m_ino = other.m_ino;
        m_active = other.m_active;
        m_reused = other.m_reused;
        other.m_active = false;
    }
    return *this;
}

BackupLink::~BackupLink() { remove(); }

void BackupLink::remove() noexcept {
    if (m_active) {
        struct stat st{};
        // Only our own inode: never delete what someone else put there meanwhile.
        if (::lstat(m_path.c_str(), &st) == 0 && st.st_dev == m_dev && st.st_ino == m_ino) ::unlink(m_path.c_str());
        m_active = false;
    }
    m_lock.release_and_remove();
}

std::vector<SweepEntry> sweep_links(const fs::path& dev_dir, std::string_view prefix, bool dry_run) {
    validate_prefix(prefix);
    std::error_code ec;
    fs::directory_iterator it(dev_dir, ec);
    if (ec) throw Error(ErrorKind::not_found, "link folder not found", dev_dir.string(), ec.message());
    const std::string start = std::string(prefix) + "-";
    std::vector<SweepEntry> out;
    for (; it != fs::directory_iterator(); it.increment(ec)) {
        if (ec) break;
        const auto name = it->path().filename().string();
        if (name.rfind(start, 0) != 0 || !is_valid_backup_id(name.substr(start.size()))) continue;
        SweepEntry entry{it->path(), "", ""};
        const auto lock_file = lock_path_for(link_lock_name(entry.path));
        struct stat st{};
        if (::lstat(entry.path.c_str(), &st) != 0) continue;
        if (!S_ISBLK(st.st_mode) && !S_ISREG(st.st_mode)) {
            entry.action = "skipped";
            entry.reason = "not a block device or regular file";
        } else if (!fs::exists(lock_file)) {
            entry.action = "skipped";
            entry.reason = "no bkctl lock record for it";
        } else if (lock_is_held(lock_file)) {
            entry.action = "kept";
            const auto owner = read_lock_owner(lock_file);
            entry.reason = owner && owner->pid ? fmt::format("in use by pid {}", owner->pid) : "in use";
        } else if (dry_run) {
            entry.action = "would_remove";
            entry.reason = "its run is gone";
        } else {
            try {
                auto lock = acquire_lock(link_lock_name(entry.path), fmt::format("backup link {}", entry.path.string()),
                                         Duration{0});
                if (::unlink(entry.path.c_str()) != 0)
                    throw Error(ErrorKind::failed, "cannot remove stale link", entry.path.string(), std::strerror(errno));
                lock.release_and_remove();
                entry.action = "removed";
                entry.reason = "its run is gone";
            } catch (const Error& e) {
                if (e.kind() != ErrorKind::busy) throw;
                entry.action = "kept";
                entry.reason = "in use";
            }
        }
        out.push_back(std::move(entry));
    }
    return out;
}

Json to_json(const SweepEntry& entry) {
    return {{"path", entry.path.string()}, {"action", entry.action}, {"reason", entry.reason}};
}

}  // namespace opskit::backup
