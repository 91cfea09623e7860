// Request validation rules of reference §2.2/§2.3, adapted to crctl's local mount kinds
// (tmp, json, text, collection, host) and without GPUs or preemptible instances.
#include "cr/lifecycle/validate.hpp"

#include <map>
#include <set>

namespace opskit::cr::detail {
namespace {

void add(std::vector<Problem>& out, std::string field, std::string message) {
    out.push_back({std::move(field), std::move(message)});
}

bool is_empty_value(const Json& v) {
    return v.is_null() || (v.is_boolean() && !v.get<bool>()) || (v.is_number() && v == 0) ||
           (v.is_string() && v.get<std::string>().empty());
}

bool is_nonneg_int(const Json& v) {
    return (v.is_number_unsigned() || v.is_number_integer()) && v.get<std::int64_t>() >= 0;
}

bool is_positive_int(const Json& v) {
    return (v.is_number_unsigned() || v.is_number_integer()) && v.get<std::int64_t>() > 0;
}

const std::map<std::string, std::set<std::string>, std::less<>>& mount_fields() {
    static const std::map<std::string, std::set<std::string>, std::less<>> fields{
        {"collection", {"uuid", "portable_data_hash", "writable", "path", "exclude_from_output"}},
        {"tmp", {"capacity", "device_type", "exclude_from_output"}},
        {"json", {"content", "exclude_from_output"}},
        {"text", {"content", "exclude_from_output"}},
        {"host", {"path", "writable", "exclude_from_output"}},
    };
    return fields;
}

void validate_mounts(const ContainerRequest& r, std::vector<Problem>& out) {
    for (const auto& [target, spec] : r.mounts.items()) {
        const std::string field = "mounts." + target;
        if (!(target == "stdin" || target == "stdout" || target == "stderr" || (!target.empty() && target[0] == '/'))) {
            add(out, field, "invalid target: must be stdin, stdout, stderr or an absolute path");
            continue;
        }
        if (!spec.is_object()) {
            add(out, field, "invalid mount specification: must be an object with a kind");
            continue;
        }
        const auto kind_it = spec.find("kind");
        if (kind_it == spec.end() || !kind_it->is_string()) {
            add(out, field + ".kind", "required: one of tmp, json, text, collection, host");
            continue;
        }
        const std::string kind = kind_it->get<std::string>();
        const auto allowed = mount_fields().find(kind);
        if (allowed == mount_fields().end()) {
            add(out, field + ".kind", "unsupported value \"" + kind + "\": expected tmp, json, text, collection or host");
            continue;
        }
        for (const auto& [key, value] : spec.items()) {
            if (key == "kind") continue;
            const std::string kf = field + "." + key;
            if (!allowed->second.count(key)) {
                if (!is_empty_value(value)) add(out, kf, "parameter is not supported for a " + kind + " mount");
                continue;
            }
            if ((key == "uuid" || key == "portable_data_hash" || key == "path") && !value.is_string() && !value.is_null())
                add(out, kf, "incompatible value type: string required");
            else if ((key == "writable" || key == "exclude_from_output") && !value.is_boolean() && !value.is_null())
                add(out, kf, "incompatible value type: boolean required");
            else if (key == "capacity" && !is_nonneg_int(value) && !value.is_null())
                add(out, kf, "incompatible value type: non-negative integer required");
            else if (key == "device_type" &&
                     !(value.is_null() || (value.is_string() && std::set<std::string>{"", "ram", "ssd", "disk", "network"}.count(value.get<std::string>()))))
                add(out, kf, "must be one of ram, ssd, disk, network");
            else if (key == "content" && kind == "text" && !value.is_string())
                add(out, kf, "incompatible value type: string required");
        }
        if (kind == "host") {
            const auto path = spec.find("path");
            if (path == spec.end() || !path->is_string() || path->get<std::string>().empty() || path->get<std::string>()[0] != '/')
                add(out, field + ".path", "a host mount needs an absolute host path");
        }
        if (kind == "collection" && spec.contains("portable_data_hash") && spec["portable_data_hash"].is_string() &&
            !spec["portable_data_hash"].get<std::string>().empty() &&
            !is_portable_data_hash(spec["portable_data_hash"].get<std::string>()))
            add(out, field + ".portable_data_hash", "must look like <32 hex digits>+<size>");
    }
    if (!r.output_path.empty() && !r.mounts.contains(r.output_path))
        add(out, "output_path", "must be a mount target (" + r.output_path + " is not a key of mounts)");
}

void validate_environment(const ContainerRequest& r, std::vector<Problem>& out) {
    for (const auto& [key, value] : r.environment.items()) {
        const std::string field = "environment." + key;
        if (key.empty()) add(out, "environment", "key cannot be empty");
        else if (key.find('=') != std::string::npos || key.find('\0') != std::string::npos)
            add(out, field, "key contains an invalid character NUL or '='");
        if (!value.is_string()) add(out, field, "incompatible value type: string required");
        else if (value.get<std::string>().find('\0') != std::string::npos)
            add(out, field, "value contains invalid character NUL");
    }
}

void validate_scheduling(const ContainerRequest& r, bool committing, std::vector<Problem>& out) {
    static const std::set<std::string> allowed{"max_run_time", "partitions", "preemptible", "supervisor"};
    for (const auto& [key, value] : r.scheduling_parameters.items()) {
        const std::string field = "scheduling_parameters." + key;
        if (!allowed.count(key)) {
            add(out, field, "unexpected key: expected max_run_time, partitions, preemptible or supervisor");
            continue;
        }
        if (!committing) continue;  // a draft may hold values that would not commit (seed 001)
        if (key == "partitions" && !value.is_null()) {
            bool ok = value.is_array();
            if (ok)
                for (const auto& p : value) ok = ok && p.is_string();
            if (!ok) add(out, field, "must be an array of strings");
        } else if (key == "max_run_time" && !is_nonneg_int(value)) {
            add(out, field, "must be a non-negative integer (seconds)");
        } else if ((key == "preemptible" || key == "supervisor") && !value.is_boolean() && !value.is_null()) {
            add(out, field, "must be a boolean");
        } else if (key == "preemptible" && committing && value == true) {
            add(out, field, "preemptible instances are not available on a local host");
        }
    }
}

void validate_constraints(const ContainerRequest& r, bool committed, std::vector<Problem>& out) {
    static const std::set<std::string> allowed{"API", "gpu", "keep_cache_disk", "keep_cache_ram", "ram", "vcpus", "cuda"};
    for (const auto& [key, value] : r.runtime_constraints.items()) {
        if (!allowed.count(key))
            add(out, "runtime_constraints." + key,
                "unexpected key: expected vcpus, ram, keep_cache_ram, keep_cache_disk, API, gpu or cuda");
    }
    if (!committed) return;
    for (const char* key : {"vcpus", "ram"}) {
        const auto it = r.runtime_constraints.find(key);
        if (it == r.runtime_constraints.end())
            add(out, std::string("runtime_constraints.") + key, "required when committing: a positive integer or [min, max]");
        else if (!valid_resource(*it))
            add(out, std::string("runtime_constraints.") + key,
                it->dump() + " is not a positive integer or a [min, max] range of them");
    }
    for (const char* key : {"gpu", "cuda"}) {
        const auto it = r.runtime_constraints.find(key);
        if (it == r.runtime_constraints.end() || it->is_null()) continue;
        if (!it->is_object()) {
            add(out, std::string("runtime_constraints.") + key, "must be an object");
            continue;
        }
        const auto count = it->find("device_count");
        if (count != it->end() && !is_nonneg_int(*count))
            add(out, std::string("runtime_constraints.") + key + ".device_count", "must be a non-negative integer");
        else if (count != it->end() && count->get<std::int64_t>() > 0)
            add(out, std::string("runtime_constraints.") + key + ".device_count", "GPUs are not supported by crctl");
    }
}

}  // namespace

bool valid_resource(const Json& value) {
    if (is_positive_int(value)) return true;
    if (!value.is_array() || value.empty() || value.size() > 2) return false;
    if (!is_positive_int(value[0])) return false;
    if (value.size() == 2 && !value[1].is_null()) {
        if (!is_positive_int(value[1])) return false;
        if (value[1].get<std::int64_t>() < value[0].get<std::int64_t>()) return false;
    }
    return true;
}

bool is_portable_data_hash(std::string_view text) {
    if (text.size() < 34 || text[32] != '+') return false;
    for (std::size_t i = 0; i < 32; ++i) {
        const char ch = text[i];
        if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'))) return false;
    }
    std::size_t i = 33;
    const std::size_t digits_start = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
    if (i == digits_start) return false;
    return i == text.size() || text[i] == '+';
}

void validate_request(const ContainerRequest& r, bool full, std::vector<Problem>& out) {
    // §2.2: always.
    bool command_ok = r.command.is_array() && !r.command.empty();
    if (command_ok)
        for (const auto& arg : r.command) command_ok = command_ok && arg.is_string();
    if (!command_ok) add(out, "command", "must be a non-empty array of strings");
    if (r.container_image.empty()) add(out, "container_image", "required: an image (host, a root folder or an engine image)");
    if (r.output_path.empty()) add(out, "output_path", "required: a mount target");
    if (r.cwd.empty()) add(out, "cwd", "required: the working directory inside the container");
    if (r.output_ttl < 0) add(out, "output_ttl", "must be a non-negative number of seconds");
    if (r.priority < 0 || r.priority > 1000) add(out, "priority", "must be an integer from 0 to 1000");
    if (r.container_count_max < 1) add(out, "container_count_max", "must be a positive integer");
    bool objects_ok = true;
    for (const auto& [name, value] : {std::pair<const char*, const Json*>{"environment", &r.environment},
                                      {"mounts", &r.mounts},
                                      {"runtime_constraints", &r.runtime_constraints},
                                      {"scheduling_parameters", &r.scheduling_parameters}}) {
        if (!value->is_object()) {
            add(out, name, "must be an object");
            objects_ok = false;
        }
    }
    if (!full || !objects_ok) return;
    // §2.3: new records and Committed ones.
    const bool committed = r.state == RequestState::committed;
    validate_environment(r, out);
    validate_mounts(r, out);
    validate_scheduling(r, committed, out);
    validate_constraints(r, committed, out);
}

}  // namespace opskit::cr::detail
