// What a function writes to a file descriptor, captured through a memory file: for the
// printers that take an fd (print_parse) rather than a stream.
#pragma once

#include <string>

#include <sys/mman.h>
#include <unistd.h>

#include <catch2/catch.hpp>

/// Calls `write(fd)` on a fresh memory file and returns what it wrote.
template <class Write>
std::string written_to_fd(Write&& write) {
    const int fd = ::memfd_create("output", 0);
    REQUIRE(fd >= 0);
    write(fd);
    std::string out;
    char buf[65536];
    ssize_t n = 0;
    off_t at = 0;
    while ((n = ::pread(fd, buf, sizeof buf, at)) > 0) {
        out.append(buf, static_cast<std::size_t>(n));
        at += n;
    }
    ::close(fd);
    return out;
}
