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
    static const Blkid table = [] {
        void* lib = open_library(soname, what);
        Blkid b{};
        bind_symbol(lib, b.get_cache, soname, "blkid_get_cache", what);
        bind_symbol(lib, b.put_cache, soname, "blkid_put_cache", what);
        bind_symbol(lib, b.get_dev, soname, "blkid_get_dev", what);
        bind_symbol(lib, b.evaluate_tag, soname, "blkid_evaluate_tag", what);
        bind_symbol(lib, b.new_probe_from_filename, soname, "blkid_new_probe_from_filename", what);
        bind_symbol(lib, b.free_probe, soname, "blkid_free_probe", what);
        bind_symbol(lib, b.probe_get_size, soname, "blkid_probe_get_size", what);
        bind_symbol(lib, b.probe_enable_superblocks, soname, "blkid_probe_enable_superblocks", what);
        bind_symbol(lib, b.probe_set_superblocks_flags, soname, "blkid_probe_set_superblocks_flags", what);
        bind_symbol(lib, b.probe_enable_partitions, soname, "blkid_probe_enable_partitions", what);
        bind_symbol(lib, b.probe_set_partitions_flags, soname, "blkid_probe_set_partitions_flags", what);
        bind_symbol(lib, b.do_safeprobe, soname, "blkid_do_safeprobe", what);
        bind_symbol(lib, b.probe_numof_values, soname, "blkid_probe_numof_values", what);
        bind_symbol(lib, b.probe_get_value, soname, "blkid_probe_get_value", what);
        return b;
    }();
    return table;
}

}  // namespace opskit::device::detail
