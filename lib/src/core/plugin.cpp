// load_plugin_symbol() (see plugin.hpp): one place that finds, opens and checks a plugin.
#include "opskit/core/plugin.hpp"

#include <dlfcn.h>

#include <filesystem>
#include <string>

#include "opskit/core/error.hpp"

namespace opskit {

void* load_plugin_symbol(const void* anchor, const char* file, const char* symbol, std::string_view what) {
    std::string tried;
    Dl_info self{};
    void* handle = nullptr;
    if (dladdr(anchor, &self) != 0 && self.dli_fname) {
        std::error_code ec;
        auto dir = std::filesystem::weakly_canonical(std::filesystem::path(self.dli_fname).parent_path(), ec);
        if (ec) dir = std::filesystem::path(self.dli_fname).parent_path();
        tried = (dir / file).string();
        handle = dlopen(tried.c_str(), RTLD_NOW | RTLD_LOCAL);
    }
    if (!handle) handle = dlopen(file, RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        const char* why = dlerror();
        throw Error(ErrorKind::unavailable, what, tried.empty() ? std::string(file) : tried, why ? why : "not found");
    }
    return library_symbol(handle, file, symbol, what);
}

void* open_library(const char* soname, std::string_view what) {
    void* handle = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        const char* why = dlerror();
        throw Error(ErrorKind::unavailable, what, soname, why ? why : "not found");
    }
    return handle;
}

void* library_symbol(void* lib, const char* soname, const char* name, std::string_view what) {
    void* sym = dlsym(lib, name);
    if (!sym) throw Error(ErrorKind::unavailable, what, soname, std::string("no ") + name + " in it");
    return sym;
}

}  // namespace opskit
