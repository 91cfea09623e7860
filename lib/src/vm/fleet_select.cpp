// The pure half of the fleet: host names and URIs, where the hosts come from, the
// `HOST:VM` selector words and how a selection is spread over the scanned hosts. No
// connection is made here, so every rule is unit tested with hand-made scans.
#include <fnmatch.h>

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "opskit/core/error.hpp"
#include "opskit/vm/fleet.hpp"
#include "opskit/vm/rules.hpp"

namespace opskit::vm {
namespace {

bool name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
}

// `NAME=URI` in a -c value: a host name, then `=`, before anything URI-like.
std::optional<std::pair<std::string, std::string>> named_uri(const std::string& text) {
    const auto eq = text.find('=');
    if (eq == std::string::npos || eq == 0) return std::nullopt;
    if (!std::all_of(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(eq), name_char)) return std::nullopt;
    return std::make_pair(text.substr(0, eq), text.substr(eq + 1));
}

bool matches(const std::string& pattern, const std::string& text) {
    return ::fnmatch(pattern.c_str(), text.c_str(), 0) == 0;
}

}  // namespace

std::string host_name_for(std::string_view uri) {
    const auto scheme = uri.find("://");
    if (scheme == std::string_view::npos) return "local";
    auto rest = uri.substr(scheme + 3);
    rest = rest.substr(0, rest.find_first_of("/?"));
    if (const auto at = rest.rfind('@'); at != std::string_view::npos) rest = rest.substr(at + 1);
    if (!rest.empty() && rest.front() == '[') {  // [v6]:port
        const auto close = rest.find(']');
        rest = rest.substr(1, close == std::string_view::npos ? std::string_view::npos : close - 1);
    } else {
        rest = rest.substr(0, rest.find(':'));
    }
    // Whatever the URI holds (`[f[fe80::1]`, found by fuzz_vm_selector), the name is valid.
    std::string out(rest);
    for (auto& c : out)
        if (!name_char(c)) c = '-';
    return out.empty() ? "local" : out;
}

std::string redact_uri(std::string_view uri) {
    std::string out(uri);
    const auto scheme = out.find("://");
    if (scheme == std::string::npos) return out;
    const auto start = scheme + 3;
    const auto end = out.find_first_of("/?", start);
    const auto authority = out.substr(start, end == std::string::npos ? std::string::npos : end - start);
    const auto at = authority.rfind('@');
    if (at == std::string::npos) return out;
    const auto colon = authority.find(':');
    if (colon == std::string::npos || colon > at) return out;
    return out.substr(0, start + colon + 1) + "***" + out.substr(start + at);
}

void check_host_name(std::string_view name, std::string_view origin) {
    if (name.empty() || !std::all_of(name.begin(), name.end(), name_char))
        throw Error(ErrorKind::usage, "invalid host name", name,
                    fmt::format("from {}: use letters, digits, '_', '-' and '.'", origin));
}

FleetSpec resolve_hosts(const HostSources& src) {
    FleetSpec spec;
    const bool use_connect = !src.connect.empty() && (src.connect_overrides || src.hosts.empty());
    if (use_connect) {
        for (const auto& text : src.connect) {
            Host h;
            if (auto named = named_uri(text)) {
                h.name = named->first;
                h.uri = named->second;
            } else {
                h.name = host_name_for(text);
                h.uri = text;
            }
            h.origin = src.connect_origin;
            check_host_name(h.name, h.origin);
            for (const auto& other : spec.hosts)
                if (other.name == h.name)
                    throw Error(ErrorKind::usage, "duplicate host name", h.name,
                                fmt::format("{} and {} both name it; give one as NAME=URI", redact_uri(other.uri),
                                            redact_uri(h.uri)));
            spec.hosts.push_back(std::move(h));
        }
        spec.fleet = spec.hosts.size() > 1;
    } else if (!src.hosts.empty()) {
        for (const auto& [name, uri] : src.hosts) {
            const auto it = src.host_origins.find(name);
            Host h{name, uri, it == src.host_origins.end() ? std::string("config") : it->second};
            check_host_name(h.name, h.origin);
            spec.hosts.push_back(std::move(h));
        }
        spec.fleet = true;
    } else {
        spec.hosts.push_back(Host{"local", "", "default"});
    }
    std::sort(spec.hosts.begin(), spec.hosts.end(), [](const Host& a, const Host& b) { return a.name < b.name; });
    if (!src.only.empty()) {
        for (const auto& want : src.only)
            if (std::none_of(spec.hosts.begin(), spec.hosts.end(), [&](const Host& h) { return h.name == want; }))
                throw Error(ErrorKind::usage, "unknown host", want, "not in vmctl.hosts or -c; see 'vmctl hosts'");
        std::erase_if(spec.hosts, [&](const Host& h) {
            return std::find(src.only.begin(), src.only.end(), h.name) == src.only.end();
        });
        spec.fleet = spec.fleet || src.only.size() > 1;
    }
    return spec;
}

HostPattern parse_host_pattern(std::string_view word) {
    if (word.empty()) throw Error(ErrorKind::usage, "VM selection", word, "empty selector");
    const auto colon = word.find(':');
    if (colon == std::string_view::npos) return {std::nullopt, std::string(word)};
    HostPattern p{std::string(word.substr(0, colon)), std::string(word.substr(colon + 1))};
    if (p.host->empty()) throw Error(ErrorKind::usage, "VM selection", word, "empty host part before ':'");
    if (p.vm.empty()) throw Error(ErrorKind::usage, "VM selection", word, "empty VM part after ':' (HOST:* is every VM)");
    return p;
}

void check_selector_hosts(const std::vector<Host>& hosts, const Selector& sel) {
    for (const auto& text : sel.patterns) {
        const auto p = parse_host_pattern(text);
        if (p.host && std::none_of(hosts.begin(), hosts.end(), [&](const Host& h) { return matches(*p.host, h.name); }))
            throw Error(ErrorKind::usage, "unknown host", *p.host,
                        fmt::format("in '{}': not in vmctl.hosts or -c; see 'vmctl hosts'", text));
    }
}

FleetPlan plan_selection(const std::vector<HostScan>& scan, const Selector& sel, bool include_destroyed,
                         bool empty_means_all) {
    require_selection(sel, empty_means_all);
    const bool everything = sel.all || (sel.patterns.empty() && empty_means_all);
    FleetPlan plan;
    plan.names.resize(scan.size());

    struct Word {
        std::string text;
        HostPattern p;
        std::vector<std::size_t> hosts;   // indexes of the hosts it applies to
        bool matched = false;
    };
    std::vector<Word> words;
    for (const auto& text : sel.patterns) {
        Word w{text, parse_host_pattern(text), {}, false};
        for (std::size_t i = 0; i < scan.size(); ++i)
            if (!w.p.host || matches(*w.p.host, scan[i].host.name)) w.hosts.push_back(i);
        if (w.p.host && w.hosts.empty())
            throw Error(ErrorKind::usage, "unknown host", *w.p.host,
                        fmt::format("in '{}': not in vmctl.hosts or -c; see 'vmctl hosts'", text));
        words.push_back(std::move(w));
    }

    const auto state_ok = [&](const VmInfo& vm) {
        const auto s = state_of(vm);
        if (sel.state) return s == *sel.state;
        return include_destroyed || (s != VmState::destroyed && s != VmState::expunging);
    };
    const auto add = [&](std::size_t h, const std::string& n) {
        auto& v = plan.names[h];
        if (std::find(v.begin(), v.end(), n) == v.end()) v.push_back(n);
    };
    const auto unreachable = [&](std::size_t h, const std::string& name) {
        OpResult r;
        r.host = scan[h].host.name;
        r.name = name;
        r.error = *scan[h].error;
        plan.settled.push_back(std::move(r));
    };
    const auto find_vm = [](const HostScan& hs, const std::string& n) -> const VmInfo* {
        const auto it = std::find_if(hs.vms.begin(), hs.vms.end(), [&](const VmInfo& v) { return v.name == n; });
        return it == hs.vms.end() ? nullptr : &*it;
    };
    std::vector<std::vector<const VmInfo*>> sorted(scan.size());
    for (std::size_t h = 0; h < scan.size(); ++h) {
        for (const auto& vm : scan[h].vms) sorted[h].push_back(&vm);
        std::sort(sorted[h].begin(), sorted[h].end(), [](const VmInfo* a, const VmInfo* b) { return a->name < b->name; });
    }

    if (everything) {
        for (std::size_t h = 0; h < scan.size(); ++h) {
            if (scan[h].error) {
                unreachable(h, "*");
                continue;
            }
            for (const auto* vm : sorted[h])
                if (state_ok(*vm)) add(h, vm->name);
        }
        return plan;
    }

    const bool one_host = scan.size() == 1;
    for (auto& w : words) {
        if (!is_glob(w.p.vm) && (w.p.host || one_host)) {
            // A plain name is the operator's explicit choice: kept even when absent (its
            // operation reports not found); --state still filters it.
            for (auto h : w.hosts) {
                if (scan[h].error) {
                    unreachable(h, w.p.vm);
                    continue;
                }
                const VmInfo* vm = find_vm(scan[h], w.p.vm);
                if (sel.state && vm && !state_ok(*vm)) continue;
                add(h, w.p.vm);
            }
            w.matched = true;
            continue;
        }
        if (!is_glob(w.p.vm)) {
            // A bare plain name on a fleet: the one host that has it.
            std::vector<std::size_t> have;
            std::vector<std::string> down;
            for (auto h : w.hosts) {
                if (scan[h].error) down.push_back(scan[h].host.name);
                else if (find_vm(scan[h], w.p.vm)) have.push_back(h);
            }
            if (have.size() > 1) {
                std::vector<std::string> names;
                for (auto h : have) names.push_back(scan[h].host.name);
                throw Error(ErrorKind::usage, "ambiguous VM name", w.p.vm,
                            fmt::format("it exists on hosts {}; say which as HOST:{}", fmt::join(names, ", "), w.p.vm));
            }
            w.matched = true;
            if (have.size() == 1) {
                const VmInfo* vm = find_vm(scan[have[0]], w.p.vm);
                if (!sel.state || state_ok(*vm)) add(have[0], w.p.vm);
                continue;
            }
            OpResult r;
            r.name = w.p.vm;
            if (down.empty())
                r.error = Error(ErrorKind::not_found, "VM", w.p.vm, "no such domain on any host");
            else
                r.error = Error(ErrorKind::unavailable, "VM", w.p.vm,
                                fmt::format("not on any reachable host; unreachable: {}", fmt::join(down, ", ")));
            plan.settled.push_back(std::move(r));
            continue;
        }
        for (auto h : w.hosts) {
            if (scan[h].error) {
                unreachable(h, w.p.vm);
                w.matched = true;  // cannot tell: the host's own result says why
                continue;
            }
            for (const auto* vm : sorted[h])
                if (matches(w.p.vm, vm->name)) {
                    w.matched = true;
                    if (state_ok(*vm)) add(h, vm->name);
                }
        }
        if (!w.matched) throw Error(ErrorKind::not_found, "VM selection", w.text, "no VM matches this pattern");
    }
    return plan;
}

std::vector<PlannedVm> planned_vms(const std::vector<HostScan>& scan, const FleetPlan& plan, bool by_name) {
    std::vector<PlannedVm> out;
    for (std::size_t h = 0; h < scan.size() && h < plan.names.size(); ++h) {
        const auto first = out.size();
        for (const auto& n : plan.names[h]) {
            const auto it = std::find_if(scan[h].vms.begin(), scan[h].vms.end(), [&](const VmInfo& v) { return v.name == n; });
            out.push_back({h, n, it == scan[h].vms.end() ? nullptr : &*it});
        }
        if (by_name)
            std::sort(out.begin() + static_cast<std::ptrdiff_t>(first), out.end(),
                      [](const PlannedVm& a, const PlannedVm& b) { return a.name < b.name; });
    }
    return out;
}

PlannedVm locate_vm(const std::vector<HostScan>& scan, std::string_view word) {
    const auto p = parse_host_pattern(word);
    if (is_glob(p.vm)) throw Error(ErrorKind::usage, "VM", word, "name one VM (no glob)");
    Selector sel;
    sel.patterns.emplace_back(word);
    const auto plan = plan_selection(scan, sel, true);
    if (!plan.settled.empty()) throw *plan.settled.front().error;
    const auto vms = planned_vms(scan, plan, false);
    if (vms.size() > 1) {
        std::vector<std::string> hosts;
        for (const auto& v : vms) hosts.push_back(scan[v.host].host.name);
        throw Error(ErrorKind::usage, "ambiguous VM name", word,
                    fmt::format("it names a VM on more than one host ({}); say which as HOST:{}", fmt::join(hosts, ", "), p.vm));
    }
    if (vms.empty()) throw Error(ErrorKind::not_found, "VM", word, "no such domain on the hosts named");
    return vms.front();
}

void filter_plan(FleetPlan& plan, const std::vector<HostScan>& scan, const std::function<bool(const VmInfo&)>& keep) {
    for (std::size_t h = 0; h < plan.names.size() && h < scan.size(); ++h)
        std::erase_if(plan.names[h], [&](const std::string& n) {
            const auto it = std::find_if(scan[h].vms.begin(), scan[h].vms.end(), [&](const VmInfo& v) { return v.name == n; });
            return it == scan[h].vms.end() || !keep(*it);
        });
}

const std::vector<ExitCode>& exit_code_order() {
    static const std::vector<ExitCode> order = {ExitCode::internal, ExitCode::unavailable, ExitCode::failed,
                                                ExitCode::timeout,  ExitCode::busy,        ExitCode::conflict,
                                                ExitCode::not_found, ExitCode::usage,      ExitCode::warning,
                                                ExitCode::ok};
    return order;
}

ExitCode worst_exit_code(const std::vector<ExitCode>& codes) {
    for (auto code : exit_code_order())
        if (std::find(codes.begin(), codes.end(), code) != codes.end()) return code;
    return ExitCode::ok;
}

}  // namespace opskit::vm
