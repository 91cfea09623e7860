// The host runtime: one bubblewrap argv per container. `--ro-bind / /` cannot take new
// mount points, so the sandbox root is a tmpfs with the host's (or the image folder's)
// top-level folders bound read-only and its top-level symlinks recreated; then the mounts
// go at their targets. Pure: scan_root is the only function here that reads the disk.
#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <system_error>

#include "opskit/core/error.hpp"
#include "opskit/cr/runtime/runtime.hpp"

namespace fs = std::filesystem;

namespace opskit::cr {

namespace {

const std::set<std::string, std::less<>> k_provided = {"proc", "dev", "sys", "tmp", "run", "lost+found"};

constexpr std::string_view k_default_path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

}  // namespace

RootLayout scan_root(const fs::path& root) {
    RootLayout layout;
    layout.root = root;
    std::error_code ec;
    if (!fs::is_directory(root, ec))
        throw Error(ErrorKind::usage, "invalid container_image", root.string(), "not a folder holding a root filesystem");
    for (auto it = fs::directory_iterator(root, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
        const auto name = it->path().filename().string();
        if (k_provided.count(name) != 0) continue;
        const auto st = it->symlink_status();
        if (fs::is_symlink(st)) layout.symlinks.emplace_back(name, fs::read_symlink(it->path(), ec).string());
        else if (fs::is_directory(st)) layout.dirs.push_back(name);
    }
    std::sort(layout.dirs.begin(), layout.dirs.end());
    std::sort(layout.symlinks.begin(), layout.symlinks.end());
    return layout;
}

std::vector<std::string> sandbox_argv(const RunSpec& spec, const PreparedMounts& mounts, const RootLayout& layout,
                                      const SandboxOptions& options) {
    std::vector<std::string> problems;
    if (spec.command.empty()) problems.push_back("command: must not be empty");
    if (spec.image != "host" && (spec.image.empty() || spec.image.front() != '/'))
        problems.push_back(fmt::format("container_image: '{}' must be `host` or an absolute path to a root filesystem folder",
                                       spec.image));
    if (spec.cwd.empty() || spec.cwd.front() != '/') problems.push_back(fmt::format("cwd: '{}' must be an absolute path", spec.cwd));
    for (const auto& [name, value] : spec.environment)
        if (!is_env_name(name)) problems.push_back(fmt::format("environment: '{}' is not a variable name", name));
    bool tmp_mounted = false;
    for (const auto& b : mounts.bindings) {
        if (b.target.empty() || b.target.front() != '/' || b.target == "/")
            problems.push_back(fmt::format("mounts: target '{}' must be an absolute path below /", b.target));
        const auto top = b.target.substr(1, b.target.find('/', 1) == std::string::npos ? std::string::npos : b.target.find('/', 1) - 1);
        if (top == "proc" || top == "dev")
            problems.push_back(fmt::format("mounts: target '{}' is inside /{}, which the sandbox provides", b.target, top));
        if (b.target == "/tmp") tmp_mounted = true;
    }
    if (!problems.empty()) {
        std::string why;
        for (const auto& p : problems) why += (why.empty() ? "" : "; ") + p;
        throw Error(ErrorKind::usage, "cannot run on the host runtime", spec.uuid, why);
    }

    std::vector<std::string> argv = {options.program, "--tmpfs", "/"};
    const std::string root = layout.root.string() == "/" ? "" : layout.root.string();
    for (const auto& d : layout.dirs) {
        argv.insert(argv.end(), {"--ro-bind", root + "/" + d, "/" + d});
    }
    for (const auto& [name, target] : layout.symlinks) argv.insert(argv.end(), {"--symlink", target, "/" + name});
    argv.insert(argv.end(), {"--proc", "/proc", "--dev", "/dev"});
    if (!tmp_mounted) argv.insert(argv.end(), {"--tmpfs", "/tmp"});
    for (const auto& b : mounts.bindings)
        argv.insert(argv.end(), {b.writable ? "--bind" : "--ro-bind", b.source.string(), b.target});
    argv.insert(argv.end(), {"--unshare-pid", "--die-with-parent", "--new-session", "--clearenv"});
    bool has_path = false, has_home = false;
    for (const auto& [name, value] : spec.environment) {
        argv.insert(argv.end(), {"--setenv", name, value});
        has_path = has_path || name == "PATH";
        has_home = has_home || name == "HOME";
    }
    if (!has_path) argv.insert(argv.end(), {"--setenv", "PATH", std::string(k_default_path)});
    if (!has_home) argv.insert(argv.end(), {"--setenv", "HOME", "/tmp"});
    argv.insert(argv.end(), {"--setenv", "CRCTL_CONTAINER_UUID", spec.uuid});
    argv.insert(argv.end(), {"--setenv", "CRCTL_STORE", spec.store_path.string()});
    argv.insert(argv.end(), {"--chdir", spec.cwd, "--"});
    argv.insert(argv.end(), spec.command.begin(), spec.command.end());
    return argv;
}

}  // namespace opskit::cr
