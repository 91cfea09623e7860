// Engine API ServiceSpec → container request fields (see service_spec.hpp), the way seed
// 002 converts: walk every object with the list of fields this side understands, and report
// each one it cannot express by its full field name. All problems are collected so a user
// fixes a spec in one round.
#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "opskit/core/error.hpp"
#include "opskit/cr/lifecycle/spec.hpp"
#include "opskit/cr/dispatch/swarm/service_spec.hpp"

namespace opskit::cr::swarm {
namespace {

/// null, "", 0, false, [] and {} (recursively) are what Go leaves out or zero-fills.
bool empty_value(const Json& v) {
    if (v.is_null()) return true;
    if (v.is_boolean()) return !v.get<bool>();
    if (v.is_number()) return v == 0;
    if (v.is_string()) return v.get_ref<const std::string&>().empty();
    if (v.is_array()) return v.empty();
    for (const auto& [k, item] : v.items())
        if (!empty_value(item)) return false;
    return true;
}

/// `parent.key`, the name a problem is reported under (built only when there is one).
std::string join(std::string_view parent, std::string_view key) {
    return parent.empty() ? std::string(key) : fmt::format("{}.{}", parent, key);
}

/// obj[key] when present and not null: one lookup, where contains() then [] were two or more.
const Json* field(const Json& obj, const char* key) {
    const auto it = obj.find(key);
    return it == obj.end() || it->is_null() ? nullptr : &*it;
}

class Reader {
public:
    std::vector<std::string> problems;

    void problem(const std::string& field, std::string_view why) { problems.push_back(fmt::format("{}: {}", field, why)); }

    /// The object at `obj[key]` (or null when absent/empty); a non-object is a problem.
    const Json* object(const Json& obj, const char* key, std::string_view parent) {
        const Json* v = field(obj, key);
        if (v && !v->is_object()) {
            problem(join(parent, key), "expected an object");
            return nullptr;
        }
        return v;
    }

    /// Reports every non-empty field of `obj` not in `known`.
    void only(const Json& obj, std::string_view path, std::initializer_list<std::string_view> known) {
        for (const auto& [k, v] : obj.items()) {
            if (std::find(known.begin(), known.end(), k) != known.end() || empty_value(v)) continue;
            problem(join(path, k), "has no place in a container request");
        }
    }

    std::string string(const Json& obj, const char* key, std::string_view parent) {
        const Json* v = field(obj, key);
        if (!v) return {};
        if (!v->is_string()) {
            problem(join(parent, key), "expected a string");
            return {};
        }
        return v->get<std::string>();
    }

    std::int64_t integer(const Json& obj, const char* key, std::string_view parent) {
        const Json* v = field(obj, key);
        if (!v) return 0;
        if (!v->is_number_integer() || v->get<std::int64_t>() < 0) {
            problem(join(parent, key), "expected an integer >= 0");
            return 0;
        }
        return v->get<std::int64_t>();
    }

    /// A field that must be absent or empty, with the reason it cannot be expressed.
    void refuse(const Json& obj, const char* key, std::string_view parent, std::string_view why) {
        if (const Json* v = field(obj, key); v && !empty_value(*v)) problem(join(parent, key), why);
    }
};

void read_mode(Reader& r, const Json& spec) {
    const Json* mode = r.object(spec, "Mode", "");
    if (!mode) return;  // the engine's default: replicated, one replica
    r.only(*mode, "Mode", {"Replicated", "ReplicatedJob", "Global", "GlobalJob"});
    auto has = [&](const char* k) { return mode->contains(k) && !(*mode)[k].is_null(); };
    const bool replicated = has("Replicated") || has("ReplicatedJob");
    const bool global = has("Global") || has("GlobalJob");
    if (replicated && global) return r.problem("Mode", "cannot specify both replicated mode and global mode");
    if (has("Global")) r.problem("Mode.Global", "a global service runs a task on every node; a container runs once");
    if (has("GlobalJob")) r.problem("Mode.GlobalJob", "a global job runs a task on every node; a container runs once");
    if (has("Replicated") && has("ReplicatedJob"))
        return r.problem("Mode", "cannot specify both replicated mode and replicated-job mode");
    if (const Json* rep = r.object(*mode, "Replicated", "Mode")) {
        r.only(*rep, "Mode.Replicated", {"Replicas"});
        if (rep->contains("Replicas") && (*rep)["Replicas"] != 1)
            r.problem("Mode.Replicated.Replicas", "a container request runs one task, not " + (*rep)["Replicas"].dump(-1, ' ', false, Json::error_handler_t::replace));
    }
    if (const Json* job = r.object(*mode, "ReplicatedJob", "Mode")) {
        r.only(*job, "Mode.ReplicatedJob", {"MaxConcurrent", "TotalCompletions"});
        for (const char* k : {"MaxConcurrent", "TotalCompletions"})
            if (job->contains(k) && !(*job)[k].is_null() && (*job)[k] != 1)
                r.problem(fmt::format("Mode.ReplicatedJob.{}", k), "a container request runs one task, not " + (*job)[k].dump(-1, ' ', false, Json::error_handler_t::replace));
    }
}

void read_endpoint(Reader& r, const Json& spec) {
    const Json* ep = r.object(spec, "EndpointSpec", "");
    if (!ep) return;
    r.only(*ep, "EndpointSpec", {"Mode", "Ports"});
    const std::string mode = r.string(*ep, "Mode", "EndpointSpec");
    if (!mode.empty() && mode != "vip" && mode != "dnsrr")
        r.problem("EndpointSpec.Mode", fmt::format("invalid resolution mode '{}' (expected vip or dnsrr)", mode));
    r.refuse(*ep, "Ports", "EndpointSpec", "a container request publishes no ports");
}

void read_mounts(Reader& r, const Json& cs, Json& out) {
    const Json* list = field(cs, "Mounts");
    if (!list) return;
    if (!list->is_array()) return r.problem("TaskTemplate.ContainerSpec.Mounts", "expected a list");
    std::size_t i = 0;
    for (const auto& m : *list) {
        const std::string path = fmt::format("TaskTemplate.ContainerSpec.Mounts[{}]", i++);
        if (!m.is_object()) {
            r.problem(path, "expected an object");
            continue;
        }
        r.only(m, path, {"Type", "Source", "Target", "ReadOnly", "Consistency", "BindOptions", "TmpfsOptions"});
        const std::string type = r.string(m, "Type", path);
        const std::string target = r.string(m, "Target", path);
        const std::string consistency = r.string(m, "Consistency", path);
        if (!consistency.empty() && consistency != "default")
            r.problem(path + ".Consistency", fmt::format("'{}' has no place in a container request", consistency));
        if (target.empty() || target.front() != '/' || target == "/") {
            r.problem(path + ".Target", fmt::format("'{}' must be an absolute path below /", target));
            continue;
        }
        if (out.contains(target)) {
            r.problem(path + ".Target", fmt::format("'{}' is mounted twice", target));
            continue;
        }
        const Json* ro = field(m, "ReadOnly");
        if (ro && !ro->is_boolean()) r.problem(path + ".ReadOnly", "expected true or false");
        const bool read_only = ro && *ro == true;
        if (type == "bind") {
            r.refuse(m, "BindOptions", path, "bind propagation has no place in a container request");
            r.refuse(m, "TmpfsOptions", path, "only a tmpfs mount takes tmpfs options");
            const std::string source = r.string(m, "Source", path);
            if (source.empty() || source.front() != '/') {
                r.problem(path + ".Source", fmt::format("'{}' must be an absolute host path", source));
                continue;
            }
            out[target] = Json{{"kind", "host"}, {"path", source}, {"writable", !read_only}};
        } else if (type == "tmpfs") {
            r.refuse(m, "Source", path, "a tmpfs mount has no source");
            r.refuse(m, "BindOptions", path, "only a bind mount takes bind options");
            if (read_only) r.problem(path + ".ReadOnly", "a read-only tmpfs has no place in a container request");
            Json mount{{"kind", "tmp"}};
            if (const Json* t = r.object(m, "TmpfsOptions", path)) {
                r.only(*t, path + ".TmpfsOptions", {"SizeBytes"});
                if (const auto size = r.integer(*t, "SizeBytes", path + ".TmpfsOptions"); size > 0)
                    mount["capacity"] = size;
            }
            out[target] = std::move(mount);
        } else {
            r.problem(path + ".Type",
                      fmt::format("'{}' mounts have no place in a container request (bind and tmpfs do)", type));
        }
    }
}

void read_container_spec(Reader& r, const Json& task, Json& req) {
    const Json* cs = r.object(task, "ContainerSpec", "TaskTemplate");
    if (!cs) return r.problem("TaskTemplate.ContainerSpec", "required: a container request runs a container");
    const std::string p = "TaskTemplate.ContainerSpec";
    r.only(*cs, p, {"Image", "Args", "Command", "Env", "Dir", "Mounts", "Secrets", "Configs", "Isolation",
                    "StopGracePeriod"});
    const std::string image = r.string(*cs, "Image", p);
    if (!is_pinned_image(image))
        r.problem(p + ".Image", fmt::format("'{}' has no tag or digest (name:tag, name@sha256:…, sha256:…)", image));
    req["container_image"] = image;
    r.refuse(*cs, "Command", p,
             "an entrypoint override has no place in a container request (give the whole command in Args)");
    r.refuse(*cs, "Secrets", p, "secret references have no place in a container request");
    r.refuse(*cs, "Configs", p, "config references have no place in a container request");
    const std::string isolation = r.string(*cs, "Isolation", p);
    if (!isolation.empty() && isolation != "default")
        r.problem(p + ".Isolation", fmt::format("'{}' has no place in a container request", isolation));

    Json command = Json::array();
    const Json* args = field(*cs, "Args");
    if (args && args->is_array()) {
        for (const auto& a : *args) {
            if (!a.is_string()) {
                r.problem(p + ".Args", "expected a list of strings");
                break;
            }
            command.push_back(a);
        }
    } else if (args) {
        r.problem(p + ".Args", "expected a list of strings");
    }
    if (command.empty()) r.problem(p + ".Args", "a container request needs a command");
    req["command"] = command;

    Json env = Json::object();
    if (const Json* env_list = field(*cs, "Env")) {
        if (!env_list->is_array()) r.problem(p + ".Env", "expected a list of NAME=VALUE");
        else
            for (const auto& e : *env_list) {
                const std::string text = e.is_string() ? e.get<std::string>() : std::string();
                const auto eq = text.find('=');
                const std::string name = text.substr(0, eq);
                if (eq == std::string::npos || !is_env_name(name)) {
                    r.problem(p + ".Env", fmt::format("{} is not NAME=VALUE", e.dump(-1, ' ', false, Json::error_handler_t::replace)));
                    continue;
                }
                if (name == "CRCTL_CONTAINER_UUID") continue;  // the dispatcher sets it for each container
                if (env.contains(name)) r.problem(p + ".Env", fmt::format("'{}' is set twice", name));
                env[name] = text.substr(eq + 1);
            }
    }
    if (!env.empty()) req["environment"] = env;

    std::string dir = r.string(*cs, "Dir", p);
    if (dir.empty()) dir = "/";  // the engine's own default for an image without WorkingDir
    if (dir.front() != '/') r.problem(p + ".Dir", fmt::format("'{}' must be an absolute path", dir));
    req["cwd"] = dir;

    Json mounts = Json::object();
    read_mounts(r, *cs, mounts);
    req["mounts"] = mounts;
}

/// One figure from Limits and Reservations (a request has one): equal when both are set.
std::int64_t one_figure(Reader& r, const Json* limits, const Json* reservations, const char* key) {
    const std::int64_t l = limits ? r.integer(*limits, key, "TaskTemplate.Resources.Limits") : 0;
    const std::int64_t v = reservations ? r.integer(*reservations, key, "TaskTemplate.Resources.Reservations") : 0;
    if (l && v && l != v)
        r.problem(fmt::format("TaskTemplate.Resources.Reservations.{}", key),
                  fmt::format("{} differs from Limits.{} ({}); a container request has one figure", v, key, l));
    return l ? l : v;
}

void read_resources(Reader& r, const Json& task, Json& req) {
    const Json* res = r.object(task, "Resources", "TaskTemplate");
    if (!res) return;
    r.only(*res, "TaskTemplate.Resources", {"Limits", "Reservations"});
    const Json* limits = r.object(*res, "Limits", "TaskTemplate.Resources");
    const Json* reservations = r.object(*res, "Reservations", "TaskTemplate.Resources");
    if (limits) r.only(*limits, "TaskTemplate.Resources.Limits", {"NanoCPUs", "MemoryBytes"});
    if (reservations) r.only(*reservations, "TaskTemplate.Resources.Reservations", {"NanoCPUs", "MemoryBytes"});
    Json rc = Json::object();
    if (const auto nano = one_figure(r, limits, reservations, "NanoCPUs"); nano > 0) {
        if (nano % 1000000000 != 0)
            r.problem("TaskTemplate.Resources.Limits.NanoCPUs",
                      fmt::format("{} is not a whole number of CPUs (vcpus is an integer)", nano));
        rc["vcpus"] = nano / 1000000000;
    }
    if (const auto mem = one_figure(r, limits, reservations, "MemoryBytes"); mem > 0) rc["ram"] = mem;
    if (!rc.empty()) req["runtime_constraints"] = rc;
}

void read_restart(Reader& r, const Json& task, Json& req) {
    const Json* rp = r.object(task, "RestartPolicy", "TaskTemplate");
    if (!rp) return;
    const std::string p = "TaskTemplate.RestartPolicy";
    r.only(*rp, p, {"Condition", "MaxAttempts"});
    r.refuse(*rp, "Delay", p, "crctl retries a cancelled container at once");
    r.refuse(*rp, "Window", p, "crctl counts retries per request, not per window");
    const std::string condition = r.string(*rp, "Condition", p);
    if (condition == "none") {
        req["container_count_max"] = 1;  // runs once, never again
    } else if (condition.empty() || condition == "on-failure" || condition == "any") {
        if (const auto attempts = r.integer(*rp, "MaxAttempts", p); attempts > 0)
            req["container_count_max"] = attempts + 1;
    } else {
        r.problem(p + ".Condition", fmt::format("invalid RestartCondition '{}' (expected none, on-failure or any)", condition));
    }
}

void read_placement(Reader& r, const Json& task, Json& req, const SwarmOptions& options) {
    const Json* pl = r.object(task, "Placement", "TaskTemplate");
    if (!pl) return;
    const std::string p = "TaskTemplate.Placement";
    r.only(*pl, p, {"Constraints"});
    if (!pl->contains("Constraints") || (*pl)["Constraints"].is_null()) return;
    if (!(*pl)["Constraints"].is_array()) return r.problem(p + ".Constraints", "expected a list");
    const auto& tmpl = options.constraint_template;
    const auto at = tmpl.find("%P");
    Json partitions = Json::array();
    std::size_t i = 0;
    for (const auto& c : (*pl)["Constraints"]) {
        const std::string path = fmt::format("{}.Constraints[{}]", p, i++);
        const std::string text = c.is_string() ? c.get<std::string>() : c.dump(-1, ' ', false, Json::error_handler_t::replace);
        const bool fits = c.is_string() && at != std::string::npos && text.size() > tmpl.size() - 2 &&
                          text.starts_with(tmpl.substr(0, at)) && text.ends_with(tmpl.substr(at + 2));
        const std::string name = fits ? text.substr(at, text.size() - (tmpl.size() - 2)) : std::string();
        if (!fits || name.find_first_of(" \t\n=!,") != std::string::npos) {
            r.problem(path, fmt::format("'{}' is not a partition constraint ({})", text, tmpl));
            continue;
        }
        partitions.push_back(name);
    }
    if (partitions.size() > 1)
        r.problem(p + ".Constraints", "more than one partition constraint: a container request's partitions are any-of, "
                                      "swarm constraints all-of");
    if (!partitions.empty()) req["scheduling_parameters"] = Json{{"partitions", partitions}};
}

}  // namespace

Json request_from_service_spec(const Json& spec, std::string_view input_name, const SwarmOptions& options) {
    if (!spec.is_object()) throw Error(ErrorKind::usage, "invalid service spec", input_name, "expected a ServiceSpec object");
    Reader r;
    Json req = Json::object();
    r.only(spec, "", {"Name", "Labels", "TaskTemplate", "Mode", "EndpointSpec", "Networks", "UpdateConfig",
                      "RollbackConfig"});
    r.refuse(spec, "Networks", "", "a container request attaches to no networks");
    if (const auto name = r.string(spec, "Name", ""); !name.empty()) req["name"] = name;
    read_mode(r, spec);
    read_endpoint(r, spec);

    const Json* task = r.object(spec, "TaskTemplate", "");
    if (!task) {
        r.problem("TaskTemplate", "required: a container request runs a container");
    } else {
        r.only(*task, "TaskTemplate", {"ContainerSpec", "Resources", "RestartPolicy", "Placement", "Runtime", "ForceUpdate",
                                       "PluginSpec", "NetworkAttachmentSpec", "Networks", "LogDriver"});
        const std::string runtime = r.string(*task, "Runtime", "TaskTemplate");
        if (runtime == "plugin") r.problem("TaskTemplate.Runtime", "plugin services have no place in a container request");
        else if (!runtime.empty() && runtime != "container")
            r.problem("TaskTemplate.Runtime", fmt::format("unsupported runtime '{}'", runtime));
        r.refuse(*task, "PluginSpec", "TaskTemplate", "plugin services have no place in a container request");
        r.refuse(*task, "NetworkAttachmentSpec", "TaskTemplate",
                 "network attachments have no place in a container request");
        r.refuse(*task, "Networks", "TaskTemplate", "a container request attaches to no networks");
        r.refuse(*task, "LogDriver", "TaskTemplate", "crctl collects the log itself");
        if (runtime != "plugin") read_container_spec(r, *task, req);
        read_resources(r, *task, req);
        read_restart(r, *task, req);
        read_placement(r, *task, req, options);
    }

    // Labels last: the output path label must name one of the mounts read above.
    std::string output_path;
    if (const Json* labels = r.object(spec, "Labels", "")) {
        for (const auto& [k, v] : labels->items()) {
            if (k == container_label) continue;  // the next container gets its own uuid
            if (k == output_path_label && v.is_string()) {
                output_path = v.get<std::string>();
                continue;
            }
            r.problem("Labels." + k, "a container request has no labels");
        }
    }
    if (req.contains("mounts")) {
        Json& mounts = req["mounts"];
        if (!output_path.empty() && !mounts.contains(output_path))
            r.problem(fmt::format("Labels.{}", output_path_label), fmt::format("'{}' is not a mount target", output_path));
        if (output_path.empty()) {
            // crctl's flag default: a tmp mount at /out holds the output.
            output_path = "/out";
            if (!mounts.contains(output_path)) mounts[output_path] = Json{{"kind", "tmp"}};
        }
        req["output_path"] = output_path;
    }

    if (!r.problems.empty()) {
        std::string why;
        for (const auto& p : r.problems) why += (why.empty() ? "" : "; ") + p;
        throw Error(ErrorKind::usage, "cannot convert service spec", input_name, why);
    }
    return req;
}

Json parse_service_spec(std::string_view text, std::string_view input_name) {
    Json doc = yaml_to_json(text, input_name);
    if (doc.is_array() && doc.size() == 1) doc = doc[0];  // `docker service inspect` prints a list
    if (doc.is_object() && doc.contains("Spec") && doc["Spec"].is_object() && doc.contains("ID")) doc = doc["Spec"];
    if (!doc.is_object()) throw Error(ErrorKind::usage, "invalid service spec", input_name, "expected a ServiceSpec mapping");
    return doc;
}

}  // namespace opskit::cr::swarm
