// The lifecycle engine's frame and the power verbs: start, graceful/forced stop with the
// poll-deadline-escalation algorithm, reboot and wait. Destroy/recover/expunge live in
// lifecycle_destroy.cpp, snapshots in lifecycle_snapshot.cpp.
#include "opskit/vm/lifecycle.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <thread>

#include "opskit/core/audit.hpp"
#include "opskit/core/lock.hpp"
#include "opskit/core/process.hpp"
#include "opskit/vm/fleet.hpp"

namespace opskit::vm {
namespace {

using Steady = std::chrono::steady_clock;

void check_interrupt(std::string_view what, const std::string& vm) {
    if (interrupted_by() != 0) throw Error(ErrorKind::failed, what, vm, "interrupted");
}

}  // namespace

std::string lock_name(const std::string& vm) { return "vmctl." + vm; }

Json to_json(const OpResult& r) {
    Json j = {
        {"host", r.host.empty() ? Json(nullptr) : Json(r.host)},
        {"name", r.name},
        {"uuid", r.uuid.empty() ? Json(nullptr) : Json(r.uuid)},
        {"operation", r.operation},
        {"from_state", r.from_state ? Json(std::string(to_string(*r.from_state))) : Json(nullptr)},
        {"to_state", r.expunged ? Json("Expunged") : r.to_state ? Json(std::string(to_string(*r.to_state))) : Json(nullptr)},
        {"changed", r.changed},
        {"forced", r.forced},
        {"dry_run", r.dry_run},
        {"elapsed_s", std::round(r.elapsed_s * 1000.0) / 1000.0},
        {"detail", r.detail.empty() ? Json(nullptr) : Json(r.detail)},
        {"error", nullptr},
    };
    if (r.error)
        j["error"] = {{"kind", std::string(opskit::to_string(r.error->kind()))},
                      {"exit_code", static_cast<int>(r.error->exit_code())},
                      {"message", r.error->what()}};
    for (const auto& [k, v] : r.extra.items()) j[k] = v;
    return j;
}

ExitCode most_severe(const std::vector<OpResult>& results) {
    std::vector<ExitCode> codes;
    codes.reserve(results.size());
    for (const auto& r : results) codes.push_back(r.exit_code());
    return worst_exit_code(codes);
}

std::vector<OpResult> for_each_vm(const std::vector<std::string>& names, int parallel,
                                  const std::function<OpResult(const std::string&)>& op) {
    std::vector<OpResult> results(names.size());
    const std::size_t workers = std::min<std::size_t>(static_cast<std::size_t>(std::max(1, parallel)), names.size());
    if (workers <= 1) {
        for (std::size_t i = 0; i < names.size(); ++i) results[i] = op(names[i]);
        return results;
    }
    std::atomic<std::size_t> next{0};
    std::vector<std::thread> threads;
    for (std::size_t w = 0; w < workers; ++w)
        threads.emplace_back([&] {
            for (std::size_t i = next++; i < names.size(); i = next++) results[i] = op(names[i]);
        });
    for (auto& t : threads) t.join();
    return results;
}

Lifecycle::Lifecycle(Backend& backend, EngineOptions options) : m_backend(backend), m_options(options) {}

OpResult Lifecycle::run(const std::string& vm, std::string_view operation, const std::function<void(OpResult&)>& body) {
    OpResult r;
    r.name = vm;
    r.operation = std::string(operation);
    r.dry_run = m_options.dry_run;
    const auto t0 = Steady::now();
    const bool mutating = operation != "wait";
    try {
        Lock lock;
        const auto lock_id = m_lock_scope.empty() ? lock_name(vm) : "vmctl." + m_lock_scope + "." + vm;
        if (mutating && !m_options.dry_run) lock = acquire_lock(lock_id, "VM " + vm);
        body(r);
    } catch (const Error& e) {
        r.error = e;
    } catch (const std::exception& e) {
        r.error = Error(ErrorKind::internal, r.operation, vm, fmt::format("{} (please report)", e.what()));
    }
    r.elapsed_s = std::chrono::duration<double>(Steady::now() - t0).count();
    if (mutating && !m_options.dry_run) {
        const std::string outcome = r.error ? std::string(opskit::to_string(r.error->kind())) : r.changed ? "ok" : "no-op";
        std::string detail;
        if (r.error) detail = r.error->what();
        else if (r.forced) detail = "forced";
        audit(fmt::format("vmctl {}", operation), vm, outcome, detail);
    }
    return r;
}

VmInfo Lifecycle::begin(const std::string& vm, OpResult& r, bool full) {
    auto info = full ? m_backend.info(vm) : m_backend.state(vm);
    r.uuid = info.uuid;
    r.from_state = state_of(info);
    return info;
}

bool Lifecycle::no_op(const Decision& d, OpResult& r) {
    if (d.verdict != Verdict::no_op) return false;
    r.to_state = r.from_state;
    r.detail = d.why;
    return true;
}

VmState Lifecycle::now(const std::string& vm, const VmInfo& begun) {
    VmInfo cur;
    cur.power = m_backend.power(vm);
    cur.record = begun.record;
    return state_of(cur);
}

VmState Lifecycle::poll_until(const std::string& vm, const std::function<bool(VmState)>& done, Duration timeout,
                              const VmInfo* begun) {
    const auto deadline = Steady::now() + timeout;
    for (;;) {
        VmState s;
        try {
            s = begun ? now(vm, *begun) : state_of(m_backend.state(vm));
        } catch (const Error& e) {
            if (e.kind() != ErrorKind::not_found) throw;
            s = VmState::stopped;  // a transient VM that powered off is gone
        }
        if (done(s) || Steady::now() >= deadline) return s;
        check_interrupt("wait", vm);
        const auto left = std::chrono::duration_cast<Duration>(deadline - Steady::now());
        sleep_unless_interrupted(std::min(m_options.poll_interval, std::max(Duration(1), left)));
    }
}

OpResult Lifecycle::start(const std::string& vm) {
    return run(vm, "start", [&](OpResult& r) {
        const auto info = begin(vm, r);
        const auto d = check(Operation::start, info);
        if (no_op(d, r)) return;
        r.changed = true;
        if (m_options.dry_run) {
            r.to_state = VmState::running;
            return;
        }
        m_backend.start(vm);
        r.to_state = now(vm, info);
    });
}

void Lifecycle::stop_running(const std::string& vm, const VmInfo& begun, const StopOptions& o, OpResult& r,
                             bool wait) {
    r.changed = true;
    if (o.force) {
        m_backend.power_off(vm);
        r.forced = true;
        r.to_state = now(vm, begun);
        return;
    }
    const auto first = m_backend.request_shutdown(vm);
    if (!first.fallback.empty()) r.detail = first.fallback;
    if (!wait) {
        r.to_state = now(vm, begun);
        return;
    }
    const auto t0 = Steady::now();
    const auto is_stopped = [](VmState s) { return s == VmState::stopped; };
    // First half of the deadline, then the request once more (an ACPI event sent while the
    // guest was still booting is lost), then the second half.
    auto s = poll_until(vm, is_stopped, o.timeout / 2, &begun);
    if (s != VmState::stopped) {
        check_interrupt("stop", vm);
        m_backend.request_shutdown(vm);
        const auto spent = std::chrono::duration_cast<Duration>(Steady::now() - t0);
        s = poll_until(vm, is_stopped, std::max(Duration(0), o.timeout - spent), &begun);
    }
    if (s == VmState::stopped) {
        r.to_state = s;
        return;
    }
    if (o.force_on_timeout) {
        m_backend.power_off(vm);
        r.forced = true;
        r.detail = fmt::format("graceful stop did not finish within {}: powered off", format_duration(o.timeout));
        r.to_state = now(vm, begun);
        return;
    }
    r.to_state = s;
    throw Error(ErrorKind::timeout, "stop", vm,
                fmt::format("still {} after a {} graceful stop; use --force-on-timeout or --force to power it off",
                            to_string(s), format_duration(o.timeout)));
}

OpResult Lifecycle::stop(const std::string& vm, const StopOptions& o) {
    return run(vm, "stop", [&](OpResult& r) {
        const auto info = begin(vm, r);
        const auto d = check(Operation::stop, info);
        if (no_op(d, r)) return;
        StopOptions opts = o;
        if (*r.from_state == VmState::error) opts.force = true;  // a crashed guest cannot shut down
        if (m_options.dry_run) {
            r.changed = true;
            r.forced = opts.force;
            r.to_state = VmState::stopped;
            return;
        }
        stop_running(vm, info, opts, r, m_options.wait);
    });
}

OpResult Lifecycle::reboot(const std::string& vm, bool force) {
    return run(vm, "reboot", [&](OpResult& r) {
        const auto info = begin(vm, r);
        check(Operation::reboot, info);
        r.changed = true;
        r.forced = force;
        if (m_options.dry_run) {
            r.to_state = VmState::running;
            return;
        }
        if (force) {
            m_backend.reset(vm);
        } else {
            const auto a = m_backend.request_reboot(vm);
            if (!a.fallback.empty()) r.detail = a.fallback;
        }
        r.to_state = now(vm, info);
    });
}

OpResult Lifecycle::wait(const std::string& vm, VmState state, Duration timeout) {
    return run(vm, "wait", [&](OpResult& r) {
        begin(vm, r);
        const auto s = poll_until(vm, [&](VmState cur) { return cur == state; }, timeout);
        r.to_state = s;
        if (s != state)
            throw Error(ErrorKind::timeout, "wait", vm,
                        fmt::format("still {} after {}, waiting for {}", to_string(s), format_duration(timeout),
                                    to_string(state)));
    });
}

}  // namespace opskit::vm
