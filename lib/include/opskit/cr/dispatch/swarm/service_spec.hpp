// Docker Swarm's view of a container: the Engine API ServiceSpec, converted both ways and
// validated like seed 002 does — every field one side cannot express is an error naming the
// field, nothing is guessed. The conversion is pure (no I/O): the dispatcher and `crctl
// container export --format swarm` go one way, `crctl request create --from-swarm` the other.
#pragma once

#include <string>
#include <string_view>

#include "opskit/core/output.hpp"
#include "opskit/cr/runtime/runtime.hpp"

namespace opskit::cr::swarm {

/// Label on every service crctl creates; its value is the container uuid.
inline constexpr std::string_view container_label = "opskit.crctl.container";
/// Label carrying the request's output_path (a ServiceSpec has no such notion).
inline constexpr std::string_view output_path_label = "opskit.crctl.output_path";

/// How containers are placed and run on the swarm.
struct SwarmOptions {
    /// One placement constraint per partition; `%P` stands for the partition name.
    std::string constraint_template = "node.labels.partition==%P";
    /// Mode replicated-job with one completion; else replicated with 1 replica (the engine
    /// chooses by the swarm's API version: swarm_engine.hpp).
    bool job_mode = true;
};

/// The service name of a container: `crctl-<uuid>`.
std::string service_name(std::string_view uuid);

/// A container (its run spec and prepared mounts, as for engine_argv) → a ServiceSpec:
/// name, labels, one-shot mode, restart condition none, ContainerSpec (image, Args, Env,
/// Dir, bind mounts read-only where the mount is, tmpfs for scratch tmp mounts), Resources
/// limits = reservations (NanoCPUs = vcpus × 10^9, MemoryBytes = ram), placement
/// constraint from the partition (one at most: swarm constraints all must hold). What a service cannot express → Error(usage) listing every
/// problem by field name.
Json to_service_spec(const RunSpec& spec, const PreparedMounts& mounts, const SwarmOptions& options = {});

/// A ServiceSpec (the JSON of the Engine API or `docker service inspect`'s `Spec`) → the
/// client fields of a container request (the object create_request takes). Rejects by
/// field name what a request cannot express: both replicated and global mode, a global
/// service, more than one replica or completion, a restart condition other than
/// none/on-failure/any, an unknown resolution mode, networks, published ports, a runtime
/// other than container, secrets and configs, an image without a tag or digest, every
/// field it does not know. Empty values (null, "", 0, false, {}, []) count as absent.
Json request_from_service_spec(const Json& service_spec, std::string_view input_name = "service spec",
                                const SwarmOptions& options = {});

/// Reads ServiceSpec text (JSON or YAML); `docker service inspect` output (an array of one
/// service, or a service object) is accepted and its `Spec` taken.
Json parse_service_spec(std::string_view text, std::string_view input_name);

/// True for an image reference this conversion accepts: `name:tag`, `name@sha256:<64 hex>`
/// (with or without a tag), or an image id `sha256:<64 hex>`.
bool is_pinned_image(std::string_view image);

}  // namespace opskit::cr::swarm
