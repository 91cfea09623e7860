// Reading saved dsmc output for `bkctl parse`: a file or standard input, in bounded chunks
// handed to the incremental parser, so a log of any size is read in constant memory.
// Errors name the path and map to the CLI contract (missing file → not found, exit 4).
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dsmc/input.hpp"
#include "opskit/core/error.hpp"
#include "opskit/dsmc/report.hpp"
#include "opskit/dsmc/stream.hpp"

namespace opskit::dsmc {
namespace {

void read_fd(int fd, std::string_view path, Sink& sink, const std::function<void()>& after_chunk) {
    // 1 MiB: few system calls for a file; a pipe hands out what it has, whatever is asked.
    constexpr std::size_t kChunk = std::size_t{1} << 20;
    const std::unique_ptr<char[]> buf(new char[kChunk]);
    StreamParser parser(sink);
    while (true) {
        const ssize_t n = ::read(fd, buf.get(), kChunk);
        if (n == 0) break;
        if (n < 0) {
            if (errno == EINTR) continue;
            const int err = errno;
            throw Error(ErrorKind::failed, "cannot read dsmc output", path, std::strerror(err));
        }
        parser.feed(std::string_view(buf.get(), static_cast<std::size_t>(n)));
        if (after_chunk) after_chunk();
    }
    parser.finish();
}

}  // namespace

namespace detail {

void parse_stream(std::string_view path, Sink& sink, const std::function<void()>& after_chunk) {
    if (path == "-") {
        read_fd(STDIN_FILENO, "-", sink, after_chunk);
        return;
    }
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
        read_fd(fd, path, sink, after_chunk);
        ::close(fd);
    } catch (...) {
        ::close(fd);
        throw;
    }
}

}  // namespace detail

void parse_stream(std::string_view path, Sink& sink) { detail::parse_stream(path, sink, {}); }

Report parse_file(std::string_view path) {
    ReportSink sink;
    parse_stream(path, sink);
    return sink.take();
}

}  // namespace opskit::dsmc
