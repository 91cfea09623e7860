// libFuzzer target for what vmctl reads from the command line and config before it touches
// a host: selector words with a host part (`HOST:VM`, `*:web*`), -c values (`URI`,
// `NAME=URI`) and durations (`--timeout 5m`, `--connect-timeout`). The input is a list of
// words, one per line; each must be refused with an opskit::Error or keep the invariants
// below — no crash, sanitizer report or hang.
// Seed it with a few words: fuzz_vm_selector -max_total_time=600 CORPUS_DIR
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "opskit/core/error.hpp"
#include "opskit/core/units.hpp"
#include "opskit/vm/fleet.hpp"

using namespace opskit;
using namespace opskit::vm;

namespace {

VmInfo vm_named(const char* name, PowerState power) {
    VmInfo v;
    v.name = name;
    v.power = power;
    return v;
}

// Two reachable hosts sharing a name, one unreachable.
const std::vector<HostScan>& fleet() {
    static const std::vector<HostScan> scan = [] {
        std::vector<HostScan> s(3);
        s[0].host = Host{"h1", "test:///default", "fuzz"};
        s[0].vms = {vm_named("web1", PowerState::running), vm_named("web2", PowerState::stopped),
                    vm_named("a:b", PowerState::running), vm_named("db1", PowerState::paused)};
        s[1].host = Host{"h2", "test:///default", "fuzz"};
        s[1].vms = {vm_named("web1", PowerState::running), vm_named("x", PowerState::running)};
        s[2].host = Host{"h3.example", "qemu+ssh://root:pw@h3/system", "fuzz"};
        s[2].error = Error(ErrorKind::unavailable, "cannot connect to libvirt", "h3", "down");
        return s;
    }();
    return scan;
}

void check_duration(const std::string& word) {
    Duration d{};
    try {
        d = parse_duration(word);
    } catch (const Error&) {
        return;
    }
    if (d.count() < 0) __builtin_trap();
    // What vmctl prints (`connection not set up within 5m`) reads back as the same duration.
    if (parse_duration(format_duration(d)) != d) __builtin_trap();
}

void check_word(const std::string& word) {
    try {
        const auto p = parse_host_pattern(word);
        if (p.vm.empty() || (p.host && p.host->empty())) __builtin_trap();
        if ((p.host ? *p.host + ":" + p.vm : p.vm) != word) __builtin_trap();
    } catch (const Error&) {
    }
    // A host named after any URI is a valid host name.
    check_host_name(host_name_for(word), "fuzz");
    const auto redacted = redact_uri(word);
    if (redacted != word && redacted.find("***") == std::string::npos) __builtin_trap();
}

void check_plan(const std::vector<std::string>& words, std::uint8_t flags) {
    Selector sel;
    sel.patterns = words;
    sel.all = (flags & 1) != 0;
    if (flags & 2) sel.state = VmState::running;
    const auto& scan = fleet();
    try {
        check_selector_hosts({scan[0].host, scan[1].host, scan[2].host}, sel);
        const auto plan = plan_selection(scan, sel, (flags & 4) != 0, (flags & 8) != 0);
        if (plan.names.size() != scan.size()) __builtin_trap();
        if (!plan.names[2].empty()) __builtin_trap();   // nothing planned on the unreachable host
        for (const auto& names : plan.names)
            if (std::set<std::string>(names.begin(), names.end()).size() != names.size()) __builtin_trap();
        for (const auto& s : plan.settled)
            if (!s.error) __builtin_trap();
        (void)planned_vms(scan, plan, (flags & 16) != 0);
    } catch (const Error&) {
    }
    if (!words.empty()) {
        try {
            const auto one = locate_vm(scan, words.front());
            if (one.host >= 2) __builtin_trap();
        } catch (const Error&) {
        }
    }
}

void check_hosts(const std::vector<std::string>& words, std::uint8_t flags) {
    HostSources src;
    src.connect = words;
    src.connect_origin = "flag --connect";
    src.connect_overrides = true;
    if (flags & 32) src.only = {words.empty() ? std::string("h1") : words.back()};
    try {
        const auto spec = resolve_hosts(src);
        std::set<std::string> names;
        for (const auto& h : spec.hosts) {
            check_host_name(h.name, "fuzz");
            names.insert(h.name);
        }
        if (names.size() != spec.hosts.size()) __builtin_trap();
        if (!std::is_sorted(spec.hosts.begin(), spec.hosts.end(),
                            [](const Host& a, const Host& b) { return a.name < b.name; }))
            __builtin_trap();
    } catch (const Error&) {
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::uint8_t flags = data[0];
    const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
    std::vector<std::string> words;
    std::size_t start = 0;
    while (start <= text.size() && words.size() < 16) {
        auto nl = text.find('\n', start);
        if (nl == std::string_view::npos) nl = text.size();
        words.emplace_back(text.substr(start, nl - start));
        start = nl + 1;
    }
    for (const auto& w : words) {
        check_duration(w);
        check_word(w);
    }
    check_plan(words, flags);
    check_hosts(words, flags);
    return 0;
}
