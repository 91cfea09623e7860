// Private, atomic file writes: state and secrets are never world-readable, never half-written.
#include "opskit/core/fs.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "opskit/core/error.hpp"

namespace fs = std::filesystem;

namespace opskit {

void make_private_dir(const fs::path& dir, unsigned mode) {
    std::error_code ec;
    if (fs::is_directory(dir, ec)) return;
    if (dir.has_parent_path() && dir.parent_path() != dir) fs::create_directories(dir.parent_path(), ec);
    if (::mkdir(dir.c_str(), mode) != 0 && errno != EEXIST)
        throw Error(ErrorKind::unavailable, "cannot create directory", dir.string(), std::strerror(errno));
    ::chmod(dir.c_str(), mode);
}

void write_file_atomic(const fs::path& file, std::string_view content, unsigned mode) {
    auto tmp = file;
    tmp += ".tmp." + std::to_string(::getpid());
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0) throw Error(ErrorKind::failed, "cannot write", file.string(), std::strerror(errno));
    ::fchmod(fd, mode);
    std::size_t off = 0;
    while (off < content.size()) {
        const auto n = ::write(fd, content.data() + off, content.size() - off);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            const int err = errno;
            ::close(fd);
            ::unlink(tmp.c_str());
            throw Error(ErrorKind::failed, "cannot write", file.string(), std::strerror(err));
        }
        off += static_cast<std::size_t>(n);
    }
    ::fsync(fd);
    ::close(fd);
    if (::rename(tmp.c_str(), file.c_str()) != 0) {
        const int err = errno;
        ::unlink(tmp.c_str());
        throw Error(ErrorKind::failed, "cannot write", file.string(), std::strerror(err));
    }
}

std::string read_file(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        const int err = errno;
        throw Error(err == ENOENT ? ErrorKind::not_found : ErrorKind::failed, "cannot read", file.string(),
                    std::strerror(err));
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string read_file_or_empty(const fs::path& file) {
    try {
        return read_file(file);
    } catch (const Error&) {
        return {};
    }
}

fs::path xdg_home(std::string_view kind) {
    const std::string var = "XDG_" + std::string(kind) + "_HOME";
    if (const char* v = std::getenv(var.c_str()); v && *v == '/') return v;
    const char* home = std::getenv("HOME");
    const fs::path base = home && *home ? home : "/root";
    if (kind == "CONFIG") return base / ".config";
    if (kind == "STATE") return base / ".local/state";
    if (kind == "DATA") return base / ".local/share";
    return base / ".cache";
}

}  // namespace opskit
