// blkid() (see blkid_api.hpp).
#include "blkid_api.hpp"

#include "opskit/core/plugin.hpp"

namespace opskit::device::detail {
namespace {

/// libblkid's soname since util-linux 2.16; the .deb's libblkid1 provides it.
constexpr const char* soname = "libblkid.so.1";
constexpr const char* what = "load libblkid";

}  // namespace

const Blkid& blkid() {
    return library_functions<Blkid>(soname, what, [](auto bind, Blkid& t) {
        bind(t.get_cache, "blkid_get_cache");
        bind(t.put_cache, "blkid_put_cache");
        bind(t.get_dev, "blkid_get_dev");
        bind(t.evaluate_tag, "blkid_evaluate_tag");
        bind(t.new_probe_from_filename, "blkid_new_probe_from_filename");
        bind(t.free_probe, "blkid_free_probe");
        bind(t.probe_get_size, "blkid_probe_get_size");
        bind(t.probe_enable_superblocks, "blkid_probe_enable_superblocks");
        bind(t.probe_set_superblocks_flags, "blkid_probe_set_superblocks_flags");
        bind(t.probe_enable_partitions, "blkid_probe_enable_partitions");
        bind(t.probe_set_partitions_flags, "blkid_probe_set_partitions_flags");
        bind(t.do_safeprobe, "blkid_do_safeprobe");
        bind(t.probe_numof_values, "blkid_probe_numof_values");
        bind(t.probe_get_value, "blkid_probe_get_value");
    });
}

}  // namespace opskit::device::detail
