// Runtime selection, the RunSpec read from a container record, and mount preparation —
// the parts shared by the host sandbox (sandbox.cpp) and the engines (runtime_engine.cpp).
#include "opskit/cr/runtime/runtime.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <optional>
#include <system_error>

#include "opskit/core/error.hpp"
#include "opskit/core/fs.hpp"
#include "opskit/cr/collections/collection.hpp"

namespace fs = std::filesystem;

namespace opskit::cr {

RuntimeKind parse_runtime_kind(std::string_view text) {
    if (text == "host") return RuntimeKind::host;
    if (text == "podman") return RuntimeKind::podman;
    if (text == "docker") return RuntimeKind::docker;
    throw Error(ErrorKind::usage, "unknown runtime", text, "expected host, podman or docker");
}

const std::vector<std::string>& runtime_names() {
    static const std::vector<std::string> names{"host", "podman", "docker"};
    return names;
}

std::string_view to_string(RuntimeKind kind) noexcept {
    switch (kind) {
    case RuntimeKind::host: return "host";
    case RuntimeKind::podman: return "podman";
    case RuntimeKind::docker: return "docker";
    }
    return "host";
}

std::string default_runtime_program(RuntimeKind kind) {
    switch (kind) {
    case RuntimeKind::host: return "bwrap";
    case RuntimeKind::podman: return "podman";
    case RuntimeKind::docker: return "/usr/bin/docker";
    }
    return "bwrap";
}

bool is_env_name(std::string_view name) {
    if (name.empty() || std::isdigit(static_cast<unsigned char>(name.front()))) return false;
    return std::all_of(name.begin(), name.end(),
                       [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

std::string engine_container_name(std::string_view uuid) { return fmt::format("crctl-{}", uuid); }

namespace {

double number_or(const Json& obj, const char* key, double fallback) {
    if (!obj.is_object() || !obj.contains(key) || obj[key].is_null()) return fallback;
    const auto& v = obj[key];
    if (v.is_array() && !v.empty() && v[0].is_number()) return v[0].get<double>();  // unresolved range
    if (!v.is_number()) throw Error(ErrorKind::usage, "invalid container field", key, "expected a number");
    return v.get<double>();
}

}  // namespace

RunSpec run_spec_from(const Container& c, const fs::path& store_path) {
    RunSpec s;
    s.uuid = c.uuid;
    if (!c.command.is_array()) throw Error(ErrorKind::usage, "invalid container field", "command", "expected a list of strings");
    for (const auto& arg : c.command) {
        if (!arg.is_string()) throw Error(ErrorKind::usage, "invalid container field", "command", "expected a list of strings");
        s.command.push_back(arg.get<std::string>());
    }
    s.image = c.container_image;
    s.cwd = c.cwd;
    if (c.environment.is_object())
        for (const auto& [k, v] : c.environment.items())
            s.environment.emplace_back(k, v.is_string() ? v.get<std::string>() : v.dump());
    std::sort(s.environment.begin(), s.environment.end());
    s.mounts = c.mounts.is_object() ? c.mounts : Json::object();
    s.output_path = c.output_path;
    s.vcpus = number_or(c.runtime_constraints, "vcpus", 1);
    const double ram = number_or(c.runtime_constraints, "ram", 0);
    s.ram = ram > 0 ? static_cast<std::uint64_t>(ram) : 0;
    s.max_run_time = static_cast<std::int64_t>(number_or(c.scheduling_parameters, "max_run_time", 0));
    if (c.scheduling_parameters.is_object() && c.scheduling_parameters.contains("partitions") &&
        c.scheduling_parameters["partitions"].is_array())
        for (const auto& p : c.scheduling_parameters["partitions"])
            if (p.is_string()) s.partitions.push_back(p.get<std::string>());
    s.store_path = store_path;
    return s;
}

namespace {

/// The binding of one mount and what it needs made at `slot`; nullopt slot = nothing to make.
std::pair<Binding, std::optional<MountSlot>> plan_mount(const std::string& target, const Json& m, const fs::path& slot,
                                                        const CollectionStorage& collections) {
    if (!m.is_object()) throw Error(ErrorKind::usage, "invalid mount", target, "expected an object with a kind");
    const std::string kind = m.value("kind", "");
    Binding b;
    b.target = target;
    b.kind = kind;
    MountSlot make;
    make.path = slot;
    make.target = target;
    if (kind == "tmp") {
        b.source = slot;
        b.writable = true;
        return {b, make};
    }
    if (kind == "json" || kind == "text") {
        const Json content = m.value("content", Json());
        if (kind == "text" && !content.is_string())
            throw Error(ErrorKind::usage, "invalid mount", target, "a text mount needs string content");
        make.make = MountSlot::Make::file;
        make.content = kind == "text" ? content.get<std::string>() : content.dump();
        b.source = slot;
        return {b, make};
    }
    if (kind == "collection") {
        const std::string pdh = m.value("portable_data_hash", "");
        const std::string sub = m.value("path", "");
        b.writable = m.value("writable", false) == true;
        b.source = slot;
        if (pdh.empty()) return {b, make};  // an empty collection: a fresh folder
        fs::path stored = collections.content_dir(pdh);
        if (!sub.empty()) {
            const fs::path rel = fs::path(sub).relative_path().lexically_normal();
            if (rel.string().rfind("..", 0) == 0)
                throw Error(ErrorKind::usage, "invalid mount", target, "collection path leaves the collection");
            stored /= rel;
            if (!fs::exists(stored))
                throw Error(ErrorKind::not_found, "collection mount", target, fmt::format("no {} in collection {}", sub, pdh));
        }
        if (!b.writable) {
            b.source = stored;
            return {b, std::nullopt};
        }
        make.make = MountSlot::Make::copy;  // a writable collection mount works on a private copy
        make.copy_from = stored;
        return {b, make};
    }
    if (kind == "host") {
        const std::string path = m.value("path", "");
        if (path.empty() || path.front() != '/')
            throw Error(ErrorKind::usage, "invalid mount", target, "a host mount needs an absolute path");
        std::error_code ec;
        if (!fs::exists(path, ec)) throw Error(ErrorKind::not_found, "host mount", target, fmt::format("{} does not exist", path));
        b.source = path;
        b.writable = m.value("writable", false) == true;
        return {b, std::nullopt};
    }
    throw Error(ErrorKind::usage, "unsupported mount", fmt::format("mount {}", target),
                fmt::format("kind '{}' cannot be run here; expected tmp, json, text, collection or host", kind));
}

}  // namespace

MountPlan plan_mounts(const RunSpec& spec, const fs::path& work_dir, const CollectionStorage& collections) {
    MountPlan plan;
    plan.mounts_dir = work_dir / "mounts";
    int index = 0;
    bool output_found = false;
    for (const auto& [target, m] : spec.mounts.items()) {
        const fs::path slot = plan.mounts_dir / std::to_string(index++);
        std::pair<Binding, std::optional<MountSlot>> planned;
        try {
            planned = plan_mount(target, m, slot, collections);
        } catch (const fs::filesystem_error& e) {
            throw Error(ErrorKind::failed, "cannot prepare mount", target, e.code().message());
        }
        auto& [binding, make] = planned;
        if (target == spec.output_path) {
            plan.mounts.output_source = binding.source;
            output_found = true;
        }
        plan.mounts.bindings.push_back(std::move(binding));
        if (make) plan.slots.push_back(std::move(*make));
    }
    if (!output_found)
        throw Error(ErrorKind::usage, "invalid output_path", spec.output_path, "output path must be a mount target");
    std::sort(plan.mounts.bindings.begin(), plan.mounts.bindings.end(),
              [](const auto& a, const auto& b) { return a.target < b.target; });
    return plan;
}

void create_mounts(const MountPlan& plan) {
    make_private_dir(plan.mounts_dir);
    for (const auto& slot : plan.slots) {
        try {
            switch (slot.make) {
            case MountSlot::Make::folder: fs::create_directories(slot.path); break;
            case MountSlot::Make::file: write_file_atomic(slot.path, slot.content, 0644); break;
            case MountSlot::Make::copy:
                fs::create_directories(slot.path);
                fs::copy(slot.copy_from, slot.path, fs::copy_options::recursive);
                break;
            }
        } catch (const fs::filesystem_error& e) {
            throw Error(ErrorKind::failed, "cannot prepare mount", slot.target, e.code().message());
        }
    }
}

PreparedMounts prepare_mounts(const RunSpec& spec, const fs::path& work_dir, const CollectionStorage& collections) {
    auto plan = plan_mounts(spec, work_dir, collections);
    create_mounts(plan);
    return std::move(plan.mounts);
}

std::vector<std::string> runtime_argv(const RunSpec& spec, const PreparedMounts& mounts, const EngineOptions& runtime,
                                      const RootLayout* layout) {
    if (runtime.kind != RuntimeKind::host) return engine_argv(spec, mounts, runtime);
    if (layout) return sandbox_argv(spec, mounts, *layout, SandboxOptions{runtime.program});
    return sandbox_argv(spec, mounts, scan_root(spec.image == "host" ? "/" : spec.image), SandboxOptions{runtime.program});
}

}  // namespace opskit::cr
