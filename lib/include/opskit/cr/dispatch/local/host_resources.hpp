// What this host can give containers: CPUs and memory as /proc reports them. The dispatcher
// uses it to refuse impossible requests and to fit the rest around what it already runs.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string_view>

namespace opskit::cr {

struct HostResources {
    int vcpus = 1;                      ///< CPUs this process may run on
    std::uint64_t ram_total = 0;        ///< MemTotal, bytes
    std::uint64_t ram_available = 0;    ///< MemAvailable, bytes
};

/// Parses /proc/meminfo text into ram_total/ram_available (bytes); missing fields stay 0.
HostResources parse_meminfo(std::string_view text);

/// Reads `<proc>/meminfo` and the CPUs of this process (sched_getaffinity, else
/// `<proc>/cpuinfo`). Unreadable meminfo → Error(unavailable) naming the file.
HostResources read_host_resources(const std::filesystem::path& proc = "/proc");

}  // namespace opskit::cr
