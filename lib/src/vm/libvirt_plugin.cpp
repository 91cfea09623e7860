// open_libvirt(): loads the libvirt backend (libopskit-vm-libvirt, lib/src/vm/libvirt/) on
// first use. libvirt brings about 50 shared libraries whose loading and relocation would
// otherwise be paid by every vmctl start, `--version` and `-h` included; a verb that talks
// to libvirt pays it once, as before.
#include <dlfcn.h>

#include <filesystem>
#include <mutex>
#include <string>

#include "opskit/core/error.hpp"
#include "opskit/vm/backend.hpp"

namespace opskit::vm {
namespace {

using OpenFn = Backend* (*)(const std::string&);
constexpr const char* plugin_name = OPSKIT_VM_LIBVIRT_PLUGIN;  // from lib/CMakeLists.txt

// The plugin is installed next to this library (same build or install lib folder); the
// linker's search path is the fallback, for a packager who moves it.
OpenFn load_plugin() {
    std::string tried;
    Dl_info self{};
    void* handle = nullptr;
    if (dladdr(reinterpret_cast<void*>(&open_libvirt), &self) != 0 && self.dli_fname) {
        std::error_code ec;
        auto dir = std::filesystem::weakly_canonical(std::filesystem::path(self.dli_fname).parent_path(), ec);
        if (ec) dir = std::filesystem::path(self.dli_fname).parent_path();
        const auto beside = dir / plugin_name;
        tried = beside.string();
        handle = dlopen(tried.c_str(), RTLD_NOW | RTLD_LOCAL);
    }
    if (!handle) handle = dlopen(plugin_name, RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        const char* why = dlerror();
        throw Error(ErrorKind::unavailable, "load libvirt backend", tried.empty() ? plugin_name : tried,
                    why ? why : "not found");
    }
    auto* open = reinterpret_cast<OpenFn>(dlsym(handle, "opskit_vm_libvirt_open"));
    if (!open) throw Error(ErrorKind::unavailable, "load libvirt backend", plugin_name, "no opskit_vm_libvirt_open in it");
    return open;  // never unloaded: libvirt keeps threads and handlers for the process
}

}  // namespace

std::unique_ptr<Backend> open_libvirt(const std::string& uri) {
    static std::once_flag once;
    static OpenFn open = nullptr;
    std::call_once(once, [] { open = load_plugin(); });
    return std::unique_ptr<Backend>(open(uri));
}

}  // namespace opskit::vm
