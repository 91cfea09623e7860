// Which VMs a command means: names, shell-style globs, --all and --state, resolved against
// the backend once. Kept apart from the engine so list, status and every bulk verb select
// the same way.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "opskit/core/output.hpp"
#include "opskit/core/time.hpp"
#include "opskit/vm/backend.hpp"

namespace opskit::vm {

struct Selector {
    std::vector<std::string> patterns;   ///< names or globs (`batch-*`)
    bool all = false;                    ///< every VM
    std::optional<VmState> state;        ///< only VMs in this state
};

/// Error(usage) when the selector names nothing (no pattern, no --all) and
/// `empty_means_all` is false: checked before any connection is made.
void require_selection(const Selector& selector, bool empty_means_all = false);

/// Resolves a selector to VM names, sorted by name for globs and --all and in the given
/// order for plain names. A plain name that does not exist is kept (its operation
/// reports not found); a glob that matches nothing is Error(not_found). Destroyed and
/// Expunging VMs are left out of globs and --all unless `include_destroyed` or the state
/// filter asks for them. No pattern and no --all is Error(usage) unless `empty_means_all`.
std::vector<std::string> select_vms(Backend& backend, const Selector& selector, bool include_destroyed,
                                    bool empty_means_all = false);

/// Destroyed VMs whose expunge_at is at or before `now`.
std::vector<std::string> due_for_expunge(Backend& backend, TimePoint now);
/// True for a Destroyed VM whose expunge_at is at or before `now`.
bool due_for_expunge(const VmInfo& vm, TimePoint now);

/// True when `text` contains glob characters (`*?[`).
bool is_glob(const std::string& text);

/// The status object of one VM (list and status rows).
Json status_json(const VmInfo& vm);
/// The object of one snapshot.
Json snapshot_json(const SnapshotInfo& snapshot);

}  // namespace opskit::vm
