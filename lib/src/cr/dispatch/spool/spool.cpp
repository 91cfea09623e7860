// The spool record codec and folder layout (see spool.hpp). Decoding is strict on purpose:
// whatever a node left half-written or a disk mangled must read as "cannot be trusted",
// never as a plausible result.
#include "opskit/cr/dispatch/spool.hpp"

#include <fmt/format.h>

#include <system_error>

#include "opskit/core/error.hpp"
#include "opskit/core/fs.hpp"

namespace fs = std::filesystem;

namespace opskit::cr {

namespace {

constexpr int k_version = 1;

Json parse_object(std::string_view text, std::string_view what) {
    Json j = Json::parse(text.begin(), text.end(), nullptr, false);
    if (j.is_discarded()) throw Error(ErrorKind::failed, "unreadable spool record", what, "not valid JSON (truncated or garbage)");
    if (!j.is_object()) throw Error(ErrorKind::failed, "unreadable spool record", what, "not a JSON object");
    if (!j.contains("version") || !j["version"].is_number_integer() || j["version"].get<int>() != k_version)
        throw Error(ErrorKind::failed, "unreadable spool record", what, fmt::format("expected version {}", k_version));
    return j;
}

[[noreturn]] void bad_field(std::string_view what, std::string_view key, std::string_view expected) {
    throw Error(ErrorKind::failed, "unreadable spool record", what, fmt::format("field {} must be {}", key, expected));
}

std::string need_string(const Json& j, std::string_view what, const char* key, bool allow_empty = false) {
    if (!j.contains(key) || !j[key].is_string()) bad_field(what, key, "a string");
    auto s = j[key].get<std::string>();
    if (s.empty() && !allow_empty) bad_field(what, key, "a non-empty string");
    return s;
}

std::vector<std::string> need_strings(const Json& j, std::string_view what, const char* key) {
    if (!j.contains(key) || !j[key].is_array()) bad_field(what, key, "a list of strings");
    std::vector<std::string> out;
    for (const auto& v : j[key]) {
        if (!v.is_string()) bad_field(what, key, "a list of strings");
        out.push_back(v.get<std::string>());
    }
    return out;
}

std::optional<std::string> opt_string(const Json& j, std::string_view what, const char* key) {
    if (!j.contains(key) || j[key].is_null()) return std::nullopt;
    if (!j[key].is_string()) bad_field(what, key, "a string or null");
    return j[key].get<std::string>();
}

/// Splits mounts: the contents of json/text mounts go to the secret document.
std::pair<Json, Json> split_mounts(const Json& mounts) {
    Json pub = Json::object(), sec = Json::object();
    for (const auto& [target, m] : mounts.items()) {
        Json copy = m;
        if (m.is_object() && m.contains("content")) {
            sec[target] = m["content"];
            copy.erase("content");
            copy["content_in_secrets"] = true;
        }
        pub[target] = copy;
    }
    return {pub, sec};
}

}  // namespace

std::pair<std::string, std::string> encode_run_record(const RunRecord& r) {
    const auto& s = r.spec;
    auto [mounts, mount_secrets] = split_mounts(s.mounts);
    Json pub{{"version", k_version},
             {"uuid", s.uuid},
             {"command", s.command},
             {"image", s.image},
             {"cwd", s.cwd},
             {"mounts", mounts},
             {"output_path", s.output_path},
             {"vcpus", s.vcpus},
             {"ram", s.ram},
             {"max_run_time", s.max_run_time},
             {"partitions", s.partitions},
             {"store_path", s.store_path.string()},
             {"data_dir", r.data_dir.string()},
             {"runtime", std::string(to_string(r.runtime))},
             {"program", r.program},
             {"engine_args", r.engine_args}};
    Json env = Json::object();
    for (const auto& [k, v] : s.environment) env[k] = v;
    Json sec{{"version", k_version}, {"uuid", s.uuid}, {"environment", env}, {"mount_contents", mount_secrets}};
    return {pub.dump(2) + "\n", sec.dump() + "\n"};
}

RunRecord decode_run_record(std::string_view record_json, std::string_view secrets_json) {
    const Json p = parse_object(record_json, "record.json");
    const Json q = parse_object(secrets_json, "secrets.json");
    RunRecord r;
    auto& s = r.spec;
    s.uuid = need_string(p, "record.json", "uuid");
    if (!is_uuid(s.uuid, container_infix)) bad_field("record.json", "uuid", "a container uuid");
    if (need_string(q, "secrets.json", "uuid") != s.uuid) bad_field("secrets.json", "uuid", "the uuid of record.json");
    s.command = need_strings(p, "record.json", "command");
    if (s.command.empty()) bad_field("record.json", "command", "a non-empty list");
    s.image = need_string(p, "record.json", "image");
    s.cwd = need_string(p, "record.json", "cwd");
    s.output_path = need_string(p, "record.json", "output_path");
    if (!p.contains("vcpus") || !p["vcpus"].is_number() || p["vcpus"].get<double>() <= 0) bad_field("record.json", "vcpus", "a positive number");
    s.vcpus = p["vcpus"].get<double>();
    if (!p.contains("ram") || !p["ram"].is_number_unsigned()) bad_field("record.json", "ram", "a non-negative integer");
    s.ram = p["ram"].get<std::uint64_t>();
    if (!p.contains("max_run_time") || !p["max_run_time"].is_number_integer()) bad_field("record.json", "max_run_time", "an integer");
    s.max_run_time = p["max_run_time"].get<std::int64_t>();
    s.partitions = need_strings(p, "record.json", "partitions");
    s.store_path = need_string(p, "record.json", "store_path", true);
    r.data_dir = need_string(p, "record.json", "data_dir");
    try {
        r.runtime = parse_runtime_kind(need_string(p, "record.json", "runtime"));
    } catch (const Error&) {
        bad_field("record.json", "runtime", "host, podman or docker");
    }
    r.program = need_string(p, "record.json", "program", true);
    r.engine_args = need_strings(p, "record.json", "engine_args");
    if (!p.contains("mounts") || !p["mounts"].is_object()) bad_field("record.json", "mounts", "an object");
    if (!q.contains("mount_contents") || !q["mount_contents"].is_object()) bad_field("secrets.json", "mount_contents", "an object");
    if (!q.contains("environment") || !q["environment"].is_object()) bad_field("secrets.json", "environment", "an object");
    s.mounts = Json::object();
    for (const auto& [target, m] : p["mounts"].items()) {
        Json copy = m;
        if (m.is_object() && m.value("content_in_secrets", false)) {
            if (!q["mount_contents"].contains(target)) bad_field("secrets.json", "mount_contents", "the contents of mount " + target);
            copy.erase("content_in_secrets");
            copy["content"] = q["mount_contents"][target];
        }
        s.mounts[target] = copy;
    }
    for (const auto& [k, v] : q["environment"].items()) {
        if (!v.is_string()) bad_field("secrets.json", "environment", "an object of strings");
        s.environment.emplace_back(k, v.get<std::string>());
    }
    return r;
}

std::string encode_started(const StartedRecord& r) {
    return Json{{"version", k_version}, {"at", r.at}, {"node", r.node}}.dump() + "\n";
}

StartedRecord decode_started(std::string_view text) {
    const Json j = parse_object(text, "started");
    return StartedRecord{need_string(j, "started", "at"), need_string(j, "started", "node", true)};
}

std::string encode_finished(const FinishedRecord& r) {
    return Json{{"version", k_version},
                {"exit_code", r.exit_code ? Json(*r.exit_code) : Json()},
                {"started_at", r.started_at},
                {"finished_at", r.finished_at},
                {"node", r.node},
                {"output", r.output ? Json(*r.output) : Json()},
                {"error", r.error ? Json(*r.error) : Json()}}
               .dump() +
           "\n";
}

FinishedRecord decode_finished(std::string_view text) {
    const Json j = parse_object(text, "finished");
    FinishedRecord r;
    if (!j.contains("exit_code")) bad_field("finished", "exit_code", "an integer or null");
    if (!j["exit_code"].is_null()) {
        if (!j["exit_code"].is_number_integer()) bad_field("finished", "exit_code", "an integer or null");
        r.exit_code = j["exit_code"].get<std::int64_t>();
    }
    r.started_at = need_string(j, "finished", "started_at", true);
    r.finished_at = need_string(j, "finished", "finished_at");
    r.node = need_string(j, "finished", "node", true);
    r.output = opt_string(j, "finished", "output");
    r.error = opt_string(j, "finished", "error");
    if (!r.error && !r.exit_code) bad_field("finished", "exit_code", "set when there is no error");
    return r;
}

Spool::Spool(fs::path root) : m_root(std::move(root)) {}

fs::path Spool::dir(std::string_view uuid) const {
    if (!is_uuid(uuid, container_infix)) throw Error(ErrorKind::usage, "invalid container uuid", uuid, "expected <cluster>-dz642-<15 base36>");
    return m_root / std::string(uuid);
}

fs::path Spool::work_dir(std::string_view uuid) const { return dir(uuid) / "work"; }

void Spool::write_run(const RunRecord& record) const {
    const auto d = dir(record.spec.uuid);
    remove(record.spec.uuid);
    make_private_dir(m_root, 0755);
    make_private_dir(d, 0700);
    make_private_dir(d / "log", 0700);
    const auto [pub, sec] = encode_run_record(record);
    write_file_atomic(d / "secrets.json", sec, 0600);
    write_file_atomic(d / "record.json", pub, 0600);
}

RunRecord Spool::read_run(std::string_view uuid) const {
    const auto d = dir(uuid);
    std::string pub, sec;
    try {
        pub = read_file(d / "record.json");
        sec = read_file(d / "secrets.json");
    } catch (const Error& e) {
        throw Error(ErrorKind::failed, "unreadable spool record", (d / "record.json").string(), e.what());
    }
    return decode_run_record(pub, sec);
}

void Spool::write_started(std::string_view uuid, const StartedRecord& record) const {
    write_file_atomic(dir(uuid) / "started", encode_started(record), 0600);
}

std::optional<StartedRecord> Spool::read_started(std::string_view uuid) const {
    const auto file = dir(uuid) / "started";
    std::error_code ec;
    if (!fs::exists(file, ec)) return std::nullopt;
    return decode_started(read_file(file));
}

void Spool::write_finished(std::string_view uuid, const FinishedRecord& record) const {
    write_file_atomic(dir(uuid) / "finished", encode_finished(record), 0600);
}

std::optional<FinishedRecord> Spool::read_finished(std::string_view uuid) const {
    const auto file = dir(uuid) / "finished";
    std::error_code ec;
    if (!fs::exists(file, ec)) return std::nullopt;
    return decode_finished(read_file(file));
}

std::string Spool::read_log(std::string_view uuid, std::string_view stream) const {
    return read_file_or_empty(dir(uuid) / "log" / fmt::format("{}.txt", stream));
}

void Spool::remove(std::string_view uuid) const {
    std::error_code ec;
    fs::remove_all(dir(uuid), ec);
}

}  // namespace opskit::cr
