// State names, the JSON form of the records and UUID generation: the parts of the model
// every other crctl file and the CLI print or parse.
#include "opskit/cr/lifecycle/model.hpp"

#include <algorithm>
#include <array>
#include <random>

#include "opskit/core/time.hpp"

namespace opskit::cr {
namespace {

constexpr std::array<std::string_view, 3> request_names{"Uncommitted", "Committed", "Final"};
constexpr std::array<std::string_view, 5> container_names{"Queued", "Locked", "Running", "Complete", "Cancelled"};

Json time_or_null(std::optional<std::int64_t> ms) {
    if (!ms) return nullptr;
    return to_rfc3339(from_epoch_ms(*ms));
}

template <class T>
Json or_null(const std::optional<T>& value) {
    if (!value) return nullptr;
    return *value;
}

}  // namespace

std::string_view to_string(RequestState state) noexcept { return request_names[static_cast<std::size_t>(state)]; }
std::string_view to_string(ContainerState state) noexcept { return container_names[static_cast<std::size_t>(state)]; }

std::optional<RequestState> parse_request_state(std::string_view text) {
    for (std::size_t i = 0; i < request_names.size(); ++i)
        if (request_names[i] == text) return static_cast<RequestState>(i);
    return std::nullopt;
}

std::optional<ContainerState> parse_container_state(std::string_view text) {
    for (std::size_t i = 0; i < container_names.size(); ++i)
        if (container_names[i] == text) return static_cast<ContainerState>(i);
    return std::nullopt;
}

Json to_json(const ContainerRequest& r) {
    return Json{
        {"uuid", r.uuid},
        {"state", to_string(r.state)},
        {"name", or_null(r.name)},
        {"description", or_null(r.description)},
        {"command", r.command},
        {"container_image", r.container_image},
        {"cwd", r.cwd},
        {"environment", r.environment},
        {"mounts", r.mounts},
        {"output_path", r.output_path},
        {"runtime_constraints", r.runtime_constraints},
        {"scheduling_parameters", r.scheduling_parameters},
        {"priority", r.priority},
        {"container_uuid", or_null(r.container_uuid)},
        {"container_count", r.container_count},
        {"container_count_max", r.container_count_max},
        {"use_existing", r.use_existing},
        {"output_name", or_null(r.output_name)},
        {"output_ttl", r.output_ttl},
        {"log_uuid", or_null(r.log_uuid)},
        {"output_uuid", or_null(r.output_uuid)},
        {"requesting_container_uuid", or_null(r.requesting_container_uuid)},
        {"created_at", time_or_null(r.created_at)},
        {"modified_at", time_or_null(r.modified_at)},
    };
}

Json to_json(const Container& c) {
    return Json{
        {"uuid", c.uuid},
        {"state", to_string(c.state)},
        {"command", c.command},
        {"container_image", c.container_image},
        {"cwd", c.cwd},
        {"environment", c.environment},
        {"mounts", c.mounts},
        {"output_path", c.output_path},
        {"runtime_constraints", c.runtime_constraints},
        {"scheduling_parameters", c.scheduling_parameters},
        {"priority", c.priority},
        {"lock_count", c.lock_count},
        {"locked_by", or_null(c.locked_by)},
        {"started_at", time_or_null(c.started_at)},
        {"finished_at", time_or_null(c.finished_at)},
        {"exit_code", or_null(c.exit_code)},
        {"output", or_null(c.output)},
        {"log", or_null(c.log)},
        {"progress", c.progress},
        {"runtime_status", c.runtime_status},
        {"created_at", time_or_null(c.created_at)},
        {"modified_at", time_or_null(c.modified_at)},
    };
}

Json to_json(const Collection& c) {
    return Json{
        {"uuid", c.uuid},
        {"portable_data_hash", c.portable_data_hash},
        {"name", or_null(c.name)},
        {"properties", c.properties},
        {"trash_at", time_or_null(c.trash_at)},
        {"delete_at", time_or_null(c.delete_at)},
        {"created_at", time_or_null(c.created_at)},
        {"modified_at", time_or_null(c.modified_at)},
    };
}

std::string new_uuid(std::string_view cluster_id, std::string_view infix) {
    // The 15 characters are one base-36 number: 9 digits of Unix milliseconds (good until
    // the year 5188) and 6 of a sequence. Each store index on uuid then takes new rows at its
    // right edge instead of at a random leaf: with random uuids a batch into a 100k-row store
    // read and rewrote a different page of each uuid index for every row (7.4k requests/s
    // against 18k/s on an empty store, bench/crctl_store). The sequence starts at a random
    // point each millisecond, so two processes creating in the same millisecond collide only
    // if their random starts are within the few uuids each makes, and it counts up within
    // one process, so uuids from one process are strictly increasing even when more than one
    // is made per millisecond (an overflow borrows the next millisecond).
    static constexpr char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
    static constexpr std::uint64_t sequence_span = 2176782336;  // 36^6
    struct Clock {
        std::mt19937_64 rng{[] {
            std::random_device rd;
            std::seed_seq seq{rd(), rd(), rd(), rd(), rd(), rd()};
            return std::mt19937_64(seq);
        }()};
        std::uint64_t ms = 0, sequence = 0;
    };
    thread_local Clock state;
    const auto now = static_cast<std::uint64_t>(to_epoch_ms(now_ms()));
    if (now > state.ms) {
        state.ms = now;
        // The lower half of the span: a millisecond's uuids can count up a billion before
        // they borrow the next millisecond.
        state.sequence = std::uniform_int_distribution<std::uint64_t>(0, sequence_span / 2)(state.rng);
    } else if (++state.sequence == sequence_span) {
        ++state.ms;
        state.sequence = 0;
    }
    std::string out(cluster_id.size() + infix.size() + 17, '-');
    const auto tail = out.begin() + static_cast<std::ptrdiff_t>(cluster_id.size() + infix.size() + 2);
    std::copy(cluster_id.begin(), cluster_id.end(), out.begin());
    std::copy(infix.begin(), infix.end(), out.begin() + static_cast<std::ptrdiff_t>(cluster_id.size() + 1));
    std::uint64_t high = state.ms, low = state.sequence;
    for (int i = 14; i >= 9; --i, low /= 36) tail[i] = digits[low % 36];
    for (int i = 8; i >= 0; --i, high /= 36) tail[i] = digits[high % 36];
    return out;
}

bool is_uuid(std::string_view text, std::string_view infix) {
    if (text.size() != 27 || text[5] != '-' || text[11] != '-') return false;
    if (text.substr(6, 5) != infix) return false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (i == 5 || i == 11) continue;
        const char ch = text[i];
        if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z'))) return false;
    }
    return true;
}

}  // namespace opskit::cr
