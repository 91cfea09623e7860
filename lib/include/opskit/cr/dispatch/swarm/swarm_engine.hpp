// The Docker Swarm engine: one swarm service per container, created, watched and removed
// through the Docker Engine API on the engine's socket (DOCKER_HOST form). The service is
// the container itself (image, command, mounts prepared in the spool, which every node
// mounts at the same path); its task's state is the job's state, its logs the container's
// log, its output mount's folder in the spool the output collection.
//
// The HTTP side lives in a plugin (libopskit-cr-swarm, lib/src/cr/dispatch/swarm/engine/)
// that make_swarm_engine() loads on first use, so libcurl is mapped only by a dispatcher
// that drives a swarm. The functions below that read what the engine says are pure and
// public, for tests and fuzzing: the Engine API's JSON is outside input.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "opskit/core/output.hpp"
#include "opskit/core/units.hpp"
#include "opskit/cr/dispatch/engine.hpp"
#include "opskit/cr/dispatch/swarm/service_spec.hpp"

namespace opskit::cr::swarm {

/// Where the Engine API answers: `unix:///path/docker.sock` or `tcp://HOST:PORT` (plain
/// HTTP, as on a manager's loopback; TLS and ssh:// are not supported).
struct DockerEndpoint {
    std::string unix_socket;   ///< set for unix://
    std::string base_url;      ///< `http://docker` (unix) or `http://HOST:PORT`
};
/// Error(usage) naming the text and the accepted forms.
DockerEndpoint parse_docker_host(std::string_view host);

/// The phase of a swarm task state word: new…starting → pending, running → running,
/// complete/failed/rejected/shutdown/orphaned/remove → ended; anything else → unknown.
JobPhase task_phase(std::string_view state);

/// One of our services, as `GET /services` lists it.
struct Service {
    std::string id;
    std::string uuid;                  ///< the container (label opskit.crctl.container)
    std::filesystem::path output_dir;  ///< the bind source at the output path, when there is one
};
/// Our services in a `GET /services` answer (those with a container label holding a
/// container uuid); anything else, or entries of the wrong shape, is skipped.
std::vector<Service> read_services(const Json& services);

/// A service's task, as `GET /tasks` lists it.
struct Task {
    std::string id, service_id, node_id;
    std::string state;                 ///< Status.State
    std::string message;               ///< Status.Message ("pending task scheduling", "finished")
    std::string err;                   ///< Status.Err ("no suitable node (…)", "task: non-zero exit (3)")
    std::string timestamp;             ///< Status.Timestamp: when it entered that state
    std::optional<std::int64_t> exit_code;  ///< Status.ContainerStatus.ExitCode, once it ran
    std::int64_t version = 0;          ///< Version.Index: the newest task of a service wins
};
/// The newest task of each service in a `GET /tasks` answer, by service id.
std::map<std::string, Task> latest_tasks(const Json& tasks);

/// The engine job of a service and its newest task (none yet: pending, state "new").
EngineJob job_of(const Service& service, const Task* task);

/// What an ended task means: the container's exit code (complete, or failed by a non-zero
/// exit), or why its result cannot be trusted (rejected, could not start, shut down by
/// someone else) — the container is then Cancelled with the engine's words.
struct TaskEnd {
    std::optional<std::int64_t> exit_code;
    std::optional<std::string> error;
};
TaskEnd task_end(const Task& task);

/// A service's log as the Engine API sends it: frames of an 8-byte header (stream 1 stdout,
/// 2 stderr; 4-byte big-endian length) and the payload. A stream without that framing (a
/// TTY service) is all stdout; a truncated last frame keeps what arrived.
struct Logs {
    std::string out, err;
};
Logs demux_logs(std::string_view raw);

/// How the engine is reached and what it creates.
struct SwarmEngineOptions {
    std::string host = "unix:///var/run/docker.sock";  ///< crctl.swarm_host, else $DOCKER_HOST
    std::filesystem::path spool;                        ///< mounts are prepared in <spool>/<uuid>/work
    std::filesystem::path data_dir;                     ///< the store's collections (collection mounts)
    SwarmOptions service;                               ///< placement constraint template
    int max_pending = 16;            ///< services waiting in the swarm at once (0 = no limit): the
                                     ///< rest wait in our queue, where priority order holds
    Duration request_timeout{30000}; ///< per Engine API call
};

/// The engine (loads the plugin); Error(usage) for a bad host or an empty spool,
/// Error(unavailable) when the plugin cannot be loaded.
std::unique_ptr<Engine> make_engine(SwarmEngineOptions options);

}  // namespace opskit::cr::swarm
