// The engine runtimes (podman, and docker through the same argv): the one conversion from a
// container to `run --rm --name crctl-<uuid> …`, validated first like a swarm service spec
// conversion — every field the engine cannot express is reported, nothing is guessed — plus
// image resolution to an id at commit and cleanup of a container a dead dispatcher left.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>

#include "opskit/core/error.hpp"
#include "opskit/core/process.hpp"
#include "opskit/cr/runtime/runtime.hpp"

namespace opskit::cr {

namespace {

constexpr std::uint64_t k_engine_min_ram = 6ULL << 20;

std::string format_cpus(double vcpus) {
    auto text = fmt::format("{:.3f}", vcpus);
    while (text.back() == '0') text.pop_back();
    if (text.back() == '.') text.pop_back();
    return text;
}

}  // namespace

std::vector<std::string> engine_argv(const RunSpec& spec, const PreparedMounts& mounts, const EngineOptions& options) {
    const auto engine = to_string(options.kind);
    std::vector<std::string> problems;
    if (spec.command.empty()) problems.push_back("command: must not be empty");
    if (spec.image.empty() || spec.image == "host" || spec.image.front() == '/')
        problems.push_back(fmt::format("container_image: '{}' is not an image of {} (`host` and root folders are for the host runtime)",
                                       spec.image, engine));
    if (spec.cwd.empty() || spec.cwd.front() != '/') problems.push_back(fmt::format("cwd: '{}' must be an absolute path", spec.cwd));
    for (const auto& [name, value] : spec.environment) {
        if (!is_env_name(name)) problems.push_back(fmt::format("environment: '{}' is not a variable name", name));
        if (value.find('\n') != std::string::npos)
            problems.push_back(fmt::format("environment: the value of '{}' holds a newline", name));
    }
    for (const auto& b : mounts.bindings) {
        if (b.target.empty() || b.target.front() != '/' || b.target == "/")
            problems.push_back(fmt::format("mounts: target '{}' must be an absolute path below /", b.target));
        for (const auto* text : {&b.target, &b.source.native()})
            if (text->find_first_of(":,") != std::string::npos)
                problems.push_back(fmt::format("mounts: '{}' holds ':' or ',', which -v cannot express", *text));
    }
    if (!(spec.vcpus >= 0) || !std::isfinite(spec.vcpus)) problems.push_back("runtime_constraints.vcpus: must be a number >= 0");
    if (spec.ram != 0 && spec.ram < k_engine_min_ram)
        problems.push_back(fmt::format("runtime_constraints.ram: {} bytes is below {}'s minimum of 6 MiB", spec.ram, engine));
    if (!problems.empty()) {
        std::string why;
        for (const auto& p : problems) why += (why.empty() ? "" : "; ") + p;
        throw Error(ErrorKind::usage, fmt::format("cannot run on {}", engine), spec.uuid, why);
    }

    std::vector<std::string> argv = {options.program, "run", "--rm", "--name", engine_container_name(spec.uuid)};
    argv.insert(argv.end(), options.extra_args.begin(), options.extra_args.end());
    if (spec.vcpus > 0) argv.insert(argv.end(), {"--cpus", format_cpus(spec.vcpus)});
    if (spec.ram > 0) argv.insert(argv.end(), {"--memory", fmt::format("{}b", spec.ram)});
    for (const auto& b : mounts.bindings)
        argv.insert(argv.end(), {"-v", fmt::format("{}:{}:{}", b.source.string(), b.target, b.writable ? "rw" : "ro")});
    argv.insert(argv.end(), {"-w", spec.cwd});
    for (const auto& [name, value] : spec.environment) argv.insert(argv.end(), {"-e", name + "=" + value});
    argv.insert(argv.end(), {"-e", "CRCTL_CONTAINER_UUID=" + spec.uuid});
    argv.insert(argv.end(), {"-e", "CRCTL_STORE=" + spec.store_path.string()});
    argv.push_back(spec.image);
    argv.insert(argv.end(), spec.command.begin(), spec.command.end());
    return argv;
}

std::string resolve_engine_image(const EngineOptions& options, std::string_view image) {
    if (image.empty() || image == "host" || image.front() == '/')
        throw Error(ErrorKind::usage, "invalid container_image", image,
                    fmt::format("{} needs an image name or id (`host` and root folders are for the host runtime)",
                                to_string(options.kind)));
    ProcessSpec ps;
    ps.argv = {options.program, "image", "inspect", "--format", "{{.Id}}", std::string(image)};
    ps.timeout = Duration(60000);
    const auto r = run_process(std::move(ps));
    if (!r.success()) {
        auto why = r.err.empty() ? r.out : r.err;
        while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
        throw Error(ErrorKind::usage, "unknown container_image", image,
                    fmt::format("{} has no such image ({})", to_string(options.kind), why.empty() ? "no detail" : why));
    }
    auto id = r.out;
    while (!id.empty() && (id.back() == '\n' || id.back() == ' ')) id.pop_back();
    if (id.empty()) throw Error(ErrorKind::usage, "unknown container_image", image, "the engine printed no image id");
    return id;
}

void remove_engine_container(const EngineOptions& options, std::string_view uuid) {
    ProcessSpec ps;
    ps.argv = {options.program, "rm", "--force", "--time", "1", engine_container_name(uuid)};
    ps.timeout = Duration(30000);
    try {
        (void)run_process(std::move(ps));
    } catch (const Error&) {
    }
}

}  // namespace opskit::cr
