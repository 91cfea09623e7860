// Container requests as a client sees them: create (optionally committing in the same step),
// update under the permitted-update matrix, commit, cancel, delete, show and list. Committing
// resolves a container (reuse or new), recomputes priorities and may finalize at once; all
// of that happens inside the caller's transaction, so a verb is atomic (reference §2–§5).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "opskit/core/error.hpp"
#include "opskit/core/units.hpp"
#include "opskit/cr/lifecycle/model.hpp"
#include "opskit/cr/store/store.hpp"

namespace opskit::cr {

/// Who is asking. A request created from inside a running container gets that container as
/// its parent (requesting_container_uuid); clients can never set that field themselves.
struct Caller {
    std::optional<std::string> container_uuid;
    /// Reads CRCTL_CONTAINER_UUID (empty or unset = a plain client).
    static Caller from_environment();
};

/// One validation finding: the field (`runtime_constraints.vcpus`, `mounts./out.kind`) and why.
struct Problem {
    std::string field;
    std::string message;
};

/// Error(usage) that carries every problem found; what() lists them all, one per `; `.
class ValidationError : public Error {
public:
    ValidationError(std::string_view input, std::vector<Problem> problems);
    const std::vector<Problem>& problems() const { return m_problems; }

private:
    std::vector<Problem> m_problems;
};

/// Fields a client may send (spec files, --output json of `request show`). Show-only fields
/// (uuid, container_uuid, container_count, log_uuid, output_uuid, created_at, modified_at)
/// are ignored at create, so a shown request can be edited and resubmitted.
const std::vector<std::string>& request_client_fields();

/// Creates a request from a JSON object of client fields. `state: Committed` creates and
/// commits in one step. Invalid input → ValidationError listing every problem (exit 2).
ContainerRequest create_request(Tx& tx, const Json& attributes, const Caller& caller = {});

/// Applies `changes` (client fields) under the update matrix of §3: a field that may not
/// change in the current state → Error(conflict) naming it (exit 5); invalid values →
/// ValidationError. Committing through here resolves the container. Not found → exit 4.
ContainerRequest update_request(Tx& tx, std::string_view uuid, const Json& changes);

/// `update_request(uuid, {"state": "Committed"})`.
ContainerRequest commit_request(Tx& tx, std::string_view uuid);

/// Cancel = priority 0 (§5.3): the container goes on hold or is cancelled by its dispatcher;
/// the request stays Committed until then. An Uncommitted request becomes Final.
/// Already Final → returned unchanged.
ContainerRequest cancel_request(Tx& tx, std::string_view uuid);

/// Sets priority 0 (recomputing the container), then removes the request.
void delete_request(Tx& tx, std::string_view uuid);

/// The request, or Error(not_found) naming the uuid.
ContainerRequest get_request(Tx& tx, std::string_view uuid);
std::optional<ContainerRequest> find_request(Tx& tx, std::string_view uuid);

struct RequestFilter {
    std::optional<RequestState> state;
    std::optional<std::string> container_uuid;
    std::optional<std::string> requesting_container_uuid;
    std::int64_t limit = 0;                 ///< 0 = all
};
/// Requests, newest first.
std::vector<ContainerRequest> list_requests(Tx& tx, const RequestFilter& filter = {});

/// UUIDs of requests starting with `prefix` (for shell completion), at most `limit`.
std::vector<std::string> request_uuids(Tx& tx, std::string_view prefix, std::int64_t limit = 200);

/// Polls (short read transactions) until the request is Final; returns it. Timeout →
/// Error(timeout); an interrupt (SIGINT/SIGTERM) → Error(failed). No timeout = wait forever.
ContainerRequest wait_request(Store& store, std::string_view uuid, std::optional<Duration> timeout);

/// The container priority formula of §5.1 for `container_uuid`, from its Committed requests.
std::int64_t compute_container_priority(Tx& tx, std::string_view container_uuid);

/// Recomputes `container_uuid`'s priority and propagates down its tree of child requests
/// (§5.2). Final containers are left alone.
void update_priorities(Tx& tx, std::string_view container_uuid);

}  // namespace opskit::cr
