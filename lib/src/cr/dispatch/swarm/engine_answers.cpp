// What the Docker Engine API says about our services, read into the engine interface's
// terms (see swarm_engine.hpp). Pure, and tolerant of shape: an entry that is not what the
// API documents is skipped, never trusted.
#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "opskit/core/error.hpp"
#include "opskit/cr/dispatch/swarm/swarm_engine.hpp"
#include "opskit/cr/lifecycle/model.hpp"

namespace opskit::cr::swarm {

namespace {

std::string string_at(const Json& j, std::string_view key) {
    if (!j.is_object()) return {};
    const auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

const Json* object_at(const Json& j, std::string_view key) {
    if (!j.is_object()) return nullptr;
    const auto it = j.find(key);
    return it != j.end() && it->is_object() ? &*it : nullptr;
}

std::optional<std::int64_t> int_at(const Json& j, std::string_view key) {
    if (!j.is_object()) return std::nullopt;
    const auto it = j.find(key);
    if (it == j.end() || !it->is_number_integer()) return std::nullopt;
    return it->get<std::int64_t>();
}

/// N of swarm's "task: non-zero exit (N)", for a task whose ContainerStatus is missing.
std::optional<std::int64_t> exit_in_err(std::string_view err) {
    constexpr std::string_view prefix = "task: non-zero exit (";
    if (!err.starts_with(prefix)) return std::nullopt;
    std::int64_t n = 0;
    const auto* first = err.data() + prefix.size();
    const auto [end, ec] = std::from_chars(first, err.data() + err.size(), n);
    if (ec != std::errc() || end == err.data() + err.size() || *end != ')') return std::nullopt;
    return n;
}

}  // namespace

DockerEndpoint parse_docker_host(std::string_view host) {
    DockerEndpoint e;
    if (host.starts_with("unix://")) {
        e.unix_socket = std::string(host.substr(7));
        e.base_url = "http://docker";
        if (!e.unix_socket.empty() && e.unix_socket.front() == '/') return e;
    } else if (host.starts_with("tcp://")) {
        auto rest = host.substr(6);
        while (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
        const bool clean = !rest.empty() && rest.find_first_of("/?#@ \t\r\n") == std::string_view::npos;
        const auto colon = rest.rfind(':');
        if (clean && colon != std::string_view::npos && colon > 0 && colon + 1 < rest.size() &&
            std::all_of(rest.begin() + static_cast<std::ptrdiff_t>(colon) + 1, rest.end(), [](char c) { return c >= '0' && c <= '9'; })) {
            e.base_url = fmt::format("http://{}", rest);
            return e;
        }
    }
    throw Error(ErrorKind::usage, "invalid Docker host", host,
                "expected unix:///PATH/docker.sock or tcp://HOST:PORT (plain HTTP; TLS and ssh:// are not supported)");
}

JobPhase task_phase(std::string_view state) {
    for (std::string_view s : {"new", "allocated", "pending", "assigned", "accepted", "preparing", "ready", "starting"})
        if (state == s) return JobPhase::pending;
    if (state == "running") return JobPhase::running;
    for (std::string_view s : {"complete", "failed", "rejected", "shutdown", "orphaned", "remove"})
        if (state == s) return JobPhase::ended;
    return JobPhase::unknown;
}

std::vector<Service> read_services(const Json& services) {
    std::vector<Service> out;
    if (!services.is_array()) return out;
    for (const auto& s : services) {
        const Json* spec = object_at(s, "Spec");
        if (!spec) continue;
        const Json* labels = object_at(*spec, "Labels");
        Service svc;
        svc.id = string_at(s, "ID");
        svc.uuid = labels ? string_at(*labels, container_label) : std::string();
        if (svc.id.empty() || !is_uuid(svc.uuid, container_infix)) continue;
        const std::string output_path = labels ? string_at(*labels, output_path_label) : std::string();
        const Json* task = object_at(*spec, "TaskTemplate");
        const Json* container = task ? object_at(*task, "ContainerSpec") : nullptr;
        if (container && !output_path.empty() && container->contains("Mounts") && (*container)["Mounts"].is_array())
            for (const auto& m : (*container)["Mounts"])
                if (string_at(m, "Type") == "bind" && string_at(m, "Target") == output_path) svc.output_dir = string_at(m, "Source");
        out.push_back(std::move(svc));
    }
    return out;
}

std::map<std::string, Task> latest_tasks(const Json& tasks) {
    std::map<std::string, Task> out;
    if (!tasks.is_array()) return out;
    for (const auto& t : tasks) {
        Task task;
        task.id = string_at(t, "ID");
        task.service_id = string_at(t, "ServiceID");
        if (task.id.empty() || task.service_id.empty()) continue;
        task.node_id = string_at(t, "NodeID");
        if (const Json* version = object_at(t, "Version")) task.version = int_at(*version, "Index").value_or(0);
        if (const Json* status = object_at(t, "Status")) {
            task.state = string_at(*status, "State");
            task.message = string_at(*status, "Message");
            task.err = string_at(*status, "Err");
            task.timestamp = string_at(*status, "Timestamp");
            if (const Json* cs = object_at(*status, "ContainerStatus")) task.exit_code = int_at(*cs, "ExitCode");
        }
        auto [it, fresh] = out.try_emplace(task.service_id, task);
        if (!fresh && task.version > it->second.version) it->second = std::move(task);
    }
    return out;
}

EngineJob job_of(const Service& service, const Task* task) {
    EngineJob job;
    job.uuid = service.uuid;
    job.job_id = service.id;
    job.state = task ? task->state : "new";
    job.phase = task ? task_phase(task->state) : JobPhase::pending;
    // Why it waits: swarm puts the scheduler's verdict ("no suitable node (…)") in Err and
    // its own step ("pending task scheduling") in Message.
    if (task && job.phase != JobPhase::running) job.reason = task->err.empty() ? task->message : task->err;
    return job;
}

TaskEnd task_end(const Task& task) {
    TaskEnd end;
    if (task.state == "complete") {
        end.exit_code = task.exit_code.value_or(0);
        return end;
    }
    if (task.state == "failed") {
        // A container that ran and exited non-zero: its own exit code. One that never
        // started (image missing, runtime error) has an exit code of the runtime's, not the
        // container's.
        const auto code = exit_in_err(task.err);
        if (code || (task.err.empty() && task.exit_code)) {
            end.exit_code = code ? code : task.exit_code;
            return end;
        }
    }
    const std::string why = task.err.empty() ? task.message : task.err;
    end.error = fmt::format("swarm task {} {}{}", task.id, task.state.empty() ? "ended" : task.state, why.empty() ? "" : ": " + why);
    return end;
}

Logs demux_logs(std::string_view raw) {
    Logs logs;
    const auto framed = [](std::string_view s) {
        return s.size() >= 8 && (s[0] == 0 || s[0] == 1 || s[0] == 2) && s[1] == 0 && s[2] == 0 && s[3] == 0;
    };
    if (!raw.empty() && !framed(raw)) {
        logs.out = std::string(raw);
        return logs;
    }
    while (raw.size() >= 8) {
        const auto stream = static_cast<unsigned char>(raw[0]);
        std::uint64_t len = 0;
        for (int i = 4; i < 8; ++i) len = (len << 8) | static_cast<unsigned char>(raw[static_cast<std::size_t>(i)]);
        raw.remove_prefix(8);
        const auto take = static_cast<std::size_t>(std::min<std::uint64_t>(len, raw.size()));
        (stream == 2 ? logs.err : logs.out).append(raw.substr(0, take));
        raw.remove_prefix(take);
    }
    return logs;
}

}  // namespace opskit::cr::swarm
