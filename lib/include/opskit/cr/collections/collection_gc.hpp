// Garbage collection of collections: records past delete_at are deleted, records past
// trash_at are reported as trashed (they already stop counting for reuse), and stored
// content nobody refers to any more is freed — what `crctl gc` runs from cron.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "opskit/core/output.hpp"
#include "opskit/core/units.hpp"
#include "opskit/cr/store/store.hpp"

namespace opskit::cr {

struct GcOptions {
    bool dry_run = false;          ///< report only
    Duration min_age{600000};      ///< unreferenced content younger than this is kept (a run may be storing it)
};

struct GcReport {
    std::vector<std::string> trashed;            ///< record uuids past trash_at, not yet deleted
    std::vector<std::string> deleted;            ///< record uuids deleted (past delete_at)
    std::vector<std::string> freed;              ///< portable data hashes whose content was removed
    std::uint64_t freed_bytes = 0;
    std::vector<std::string> work_dirs;          ///< leftover run folders removed (container uuids)
    bool dry_run = false;
    Json to_json() const;
};

/// One gc pass over `store` (see the file comment). Content stays while any record (trashed
/// or not) or any unfinished container (output, log, collection mounts) refers to it.
GcReport collect_garbage(Store& store, const GcOptions& options);

}  // namespace opskit::cr
