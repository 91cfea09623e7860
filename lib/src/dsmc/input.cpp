// Reading saved dsmc output for `bkctl parse`: a file or standard input, whole, as bytes.
// Errors name the path and map to the CLI contract (missing file → not found, exit 4).
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "opskit/core/error.hpp"
#include "opskit/dsmc/report.hpp"

namespace opskit::dsmc {
namespace {

std::string read_fd(int fd, std::string_view path) {
    std::string data;
    struct stat st {};
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) data.reserve(static_cast<std::size_t>(st.st_size));
    char buf[1 << 16];
    while (true) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n == 0) break;
        if (n < 0) {
            if (errno == EINTR) continue;
            const int err = errno;
            throw Error(ErrorKind::failed, "cannot read dsmc output", path, std::strerror(err));
        }
        data.append(buf, static_cast<std::size_t>(n));
    }
    return data;
}

}  // namespace

Report parse_file(std::string_view path) {
    if (path == "-") return parse_output(read_fd(STDIN_FILENO, "-"));
    const std::string p(path);
    const int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        const int err = errno;
        const ErrorKind kind = (err == ENOENT || err == ENOTDIR) ? ErrorKind::not_found : ErrorKind::failed;
        throw Error(kind, "cannot open dsmc output", path, std::strerror(err));
    }
    struct stat st {};
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        ::close(fd);
        throw Error(ErrorKind::usage, "cannot parse dsmc output", path, "is a directory, expected a file or -");
    }
    try {
        std::string data = read_fd(fd, path);
        ::close(fd);
        return parse_output(data);
    } catch (...) {
        ::close(fd);
        throw;
    }
}

}  // namespace opskit::dsmc
