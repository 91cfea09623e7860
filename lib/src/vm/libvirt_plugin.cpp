// open_libvirt(): loads the libvirt backend (libopskit-vm-libvirt, lib/src/vm/libvirt/) on
// first use. libvirt brings about 50 shared libraries whose loading and relocation would
// otherwise be paid by every vmctl start, `--version` and `-h` included; a verb that talks
// to libvirt pays it once, as before.
#include <string>

#include "opskit/core/plugin.hpp"
#include "opskit/vm/backend.hpp"

namespace opskit::vm {

std::unique_ptr<Backend> open_libvirt(const std::string& uri) {
    // The plugin's file name is the build's (lib/CMakeLists.txt). A second load of a loaded
    // library only counts a reference, so each connection may ask again.
    using OpenFn = Backend* (*)(const std::string&);
    const auto open = reinterpret_cast<OpenFn>(load_plugin_symbol(
        reinterpret_cast<const void*>(&open_libvirt), OPSKIT_VM_LIBVIRT_PLUGIN, "opskit_vm_libvirt_open", "load libvirt backend"));
    return std::unique_ptr<Backend>(open(uri));
}

}  // namespace opskit::vm
