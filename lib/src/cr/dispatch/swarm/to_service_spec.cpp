// Container → Engine API ServiceSpec (see service_spec.hpp). Validates first and reports
// every problem at once, then builds the canonical form that request_from_service_spec
// reads back unchanged: sorted Env, mounts by target, false/zero fields left out.
#include <fmt/format.h>

#include <cctype>
#include <cmath>

#include "opskit/core/error.hpp"
#include "opskit/cr/dispatch/swarm/service_spec.hpp"

namespace opskit::cr::swarm {

std::string service_name(std::string_view uuid) { return fmt::format("crctl-{}", uuid); }

bool is_pinned_image(std::string_view image) {
    auto is_hex64 = [](std::string_view s) {
        if (s.size() != 64) return false;
        for (char c : s)
            if (!std::isxdigit(static_cast<unsigned char>(c)) || std::isupper(static_cast<unsigned char>(c))) return false;
        return true;
    };
    if (image.empty() || image.front() == '/' || image == "host") return false;
    for (char c : image)
        if (std::isspace(static_cast<unsigned char>(c)) || std::iscntrl(static_cast<unsigned char>(c))) return false;
    if (image.starts_with("sha256:")) return is_hex64(image.substr(7));
    if (const auto at = image.find('@'); at != std::string_view::npos) {
        const auto digest = image.substr(at + 1);
        return at > 0 && digest.starts_with("sha256:") && is_hex64(digest.substr(7));
    }
    const auto slash = image.rfind('/');
    const auto colon = image.rfind(':');
    // A colon after the last slash is a tag (one before it is a registry port).
    return colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash) &&
           colon + 1 < image.size() && colon > (slash == std::string_view::npos ? 0 : slash + 1);
}

Json to_service_spec(const RunSpec& spec, const PreparedMounts& mounts, const SwarmOptions& options) {
    std::vector<std::string> problems;
    if (spec.command.empty()) problems.push_back("command: must not be empty");
    if (!is_pinned_image(spec.image))
        problems.push_back(fmt::format(
            "container_image: '{}' is not an image with a tag or digest (`host` and root folders are for the host runtime)",
            spec.image));
    if (spec.cwd.empty() || spec.cwd.front() != '/') problems.push_back(fmt::format("cwd: '{}' must be an absolute path", spec.cwd));
    for (const auto& [name, value] : spec.environment) {
        if (!is_env_name(name)) problems.push_back(fmt::format("environment: '{}' is not a variable name", name));
        if (name == "CRCTL_CONTAINER_UUID") problems.push_back("environment: CRCTL_CONTAINER_UUID is set by the dispatcher");
    }
    for (const auto& b : mounts.bindings)
        if (b.target.empty() || b.target.front() != '/' || b.target == "/")
            problems.push_back(fmt::format("mounts: target '{}' must be an absolute path below /", b.target));
    const double nano = spec.vcpus * 1e9;
    if (!std::isfinite(spec.vcpus) || spec.vcpus < 0 || nano > 9.2e18)
        problems.push_back("runtime_constraints.vcpus: must be a number >= 0");
    if (spec.ram > static_cast<std::uint64_t>(INT64_MAX)) problems.push_back("runtime_constraints.ram: too large");
    if (options.constraint_template.find("%P") == std::string::npos && !spec.partitions.empty())
        problems.push_back(fmt::format("scheduling_parameters.partitions: the constraint template '{}' has no %P",
                                       options.constraint_template));
    if (spec.partitions.size() > 1)
        problems.push_back("scheduling_parameters.partitions: swarm constraints must all hold, so more than one "
                           "partition (any of them) cannot be expressed");
    for (const auto& p : spec.partitions)
        if (p.empty() || p.find_first_of(" \t\n=!,") != std::string::npos)
            problems.push_back(fmt::format("scheduling_parameters.partitions: '{}' cannot be a node label value", p));
    if (!problems.empty()) {
        std::string why;
        for (const auto& p : problems) why += (why.empty() ? "" : "; ") + p;
        throw Error(ErrorKind::usage, "cannot run on swarm", spec.uuid, why);
    }

    Json env = Json::array();
    for (const auto& [name, value] : spec.environment) env.push_back(name + "=" + value);
    env.push_back("CRCTL_CONTAINER_UUID=" + spec.uuid);

    Json mount_list = Json::array();
    for (const auto& b : mounts.bindings) {
        // Scratch space stays on the node: a tmpfs, unless it is where the output is read from.
        if (b.kind == "tmp" && b.target != spec.output_path) {
            Json m{{"Type", "tmpfs"}, {"Target", b.target}};
            const Json& decl = spec.mounts.is_object() && spec.mounts.contains(b.target) ? spec.mounts[b.target] : Json();
            if (decl.is_object() && decl.contains("capacity") && decl["capacity"].is_number_integer() &&
                decl["capacity"].get<std::int64_t>() > 0)
                m["TmpfsOptions"] = Json{{"SizeBytes", decl["capacity"].get<std::int64_t>()}};
            mount_list.push_back(std::move(m));
            continue;
        }
        Json m{{"Type", "bind"}, {"Source", b.source.string()}, {"Target", b.target}};
        if (!b.writable) m["ReadOnly"] = true;
        mount_list.push_back(std::move(m));
    }

    Json container{{"Image", spec.image}, {"Args", spec.command}, {"Env", env}, {"Dir", spec.cwd}};
    if (!mount_list.empty()) container["Mounts"] = std::move(mount_list);

    Json resources = Json::object();
    if (spec.vcpus > 0) resources["NanoCPUs"] = static_cast<std::int64_t>(std::llround(nano));
    if (spec.ram > 0) resources["MemoryBytes"] = static_cast<std::int64_t>(spec.ram);

    Json task{{"ContainerSpec", std::move(container)}, {"RestartPolicy", {{"Condition", "none"}}}};
    if (!resources.empty()) task["Resources"] = Json{{"Limits", resources}, {"Reservations", resources}};
    if (!spec.partitions.empty()) {
        Json constraints = Json::array();
        for (const auto& p : spec.partitions) {
            std::string c = options.constraint_template;
            for (auto pos = c.find("%P"); pos != std::string::npos; pos = c.find("%P", pos + p.size())) c.replace(pos, 2, p);
            constraints.push_back(std::move(c));
        }
        task["Placement"] = Json{{"Constraints", std::move(constraints)}};
    }

    Json labels{{std::string(container_label), spec.uuid}};
    if (!spec.output_path.empty()) labels[std::string(output_path_label)] = spec.output_path;
    Json mode = options.job_mode ? Json{{"ReplicatedJob", {{"MaxConcurrent", 1}, {"TotalCompletions", 1}}}}
                                 : Json{{"Replicated", {{"Replicas", 1}}}};
    return Json{{"Name", service_name(spec.uuid)}, {"Labels", std::move(labels)}, {"TaskTemplate", std::move(task)},
                {"Mode", std::move(mode)}};
}

}  // namespace opskit::cr::swarm
