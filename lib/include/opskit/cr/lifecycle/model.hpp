// The records of crctl: container requests (what a client asks for) and containers (the
// work that satisfies one or more requests), with their states and JSON form. Field names
// follow the Arvados reference so a spec file, `--output json` and the store columns all
// speak the same language. Behaviour lives in requests.hpp and containers.hpp; this file
// only describes the data.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "opskit/core/output.hpp"

namespace opskit::cr {

/// Container request states (reference §1.1): Uncommitted → Committed → Final.
enum class RequestState { uncommitted, committed, final_ };

/// Container states (reference §1.2).
enum class ContainerState { queued, locked, running, complete, cancelled };

/// `Uncommitted`, `Committed`, `Final`.
std::string_view to_string(RequestState state) noexcept;
/// `Queued`, `Locked`, `Running`, `Complete`, `Cancelled`.
std::string_view to_string(ContainerState state) noexcept;
/// Parses the exact spelling above; nullopt otherwise.
std::optional<RequestState> parse_request_state(std::string_view text);
std::optional<ContainerState> parse_container_state(std::string_view text);

/// Complete or Cancelled.
constexpr bool is_final(ContainerState s) noexcept {
    return s == ContainerState::complete || s == ContainerState::cancelled;
}

/// 2^50: the weight of a top-level request's priority in its container's priority (§5.1).
inline constexpr std::int64_t priority_weight = std::int64_t{1} << 50;

/// A container request. JSON-ish fields hold canonical JSON values (objects have sorted keys).
/// Timestamps are milliseconds since the epoch; JSON shows them as RFC 3339.
struct ContainerRequest {
    std::string uuid;                       ///< `<cluster>-xvhdk-<15 base36>`
    RequestState state = RequestState::uncommitted;
    std::optional<std::string> name;
    std::optional<std::string> description;
    Json command = Json::array();           ///< array of strings
    std::string container_image;
    std::string cwd;
    Json environment = Json::object();      ///< string → string
    Json mounts = Json::object();           ///< target → {kind, …}
    std::string output_path;
    Json runtime_constraints = Json::object();   ///< as given (ranges kept); resolved on the container
    Json scheduling_parameters = Json::object();
    std::int64_t priority = 0;              ///< 0..1000
    std::optional<std::string> container_uuid;
    std::int64_t container_count = 0;       ///< containers assigned so far (first = 1)
    std::int64_t container_count_max = 3;
    bool use_existing = true;
    std::optional<std::string> output_name;
    std::int64_t output_ttl = 0;            ///< seconds; 0 = never trash
    std::optional<std::string> log_uuid;    ///< collection uuid
    std::optional<std::string> output_uuid; ///< collection uuid
    std::optional<std::string> requesting_container_uuid;  ///< parent container, from CRCTL_CONTAINER_UUID
    std::int64_t created_at = 0;            ///< ms since epoch
    std::int64_t modified_at = 0;
};

/// A container: immutable work attributes plus dispatch state.
struct Container {
    std::string uuid;                       ///< `<cluster>-dz642-<15 base36>`
    ContainerState state = ContainerState::queued;
    Json command = Json::array();
    std::string container_image;            ///< resolved image (as given for the host runtime)
    std::string cwd;
    Json environment = Json::object();
    Json mounts = Json::object();
    std::string output_path;
    Json runtime_constraints = Json::object();   ///< resolved: ranges → minimum, keep_cache_ram default
    Json scheduling_parameters = Json::object();
    std::int64_t priority = 0;              ///< §5.1: may exceed 1000·2^50 − t; 0 = nobody wants it
    std::int64_t lock_count = 0;            ///< lock() calls so far (max_dispatch_attempts cap)
    std::optional<std::string> locked_by;   ///< holder identity while Locked/Running, else null
    std::optional<std::int64_t> started_at;
    std::optional<std::int64_t> finished_at;
    std::optional<std::int64_t> exit_code;
    std::optional<std::string> output;      ///< portable data hash of the output collection
    std::optional<std::string> log;         ///< portable data hash of the log collection
    double progress = 0;                    ///< 0..1
    Json runtime_status = Json::object();   ///< error, errorDetail, warning, … (strings)
    std::string reuse_hash;                 ///< hash of the canonical reuse attributes (§4.3)
    std::int64_t created_at = 0;
    std::int64_t modified_at = 0;
};

/// A collection record (a row of the `collections` table; content lives with the dispatcher's
/// content-addressed storage under Store::data_dir()).
struct Collection {
    std::string uuid;                       ///< `<cluster>-4zz18-<15 base36>`
    std::string portable_data_hash;         ///< `<md5 hex>+<size>`
    std::optional<std::string> name;
    std::optional<std::string> manifest;    ///< canonical manifest text, when known
    Json properties = Json::object();       ///< {type: output|log|intermediate, container_request: …}
    std::optional<std::int64_t> trash_at;   ///< ms since epoch
    std::optional<std::int64_t> delete_at;
    std::int64_t created_at = 0;
    std::int64_t modified_at = 0;
};

/// The `--output json` form: every field, timestamps as RFC 3339, absent optionals as null.
Json to_json(const ContainerRequest& request);
Json to_json(const Container& container);
Json to_json(const Collection& collection);

/// `<cluster>-<infix>-<15 base36>`; infix `xvhdk`, `dz642` or `4zz18`. The 15 characters
/// start with the creation time, so uuids sort in creation order.
std::string new_uuid(std::string_view cluster_id, std::string_view infix);

/// True when `text` has the shape `xxxxx-xxxxx-xxxxxxxxxxxxxxx` with the given infix.
bool is_uuid(std::string_view text, std::string_view infix);

inline constexpr std::string_view request_infix = "xvhdk";
inline constexpr std::string_view container_infix = "dz642";
inline constexpr std::string_view collection_infix = "4zz18";

}  // namespace opskit::cr
