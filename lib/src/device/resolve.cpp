// Device resolution: stat/realpath for paths, libblkid tag evaluation for tags, libblkid
// probing for what is on the device. Kept apart from backup code so resolve is usable alone.
#include "opskit/device/resolve.hpp"

#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "blkid_api.hpp"
#include "opskit/core/error.hpp"

namespace fs = std::filesystem;

namespace opskit::device {
namespace {

using detail::blkid;

constexpr std::string_view k_tags[] = {"UUID", "LABEL", "PARTUUID", "PARTLABEL"};

std::string kind_of(mode_t mode) {
    if (S_ISDIR(mode)) return "a directory";
    if (S_ISCHR(mode)) return "a character device";
    if (S_ISREG(mode)) return "a regular file";
    if (S_ISFIFO(mode)) return "a FIFO";
    if (S_ISSOCK(mode)) return "a socket";
    return "not a block device";
}

struct CacheDeleter {
    void operator()(blkid_struct_cache* c) const { blkid().put_cache(c); }
};

// libblkid's evaluation (udev links first, then a scan through the cache named by BLKID_FILE).
std::string evaluate_tag(std::string_view spec, const std::vector<fs::path>& seed) {
    const auto eq = spec.find('=');
    const std::string token(spec.substr(0, eq));
    std::string value(spec.substr(eq + 1));
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front())
        value = value.substr(1, value.size() - 2);
    if (value.empty()) throw Error(ErrorKind::usage, "bad device tag", spec, "empty value after '='");
    blkid_cache raw = nullptr;
    if (blkid().get_cache(&raw, nullptr) != 0 || raw == nullptr)
        throw Error(ErrorKind::unavailable, "cannot open the blkid cache", spec, "libblkid refused");
    std::unique_ptr<blkid_struct_cache, CacheDeleter> cache(raw);
    for (const auto& s : seed) blkid().get_dev(cache.get(), s.c_str(), BLKID_DEV_NORMAL);
    char* found = blkid().evaluate_tag(token.c_str(), value.c_str(), &raw);
    if (found == nullptr) throw Error(ErrorKind::not_found, "device not found", spec, "no device carries this tag");
    std::string path(found);
    std::free(found);
    return path;
}

}  // namespace

bool is_tag(std::string_view spec) {
    const auto eq = spec.find('=');
    if (eq == std::string_view::npos) return false;
    for (auto t : k_tags)
        if (spec.substr(0, eq) == t) return true;
    return false;
}

std::map<std::string, std::string> probe(const fs::path& path) {
    std::map<std::string, std::string> out;
    const auto& lib = blkid();
    blkid_probe pr = lib.new_probe_from_filename(path.c_str());
    if (pr == nullptr) return out;
    lib.probe_enable_superblocks(pr, 1);
    lib.probe_set_superblocks_flags(pr, BLKID_SUBLKS_LABEL | BLKID_SUBLKS_UUID | BLKID_SUBLKS_TYPE |
                                              BLKID_SUBLKS_USAGE | BLKID_SUBLKS_VERSION);
    lib.probe_enable_partitions(pr, 1);
    lib.probe_set_partitions_flags(pr, BLKID_PARTS_ENTRY_DETAILS);
    if (lib.do_safeprobe(pr) == 0) {
        const int n = lib.probe_numof_values(pr);
        for (int i = 0; i < n; ++i) {
            const char* name = nullptr;
            const char* data = nullptr;
            std::size_t len = 0;
            if (lib.probe_get_value(pr, i, &name, &data, &len) == 0 && name && data)
                out[name] = std::string(data, ::strnlen(data, len));
        }
    }
    lib.free_probe(pr);
    return out;
}

DeviceInfo resolve_device(std::string_view spec, const ResolveOptions& options) {
    if (spec.empty()) throw Error(ErrorKind::usage, "bad device", "(empty)", "expected a path or a UUID=/LABEL=/PARTUUID=/PARTLABEL= tag");
    DeviceInfo info;
    info.input = std::string(spec);
    fs::path path;
    if (is_tag(spec)) {
        path = evaluate_tag(spec, options.seed);
        info.via = "tag";
    } else {
        if (spec.find('\0') != std::string_view::npos)
            throw Error(ErrorKind::usage, "bad device", "(contains NUL)", "expected a path");
        path = fs::path(std::string(spec));
        info.via = "path";
    }
    struct stat lst{};
    if (::lstat(path.c_str(), &lst) != 0) {
        const int e = errno;
        if (e == ENOENT || e == ENOTDIR) throw Error(ErrorKind::not_found, "device not found", spec, "no such file or device");
        throw Error(ErrorKind::unavailable, "cannot inspect device", spec, std::strerror(e));
    }
    struct stat st{};
    if (::stat(path.c_str(), &st) != 0) {
        if (S_ISLNK(lst.st_mode)) throw Error(ErrorKind::usage, "not a block device", spec, "a dangling symbolic link");
        throw Error(ErrorKind::unavailable, "cannot inspect device", spec, std::strerror(errno));
    }
    if (S_ISLNK(lst.st_mode) && info.via == "path") info.via = "symlink";
    const bool regular = S_ISREG(st.st_mode);
    if (!S_ISBLK(st.st_mode) && !(regular && options.allow_regular_file)) {
        auto why = kind_of(st.st_mode);
        if (regular) why += " (file mode needs --mode file or auto)";
        throw Error(ErrorKind::usage, "not a block device", spec, why);
    }
    std::error_code ec;
    info.path = fs::canonical(path, ec);
    if (ec) throw Error(ErrorKind::unavailable, "cannot resolve device path", spec, ec.message());
    info.block = S_ISBLK(st.st_mode);
    info.fs_dev = st.st_dev;
    info.inode = st.st_ino;
    if (info.block) {
        info.major = ::major(st.st_rdev);
        info.minor = ::minor(st.st_rdev);
    }
    info.size = regular ? static_cast<std::uint64_t>(st.st_size) : 0;
    if (blkid_probe pr = blkid().new_probe_from_filename(info.path.c_str())) {
        const auto sz = blkid().probe_get_size(pr);
        if (sz > 0) info.size = static_cast<std::uint64_t>(sz);
        blkid().free_probe(pr);
    } else if (info.block) {
        throw Error(ErrorKind::unavailable, "cannot open device", spec, std::strerror(errno));
    }
    info.probed = probe(info.path);
    return info;
}

fs::path make_dev_path(std::string_view name, unsigned partition, const fs::path& base) {
    std::string dev(name);
    if (partition > 0) {
        if (!dev.empty() && dev.back() >= '0' && dev.back() <= '9') dev += 'p';
        dev += std::to_string(partition);
    }
    return base / dev;
}

Json to_json(const DeviceInfo& info) {
    Json probed = Json::object();
    for (const auto& [k, v] : info.probed) probed[k] = v;
    return {{"input", info.input},
            {"via", info.via},
            {"path", info.path.string()},
            {"kind", info.block ? "block" : "file"},
            {"major", info.major},
            {"minor", info.minor},
            {"devno", info.block ? fmt::format("{}:{}", info.major, info.minor) : std::string()},
            {"size_bytes", info.size},
            {"probed", probed}};
}

}  // namespace opskit::device
