// The running half of the fleet: one connection per host opened at once under a deadline
// (a host that hangs in ssh or TLS set-up must not hold up the others), and the bounded pool
// that works every host's VMs in parallel — per-host workers, one overall cap — with each
// host's failure kept to that host's VMs.
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <future>
#include <map>
#include <mutex>
#include <semaphore>
#include <thread>

#include "opskit/core/process.hpp"
#include "opskit/vm/fleet.hpp"
#include "opskit/vm/rules.hpp"

namespace opskit::vm {
namespace {

// A counting gate shared by every host's workers: at most `n` VMs in work at once.
class Gate {
public:
    explicit Gate(int n) : m_free(std::max(1, n)) {}
    void enter() {
        std::unique_lock lk(m_mutex);
        m_cv.wait(lk, [&] { return m_free > 0; });
        --m_free;
    }
    void leave() {
        {
            std::lock_guard lk(m_mutex);
            ++m_free;
        }
        m_cv.notify_one();
    }

private:
    std::mutex m_mutex;
    std::condition_variable m_cv;
    int m_free;
};

struct Pending {
    std::promise<void> connected;
    std::promise<void> listed;
    std::shared_ptr<Backend> backend;
    std::optional<Error> error;
    std::vector<VmInfo> vms;
};

}  // namespace

std::vector<HostScan> scan_hosts(const std::vector<Host>& hosts, Duration connect_timeout, Listing listing,
                                 const Opener& open) {
    const Opener opener = open ? open : [](const Host& h) { return open_libvirt(h.uri); };
    std::vector<std::shared_ptr<Pending>> pending;
    std::vector<std::future<void>> connected, listed;
    for (const auto& host : hosts) {
        auto p = std::make_shared<Pending>();
        connected.push_back(p->connected.get_future());
        listed.push_back(p->listed.get_future());
        pending.push_back(p);
        // Detached: a connection that outlives its deadline finishes (or not) on its own,
        // holding only its own state.
        std::thread([p, host, opener, listing] {
            try {
                p->backend = std::shared_ptr<Backend>(opener(host));
            } catch (const Error& e) {
                p->error = e;
            } catch (const std::exception& e) {
                p->error = Error(ErrorKind::unavailable, "cannot connect to libvirt", redact_uri(host.uri), e.what());
            }
            p->connected.set_value();
            if (!p->error && listing != Listing::none) {
                try {
                    p->vms = listing == Listing::full ? p->backend->list() : p->backend->list_states();
                } catch (const Error& e) {
                    p->error = Error(ErrorKind::unavailable, fmt::format("host {}: {}", host.name, e.what()));
                    p->backend.reset();
                }
            }
            p->listed.set_value();
        }).detach();
    }
    std::vector<HostScan> out;
    const auto deadline = std::chrono::steady_clock::now() + connect_timeout;
    for (std::size_t i = 0; i < hosts.size(); ++i) {
        HostScan s;
        s.host = hosts[i];
        if (connected[i].wait_until(deadline) != std::future_status::ready) {
            s.error = Error(ErrorKind::unavailable, "cannot connect to libvirt", redact_uri(hosts[i].uri),
                            fmt::format("host {}: connection not set up within {}", hosts[i].name,
                                        format_duration(connect_timeout)));
            out.push_back(std::move(s));
            continue;
        }
        listed[i].wait();
        s.backend = pending[i]->backend;
        s.error = pending[i]->error;
        if (s.error && s.backend) s.backend.reset();
        s.vms = std::move(pending[i]->vms);
        out.push_back(std::move(s));
    }
    return out;
}

FleetRunOptions FleetRunOptions::pool(std::optional<int> parallel, std::optional<int> per_host, std::size_t hosts,
                                      bool fleet) {
    FleetRunOptions o;
    o.scope_locks = fleet;
    if (!fleet) {
        o.parallel = parallel.value_or(1);
    } else if (parallel) {
        o.parallel = *parallel;
        o.per_host = per_host.value_or(0);
    } else {
        o.per_host = std::max(1, per_host.value_or(1));
        o.parallel = static_cast<int>(std::max<std::size_t>(1, hosts)) * o.per_host;
    }
    o.parallel = std::max(1, o.parallel);
    return o;
}

std::vector<OpResult> run_plan(const std::vector<HostScan>& scan, const FleetPlan& plan, const FleetRunOptions& o,
                               const FleetOp& op) {
    std::vector<std::vector<OpResult>> per_host(scan.size());
    Gate gate(o.parallel);
    std::vector<std::thread> threads;
    for (std::size_t h = 0; h < scan.size() && h < plan.names.size(); ++h) {
        const auto& names = plan.names[h];
        per_host[h].resize(names.size());
        if (names.empty()) continue;
        const int cap = o.per_host > 0 ? std::min(o.per_host, o.parallel) : o.parallel;
        const auto workers = std::min<std::size_t>(static_cast<std::size_t>(std::max(1, cap)), names.size());
        auto next = std::make_shared<std::atomic<std::size_t>>(0);
        for (std::size_t w = 0; w < workers; ++w)
            threads.emplace_back([&, h, next] {
                const auto& hs = scan[h];
                std::optional<Lifecycle> life;
                if (hs.backend) life.emplace(*hs.backend, o.engine);
                if (life && o.scope_locks) life->set_lock_scope(hs.host.name);
                for (std::size_t i = (*next)++; i < names.size(); i = (*next)++) {
                    OpResult r;
                    if (!life) {
                        r.name = names[i];
                        r.error = hs.error.value_or(Error(ErrorKind::unavailable, "host", hs.host.name, "not connected"));
                    } else if (interrupted_by() != 0) {
                        r.name = names[i];
                        r.error = Error(ErrorKind::failed, "VM", names[i], "interrupted before it was started");
                    } else {
                        gate.enter();
                        r = op(*life, names[i]);
                        gate.leave();
                        if (r.error && r.error->kind() != ErrorKind::unavailable && !hs.backend->alive())
                            r.error = Error(ErrorKind::unavailable,
                                            fmt::format("host {}: connection lost: {}", hs.host.name, r.error->what()));
                    }
                    r.host = hs.host.name;
                    per_host[h][i] = std::move(r);
                }
            });
    }
    for (auto& t : threads) t.join();
    // Sorted by host, then as planned; settled results go with their host (none: first).
    std::vector<OpResult> out;
    for (const auto& r : plan.settled)
        if (r.host.empty()) out.push_back(r);
    for (std::size_t h = 0; h < scan.size(); ++h) {
        for (const auto& r : plan.settled)
            if (r.host == scan[h].host.name) out.push_back(r);
        if (h < per_host.size())
            for (auto& r : per_host[h]) out.push_back(std::move(r));
    }
    return out;
}

Json host_report(const HostScan& s) {
    Json j = {
        {"host", s.host.name},
        {"uri", redact_uri(s.host.uri)},
        {"origin", s.host.origin},
        {"reachable", s.error ? false : true},
        {"error", s.error ? Json(s.error->what()) : Json(nullptr)},
        {"hypervisor", nullptr},
        {"hypervisor_version", nullptr},
        {"libvirt_version", nullptr},
        {"vms", nullptr},
    };
    if (s.error || !s.backend) return j;
    const auto f = s.backend->facts();
    const auto opt = [](const std::string& v) { return v.empty() ? Json(nullptr) : Json(v); };
    j["hypervisor"] = opt(f.hypervisor);
    j["hypervisor_version"] = opt(f.hypervisor_version);
    j["libvirt_version"] = opt(f.libvirt_version);
    Json counts = Json::object();
    for (auto st : all_states()) counts[std::string(to_string(st))] = 0;
    for (const auto& vm : s.vms) counts[std::string(to_string(state_of(vm)))] = counts[std::string(to_string(state_of(vm)))].get<int>() + 1;
    counts["total"] = s.vms.size();
    j["vms"] = counts;
    return j;
}

}  // namespace opskit::vm
