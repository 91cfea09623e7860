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
        // Docker Swarm (dispatch --engine swarm, request create --from-swarm, container export --format swarm)
        {"crctl", "swarm_constraint", ValueType::string, "node.labels.partition==%P",
         "swarm placement constraint of a partition (%P = its name)"},
        {"crctl", "swarm_host", ValueType::string, nullptr,
         "Docker Engine API of a swarm manager: unix:///PATH or tcp://HOST:PORT (default: $DOCKER_HOST, else unix:///var/run/docker.sock)"},
        {"crctl", "swarm_max_pending", ValueType::integer, 16,
         "services left waiting in the swarm at once (0 = no limit); the rest wait in crctl's queue, in priority order"},
        // dispatch (crctl dispatch, crctl run --local)
        {"crctl", "runtime_program", ValueType::string, nullptr,
         "program of the runtime (default: bwrap, podman, /usr/bin/docker)"},
        {"crctl", "engine_args", ValueType::string_list,
         Json::array({"--runtime", "runc", "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024"}),
         "extra arguments after `run` for podman/docker"},
        {"crctl", "max_parallel", ValueType::integer, 0, "containers a dispatcher runs at once (0 = as many as fit)"},
        {"crctl", "poll_interval", ValueType::duration, 1, "how often a dispatcher looks at the queue when idle"},
        {"crctl", "kill_grace", ValueType::duration, 10, "SIGTERM to SIGKILL delay when a dispatcher stops a container"},
        // engines (crctl dispatch --engine, crctl run --engine)
        {"crctl", "engine", ValueType::string, "local", "what runs containers: local (this host), slurm or swarm"},
        {"crctl", "spool", ValueType::string, nullptr,
         "spool folder every node mounts at the same path (run records and results of a remote engine)"},
        {"crctl", "submit_backoff", ValueType::duration, 10, "how long a container waits after its submission failed"},
        {"crctl", "slurm_sbatch", ValueType::string, "sbatch", "sbatch program"},
        {"crctl", "slurm_squeue", ValueType::string, "squeue", "squeue program"},
        {"crctl", "slurm_scontrol", ValueType::string, "scontrol", "scontrol program"},
        {"crctl", "slurm_scancel", ValueType::string, "scancel", "scancel program"},
        {"crctl", "slurm_sbatch_args", ValueType::string_list,
         Json::array({"--mem=%M", "--cpus-per-task=%C", "--tmp=%T", "--partition=%P"}),
         "extra sbatch arguments: %U uuid, %C vcpus, %M MiB RAM, %T MiB scratch, %P partitions, %W minutes, %%"},
        {"crctl", "slurm_nice_spread", ValueType::integer, 10, "least Slurm priority gap between neighbours in container priority order"},
        {"crctl", "slurm_crctl", ValueType::string, nullptr, "crctl program the batch jobs run (default: this crctl)"},
    };
}

}  // namespace opskit::detail
