// The `crctl:` section of the config schema.
#include "../core/config_sections.hpp"

namespace opskit::detail {

std::vector<ConfigKey> crctl_config_keys() {
    return {
        {"crctl", "store", ValueType::string, nullptr,
         "SQLite store (default $XDG_STATE_HOME/crctl/crctl.db, root: /var/lib/crctl/crctl.db)"},
        {"crctl", "cluster_id", ValueType::string, "zzzzz", "five-character cluster id in UUIDs"},
        {"crctl", "default_image", ValueType::string, "host", "container_image for requests built from flags"},
        {"crctl", "runtime", ValueType::string, "host", "dispatch runtime: host, podman or docker"},
        {"crctl", "holder", ValueType::string, "crctl",
         "holder identity used by the container lock|unlock|start|complete plumbing verbs"},
        {"crctl", "max_dispatch_attempts", ValueType::integer, 10,
         "lock/unlock cycles before a container is cancelled"},
        {"crctl", "container_count_max", ValueType::integer, 3,
         "containers a request may use (first run plus retries) when it does not say"},
        {"crctl", "busy_timeout", ValueType::duration, 60, "how long a verb waits for another writer of the store"},
        // Docker Swarm (request create --from-swarm, container export --format swarm)
        {"crctl", "swarm_constraint", ValueType::string, "node.labels.partition==%P",
         "swarm placement constraint of a partition (%P = its name)"},
        // dispatch (crctl dispatch, crctl run --local)
        {"crctl", "runtime_program", ValueType::string, nullptr,
         "program of the runtime (default: bwrap, podman, /usr/bin/docker)"},
        {"crctl", "engine_args", ValueType::string_list,
         Json::array({"--runtime", "runc", "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024"}),
         "extra arguments after `run` for podman/docker"},
        {"crctl", "max_parallel", ValueType::integer, 0, "containers a dispatcher runs at once (0 = as many as fit)"},
        {"crctl", "poll_interval", ValueType::duration, 1, "how often a dispatcher looks at the queue when idle"},
        {"crctl", "kill_grace", ValueType::duration, 10, "SIGTERM to SIGKILL delay when a dispatcher stops a container"},
    };
}

}  // namespace opskit::detail
