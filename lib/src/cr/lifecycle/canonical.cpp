// Canonical JSON text and the reuse hash. nlohmann::json keeps objects in a sorted map, so
// its compact dump is already deep-sorted; the SHA-256 itself is OpenSSL's (digest.cpp).
#include "opskit/cr/lifecycle/canonical.hpp"

#include <memory>

namespace opskit::cr {
namespace {

/// nlohmann's own serializer, kept per thread and pointed at the string to append to.
/// Json::dump() builds a serializer for every call — a shared output adapter, a locale
/// query and a fresh result string — which was most of the cost of the ~30 small dumps a new
/// request makes (its columns, its container's and the reuse key); the bytes are the same.
class AppendTo final : public nlohmann::detail::output_adapter_protocol<char> {
  public:
    std::string* target = nullptr;
    void write_character(char c) override { target->push_back(c); }
    void write_characters(const char* s, std::size_t length) override { target->append(s, length); }
};

struct Writer {
    std::shared_ptr<AppendTo> sink = std::make_shared<AppendTo>();
    nlohmann::detail::serializer<Json> serializer{sink, ' '};
};

void append_canonical(std::string& out, const Json& value) {
    thread_local Writer writer;
    writer.sink->target = &out;
    writer.serializer.dump(value, false, false, 0);
}

}  // namespace

std::string canonical_json(const Json& value) {
    std::string out;
    append_canonical(out, value);
    return out;
}

std::string reuse_hash(const Json& command, std::string_view cwd, const Json& environment,
                       std::string_view output_path, std::string_view container_image, const Json& mounts,
                       const Json& runtime_constraints) {
    return reuse_hash_of_texts(canonical_json(command), cwd, canonical_json(environment), output_path, container_image,
                               canonical_json(mounts), runtime_constraints);
}

std::string reuse_hash_of_texts(std::string_view command, std::string_view cwd, std::string_view environment,
                                std::string_view output_path, std::string_view container_image, std::string_view mounts,
                                const Json& runtime_constraints) {
    // The digest is of canonical_json({command, container_image, cwd, environment, mounts,
    // output_path, runtime_constraints without keep_cache_*}). Stored containers carry it, so
    // those bytes must never change; they are written here piece by piece, keys in sorted
    // order, rather than by copying every part into a temporary object and dumping that
    // (which was a sixth of the cost of a commit).
    std::string key;
    key.reserve(512);
    auto name = [&key](std::string_view field) { key.append(key.empty() ? "{\"" : ",\"").append(field).append("\":"); };
    auto member = [&](std::string_view field, const Json& value) {
        name(field);
        append_canonical(key, value);
    };
    auto text = [&](std::string_view field, std::string_view canonical) {
        name(field);
        key.append(canonical);
    };
    text("command", command);
    member("container_image", Json(container_image));
    member("cwd", Json(cwd));
    text("environment", environment);
    text("mounts", mounts);
    member("output_path", Json(output_path));
    if (runtime_constraints.is_object()) {
        key.append(",\"runtime_constraints\":{");
        bool first = true;
        for (auto it = runtime_constraints.begin(); it != runtime_constraints.end(); ++it) {
            if (it.key() == "keep_cache_ram" || it.key() == "keep_cache_disk") continue;
            if (!first) key.push_back(',');
            first = false;
            append_canonical(key, Json(it.key()));
            key.push_back(':');
            append_canonical(key, it.value());
        }
        key.push_back('}');
    } else {
        member("runtime_constraints", runtime_constraints);
    }
    key.push_back('}');
    return sha256_hex(key);
}

}  // namespace opskit::cr
