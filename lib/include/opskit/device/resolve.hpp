// Device resolution for bkctl: turns what an operator types (a path, a relative path, a
// symlink chain, /dev/disk/by-* names, or a UUID=/LABEL=/PARTUUID=/PARTLABEL= tag) into the
// one real device node, with what libblkid probes on it. Anything that is not a block device
// is refused here, naming the input and why, unless the caller allows regular files (file mode).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "opskit/core/output.hpp"

namespace opskit::device {

/// A resolved device (or, in file mode, a regular file).
struct DeviceInfo {
    std::string input;                          ///< what the caller passed
    std::string via;                            ///< `path`, `symlink` or `tag`
    std::filesystem::path path;                 ///< canonical path of the node or file
    bool block = false;                         ///< false: a regular file (file mode)
    unsigned major = 0, minor = 0;              ///< of the block device (0:0 for files)
    std::uint64_t size = 0;                     ///< bytes
    dev_t fs_dev = 0;                           ///< st_dev of the node (the filesystem holding it)
    ino_t inode = 0;                            ///< st_ino of the node
    std::map<std::string, std::string> probed;  ///< TYPE, UUID, LABEL, PARTUUID, … as libblkid reports them
};

struct ResolveOptions {
    bool allow_regular_file = false;                 ///< file mode: accept regular files too
    std::vector<std::filesystem::path> seed;         ///< probe these into the blkid cache before tag lookup
};

/// True for `UUID=…`, `LABEL=…`, `PARTUUID=…`, `PARTLABEL=…`.
bool is_tag(std::string_view spec);

/// Resolves `spec`. Throws Error(not_found) when the path or tag does not exist, and
/// Error(usage) for a directory, a character device, a dangling link or (unless allowed)
/// a regular file. Tags use libblkid's evaluation and honour `BLKID_FILE`.
DeviceInfo resolve_device(std::string_view spec, const ResolveOptions& options = {});

/// What libblkid probes on `path` (superblock TYPE/UUID/LABEL/…, partition PARTUUID/PARTLABEL).
/// Empty when nothing is recognised or the path cannot be opened.
std::map<std::string, std::string> probe(const std::filesystem::path& path);

/// `base/name` plus Linux partition naming: `sda`+1 → `sda1`, `nvme0n1`+1 → `nvme0n1p1`,
/// `loop0`+1 → `loop0p1`; partition 0 means the whole device.
std::filesystem::path make_dev_path(std::string_view name, unsigned partition = 0,
                                    const std::filesystem::path& base = "/dev");

/// `{"input", "via", "path", "kind", "major", "minor", "devno", "size_bytes", "probed": {…}}`.
Json to_json(const DeviceInfo& info);

}  // namespace opskit::device
