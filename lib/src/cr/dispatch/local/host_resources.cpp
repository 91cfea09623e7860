// Host CPUs and memory from /proc, for the dispatcher's resource fit.
#include "opskit/cr/dispatch/local/host_resources.hpp"

#include <sched.h>

#include <charconv>
#include <string>

#include "opskit/core/error.hpp"
#include "opskit/core/fs.hpp"

namespace opskit::cr {

namespace {

/// The number in a meminfo line `Key:   12345 kB`, in bytes.
std::uint64_t meminfo_value(std::string_view text, std::string_view key) {
    std::size_t pos = 0;
    while (pos < text.size()) {
        auto end = text.find('\n', pos);
        if (end == std::string_view::npos) end = text.size();
        const auto line = text.substr(pos, end - pos);
        pos = end + 1;
        if (line.size() <= key.size() || line.substr(0, key.size()) != key || line[key.size()] != ':') continue;
        auto rest = line.substr(key.size() + 1);
        while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
        std::uint64_t value = 0;
        const auto [p, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), value);
        if (ec != std::errc()) return 0;
        const std::string_view unit(p, static_cast<std::size_t>(rest.data() + rest.size() - p));
        return unit.find("kB") != std::string_view::npos ? value * 1024 : value;
    }
    return 0;
}

}  // namespace

HostResources parse_meminfo(std::string_view text) {
    HostResources r;
    r.ram_total = meminfo_value(text, "MemTotal");
    r.ram_available = meminfo_value(text, "MemAvailable");
    if (r.ram_available == 0) r.ram_available = meminfo_value(text, "MemFree");
    return r;
}

HostResources read_host_resources(const std::filesystem::path& proc) {
    std::string text;
    try {
        text = read_file(proc / "meminfo");
    } catch (const Error& e) {
        throw Error(ErrorKind::unavailable, "cannot read host memory", (proc / "meminfo").string(), e.what());
    }
    HostResources r = parse_meminfo(text);
    cpu_set_t set;
    CPU_ZERO(&set);
    if (::sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0) {
        r.vcpus = CPU_COUNT(&set);
    } else {
        int n = 0;
        const auto info = read_file_or_empty(proc / "cpuinfo");
        for (std::size_t pos = info.find("processor"); pos != std::string::npos; pos = info.find("processor", pos + 1))
            ++n;
        r.vcpus = n > 0 ? n : 1;
    }
    return r;
}

}  // namespace opskit::cr
