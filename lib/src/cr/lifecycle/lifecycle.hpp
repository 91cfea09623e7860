// Private: the steps that tie requests and containers together — commit-time resolution
// and reuse (§4), finalization and the end-of-container handling (§6) — shared by
// requests.cpp (client verbs) and containers.cpp (dispatcher plumbing).
#pragma once

#include <optional>

#include "cr/store/rows.hpp"
#include "opskit/cr/lifecycle/model.hpp"
#include "opskit/cr/store/store.hpp"

namespace opskit::cr::detail {

/// §5.1: what one Committed top-level request (priority > 0) adds to its container's
/// priority; the container's priority is the largest such term.
constexpr std::int64_t request_priority_term(std::int64_t priority, std::int64_t created_at) {
    return priority * priority_weight - created_at;
}

/// The container attributes a request resolves to (image resolved, collection mounts by
/// PDH, runtime constraints resolved), as a new Queued container not yet saved. `texts`, when
/// given, receives the canonical text of its work columns (made for the reuse hash anyway).
Container resolve_container(Tx& tx, const ContainerRequest& request, WorkTexts* texts = nullptr);

/// §4.2: ranges → first element; keep_cache_ram 0/absent → the store default.
Json resolve_runtime_constraints(const Json& constraints, std::int64_t default_keep_cache_ram);

/// §4.3: the uuid of the preferred reusable container for `wanted`, if any. `texts`: the
/// canonical text of its work columns, if the caller has it.
std::optional<std::string> find_reusable(Tx& tx, const Container& wanted, const Json& request_scheduling,
                                         const WorkTexts* texts = nullptr);

/// Commits `request` (already in state Committed, container_uuid null): resolves or reuses
/// a container, sets container_uuid and container_count. Saves the container, not the request.
/// True when it created a new container rather than reusing one. `request_texts`, when given,
/// receives the texts of the request's work columns that the container shares with it, for
/// saving the request.
bool set_container(Tx& tx, ContainerRequest& request, WorkTexts* request_texts = nullptr);

/// After a request was saved: recompute priorities of its old and new container trees, and
/// finalize it at once if its container is already final (or it has none). `new_container`:
/// set_container just created the request's container (see there).
void after_request_saved(Tx& tx, const ContainerRequest& before, ContainerRequest& request, bool new_container = false);

/// §6.2: output/log records, state Final. Saves the request.
void finalize_request(Tx& tx, ContainerRequest& request, const Container& container);

/// §6.1: retry or finalize the requests of a container that just became Complete/Cancelled,
/// then cascade to its child requests.
void handle_completed(Tx& tx, const Container& container);

}  // namespace opskit::cr::detail
