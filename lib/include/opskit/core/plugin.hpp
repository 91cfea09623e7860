// Run-time plugins: a part of a domain whose third-party libraries are heavy to load (libvirt
// for vm, libcurl for cr's Swarm engine) is its own shared library that the domain dlopen()s
// on first use, so a tool's start (`--version`, `-h`, every verb that never needs it) maps
// none of them.
#pragma once

#include <string_view>

namespace opskit {

/// Loads `file` (a bare soname) from the folder of the library holding `anchor` (any
/// function of the calling domain: plugins are built and installed beside it), else from the
/// loader's search path (a packager who moves it), and returns its symbol `symbol`. Never
/// unloaded; asking again for a loaded plugin only counts a reference (no once-guard needed). Error(unavailable) naming the path tried and the loader's reason, for `what`
/// ("load libvirt backend").
void* load_plugin_symbol(const void* anchor, const char* file, const char* symbol, std::string_view what);

/// Opens the system library `soname` (libcrypto, libblkid: C libraries a domain calls only in
/// some verbs) through the loader's search path, never unloaded. Error(unavailable) naming
/// `soname` and the loader's reason, for `what` ("load libcrypto").
void* open_library(const char* soname, std::string_view what);

/// `name` from `lib` (of open_library or a plugin); bind_symbol() stores it as the type of
/// `fn`. Error(unavailable) "what (soname): no NAME in it" when the library lacks it.
void* library_symbol(void* lib, const char* soname, const char* name, std::string_view what);
template <class Fn>
void bind_symbol(void* lib, Fn& fn, const char* soname, const char* name, std::string_view what) {
    fn = reinterpret_cast<Fn>(library_symbol(lib, soname, name, what));
}

/// A table of `soname`'s functions (a struct of function pointers), filled on the first call
/// for `Table` by `bind_all(bind, table)`, where `bind(field, "name")` binds one field (and
/// bind_all may finish the table with what it needs from those functions, or throw).
/// Thread-safe; a failure throws (open_library, library_symbol) and is tried again next call.
template <class Table, class BindAll>
const Table& library_functions(const char* soname, std::string_view what, BindAll bind_all) {
    static const Table table = [&] {
        void* lib = open_library(soname, what);
        Table t{};
        bind_all([&](auto& fn, const char* name) { bind_symbol(lib, fn, soname, name, what); }, t);
        return t;
    }();
    return table;
}

}  // namespace opskit
