// The Swarm engine (see swarm_engine.hpp): the Engine interface in terms of the Engine API.
// Services are named and labelled by container uuid, so the engine keeps no state of its
// own that matters: any dispatcher of the store adopts the services the last one created.
// What it caches (the last poll's tasks, the nodes' sizes) only saves round trips.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <system_error>

#include "docker_api.hpp"
#include "opskit/core/error.hpp"
#include "opskit/core/fs.hpp"
#include "opskit/core/time.hpp"
#include "opskit/cr/collections/collection.hpp"
#include "opskit/cr/dispatch/spool.hpp"

namespace fs = std::filesystem;

namespace opskit::cr::swarm {

namespace {

/// The Engine API refused a call: its words, and what that means for the loop.
[[noreturn]] void refused(const ApiResponse& r, std::string_view what, std::string_view input) {
    const auto msg = r.message();
    // A node that left the swarm (or never joined) cannot take services until it does.
    if (r.status == 503 || msg.find("not a swarm manager") != std::string::npos ||
        msg.find("swarm does not have a leader") != std::string::npos)
        throw Error(ErrorKind::unavailable, what, input, msg);
    throw Error(ErrorKind::failed, what, input, msg);
}

class SwarmEngine final : public Engine {
public:
    explicit SwarmEngine(SwarmEngineOptions o)
        : m_opt(std::move(o)), m_api(m_opt.host, m_opt.request_timeout), m_collections(m_opt.data_dir) {}

    std::string_view name() const override { return "swarm"; }
    std::string holder() const override { return "engine:swarm"; }
    bool remote() const override { return true; }

    std::optional<std::string> impossible(const RunSpec& spec) override {
        // Swarm leaves a service no node can ever hold pending forever ("insufficient
        // resources"), as it does one that merely waits: tell the two apart here, against
        // the largest ready node, before anything is created.
        refresh_nodes();
        if (m_nodes_ready == 0) return std::nullopt;  // nothing to compare with: let swarm say
        const auto nano = static_cast<std::int64_t>(std::llround(spec.vcpus * 1e9));
        if (nano > m_max_nano || spec.ram > m_max_memory)
            return fmt::format("impossible request: needs {} vcpus and {} bytes of RAM, the largest ready swarm node has {} and {}",
                               spec.vcpus, spec.ram, static_cast<double>(m_max_nano) / 1e9, m_max_memory);
        return std::nullopt;
    }

    bool has_room(const RunSpec&) override { return m_opt.max_pending <= 0 || m_pending < m_opt.max_pending; }

    EngineJob submit(const Container& c, const RunSpec& spec, std::int64_t) override {
        const Spool spool(m_opt.spool);
        const fs::path dir = spool.dir(c.uuid);
        std::error_code ec;
        fs::remove_all(dir, ec);
        Json service;
        try {
            make_private_dir(m_opt.spool);
            make_private_dir(dir);
            // Where `container export --format swarm` says the mounts are.
            const auto mounts = prepare_mounts(spec, spool.work_dir(c.uuid), m_collections);
            SwarmOptions so = m_opt.service;
            so.job_mode = m_api.has_jobs();
            service = to_service_spec(spec, mounts, so);
        } catch (const Error& e) {
            fs::remove_all(dir, ec);
            if (e.kind() == ErrorKind::unavailable) throw;
            throw Error(ErrorKind::usage, e.what());  // this container can never run on a swarm: Cancelled
        }
        const std::string body = service.dump();
        auto r = m_api.call("POST", "/services/create", &body);
        if (r.status == 409) {
            // A service of an earlier attempt of this container is still there (it ended, or
            // its dispatcher died before removing it): the container is Queued, so it goes.
            m_api.call("DELETE", "/services/" + service_name(c.uuid));
            r = m_api.call("POST", "/services/create", &body);
        }
        if (r.status != 201 && r.status != 200) {
            fs::remove_all(dir, ec);
            if (r.status == 400) throw Error(ErrorKind::usage, "swarm refuses the service", service_name(c.uuid), r.message());
            refused(r, "cannot create the swarm service", service_name(c.uuid));
        }
        EngineJob job;
        job.uuid = c.uuid;
        const auto created = r.json();
        if (created.is_object() && created.contains("ID") && created["ID"].is_string()) job.job_id = created["ID"].get<std::string>();
        job.state = "new";
        job.phase = JobPhase::pending;
        ++m_pending;
        return job;
    }

    std::vector<EngineJob> poll() override {
        const std::string query = "?" + label_filter(container_label);
        const auto rs = m_api.call("GET", "/services" + query);
        if (rs.status != 200) refused(rs, "cannot list swarm services", m_opt.host);
        const auto rt = m_api.call("GET", "/tasks" + query);
        if (rt.status != 200) refused(rt, "cannot list swarm tasks", m_opt.host);
        m_services.clear();
        for (auto& s : read_services(rs.json())) m_services.insert_or_assign(s.uuid, std::move(s));
        m_tasks = latest_tasks(rt.json());
        std::vector<EngineJob> jobs;
        m_pending = 0;
        for (const auto& [uuid, svc] : m_services) {
            const auto t = m_tasks.find(svc.id);
            jobs.push_back(job_of(svc, t == m_tasks.end() ? nullptr : &t->second));
            if (jobs.back().phase == JobPhase::pending) ++m_pending;
        }
        return jobs;
    }

    int reprioritise(const std::vector<EngineJob>&, const std::vector<std::pair<std::string, std::int64_t>>&) override {
        // Swarm has no priorities: order is kept by submitting highest first and holding the
        // rest in our queue (max_pending), where a later, higher priority still goes first.
        return 0;
    }

    std::optional<JobOutcome> cancel(const EngineJob& job) override {
        const auto service = service_ref(job.uuid, job.job_id);
        const auto logs = fetch_logs(service);
        // Removing the service stops its container (SIGTERM, SIGKILL after its stop grace).
        remove_service(service);
        if (!logs) return std::nullopt;
        JobOutcome left;
        left.stdout_text = logs->out;
        left.stderr_text = logs->err;
        left.run_log = fmt::format("{} swarm service {} removed\n", to_rfc3339(now_ms()), service);
        return left;
    }

    std::optional<JobOutcome> outcome(const EngineJob& job) override {
        const auto s = m_services.find(job.uuid);
        if (s == m_services.end()) return std::nullopt;  // the service vanished: the loop's rules
        const auto t = m_tasks.find(s->second.id);
        if (t == m_tasks.end()) return std::nullopt;
        const Task& task = t->second;
        const auto end = task_end(task);
        JobOutcome o;
        o.exit_code = end.exit_code;
        o.error = end.error;
        o.finished_at = task.timestamp;
        o.node = task.node_id;
        if (const auto logs = fetch_logs(s->second.id)) {
            o.stdout_text = logs->out;
            o.stderr_text = logs->err;
        }
        if (!end.error) {
            std::error_code ec;
            if (s->second.output_dir.empty() || !fs::exists(s->second.output_dir, ec))
                o.error = fmt::format("the output folder {} of service {} is gone", s->second.output_dir.string(), s->second.id);
            else
                o.output_dir = s->second.output_dir;
        }
        o.run_log = fmt::format("{} swarm service {} task {} on node {} ended {}{}\n", task.timestamp, s->second.id, task.id,
                                task.node_id, task.state, task.err.empty() ? "" : " (" + task.err + ")");
        if (o.exit_code) o.run_log += fmt::format("{} exit code {}\n", task.timestamp, *o.exit_code);
        if (o.error) o.run_log += fmt::format("{} error: {}\n", task.timestamp, *o.error);
        return o;
    }

    std::string why_waiting(const EngineJob& job) const override {
        return fmt::format("Swarm service {} task {}{}", job.job_id, job.state, job.reason.empty() ? "" : " (" + job.reason + ")");
    }

    void forget(std::string_view uuid) override {
        try {
            remove_service(service_ref(uuid, ""));
        } catch (const Error&) {
            // unreachable now: the service stays listed, and the next pass removes it as an
            // orphan of a final container
        }
        Spool(m_opt.spool).remove(uuid);
    }

private:
    /// How the API names a container's service: its id when known (the job, the last
    /// poll), else its name `crctl-<uuid>`, which the API takes too.
    std::string service_ref(std::string_view uuid, const std::string& job_id) const {
        if (!job_id.empty()) return job_id;
        const auto s = m_services.find(std::string(uuid));
        return s != m_services.end() ? s->second.id : service_name(uuid);
    }

    void remove_service(const std::string& id) {
        const auto r = m_api.call("DELETE", "/services/" + id);
        if (r.status != 200 && r.status != 204 && r.status != 404) refused(r, "cannot remove the swarm service", id);
    }

    std::optional<Logs> fetch_logs(const std::string& service_id) {
        const auto r = m_api.call("GET", "/services/" + service_id + "/logs?stdout=1&stderr=1");
        if (r.status != 200) return std::nullopt;
        return demux_logs(r.body);
    }

    void refresh_nodes() {
        const auto now = std::chrono::steady_clock::now();
        if (m_nodes_read && now - *m_nodes_read < std::chrono::seconds(10)) return;
        const auto r = m_api.call("GET", "/nodes");
        if (r.status != 200) refused(r, "cannot list swarm nodes", m_opt.host);
        m_nodes_read = now;
        m_nodes_ready = 0;
        m_max_nano = 0;
        m_max_memory = 0;
        const auto nodes = r.json();
        if (!nodes.is_array()) return;
        // Outside input: every step checks its type (a value() of the wrong type would throw).
        const auto at = [](const Json& j, const char* key) -> const Json* {
            return j.is_object() && j.contains(key) ? &j[key] : nullptr;
        };
        const auto text = [&](const Json* j, const char* key) {
            const Json* v = j ? at(*j, key) : nullptr;
            return v && v->is_string() ? v->get<std::string>() : std::string();
        };
        for (const auto& n : nodes) {
            if (text(at(n, "Status"), "State") != "ready" || text(at(n, "Spec"), "Availability") != "active") continue;
            const Json* desc = at(n, "Description");
            const Json* res = desc ? at(*desc, "Resources") : nullptr;
            if (!res) continue;
            ++m_nodes_ready;
            if (const Json* v = at(*res, "NanoCPUs"); v && v->is_number_integer())
                m_max_nano = std::max(m_max_nano, v->get<std::int64_t>());
            if (const Json* v = at(*res, "MemoryBytes"); v && v->is_number_unsigned())
                m_max_memory = std::max(m_max_memory, v->get<std::uint64_t>());
        }
    }

    SwarmEngineOptions m_opt;
    DockerApi m_api;
    CollectionStorage m_collections;
    std::map<std::string, Service> m_services;  ///< last poll, by container uuid
    std::map<std::string, Task> m_tasks;        ///< last poll, newest task by service id
    int m_pending = 0;                          ///< services waiting in the swarm (last poll + submitted since)
    std::optional<std::chrono::steady_clock::time_point> m_nodes_read;
    int m_nodes_ready = 0;
    std::int64_t m_max_nano = 0;
    std::uint64_t m_max_memory = 0;
};

}  // namespace

}  // namespace opskit::cr::swarm

/// The plugin's entry point, found by name by make_engine() (swarm_plugin.cpp).
extern "C" opskit::cr::Engine* opskit_cr_swarm_engine(const opskit::cr::swarm::SwarmEngineOptions& options) {
    return new opskit::cr::swarm::SwarmEngine(options);
}
