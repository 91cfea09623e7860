// libblkid, opened on the first device resolved or probed instead of linked: mapping and
// relocating it cost every bkctl start some 220 thousand instructions and 13 page faults
// (callgrind, perf; December 2026), `--version`, `-h`, `parse` and `query` included.
#pragma once

#include <blkid/blkid.h>

namespace opskit::device::detail {

/// The libblkid functions device/ calls, typed as <blkid/blkid.h> declares them.
struct Blkid {
    decltype(&blkid_get_cache) get_cache;
    decltype(&blkid_put_cache) put_cache;
    decltype(&blkid_get_dev) get_dev;
    decltype(&blkid_evaluate_tag) evaluate_tag;
    decltype(&blkid_new_probe_from_filename) new_probe_from_filename;
    decltype(&blkid_free_probe) free_probe;
    decltype(&blkid_probe_get_size) probe_get_size;
    decltype(&blkid_probe_enable_superblocks) probe_enable_superblocks;
    decltype(&blkid_probe_set_superblocks_flags) probe_set_superblocks_flags;
    decltype(&blkid_probe_enable_partitions) probe_enable_partitions;
    decltype(&blkid_probe_set_partitions_flags) probe_set_partitions_flags;
    decltype(&blkid_do_safeprobe) do_safeprobe;
    decltype(&blkid_probe_numof_values) probe_numof_values;
    decltype(&blkid_probe_get_value) probe_get_value;
};

/// The table, loaded on the first call (thread-safe); Error(unavailable) "load libblkid" when
/// the library or one of its functions is missing, tried again by the next call.
const Blkid& blkid();

}  // namespace opskit::device::detail
