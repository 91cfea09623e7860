// libvirt error capture (see error.hpp).
#include "error.hpp"

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include <mutex>
#include <string>

namespace opskit::vm::lv {
namespace {

void silent(void* /*user*/, virErrorPtr /*err*/) {
    // The error stays available through virGetLastError(); nothing is printed.
}

ErrorKind kind_for(int code) {
    switch (code) {
        case VIR_ERR_NO_DOMAIN:
        case VIR_ERR_NO_DOMAIN_SNAPSHOT:
        case VIR_ERR_NO_STORAGE_VOL:
        case VIR_ERR_NO_STORAGE_POOL:
            return ErrorKind::not_found;
        case VIR_ERR_OPERATION_INVALID:
            return ErrorKind::conflict;
        case VIR_ERR_OPERATION_TIMEOUT:
            return ErrorKind::timeout;
        case VIR_ERR_NO_CONNECT:
        case VIR_ERR_RPC:
        case VIR_ERR_AUTH_FAILED:
        case VIR_ERR_AUTH_UNAVAILABLE:
            return ErrorKind::unavailable;
        case VIR_ERR_SYSTEM_ERROR:
            return ErrorKind::failed;
        default:
            return ErrorKind::failed;
    }
}

}  // namespace

void install_error_handler() {
    static std::once_flag once;
    std::call_once(once, [] {
        virInitialize();
        virSetErrorFunc(nullptr, silent);
    });
}

int last_error_code() {
    const virError* e = virGetLastError();
    return e ? e->code : 0;
}

void reset_error() { virResetLastError(); }

Error last_error(std::string_view what, std::string_view input) {
    const virError* e = virGetLastError();
    std::string message = e && e->message ? e->message : "libvirt reported no reason";
    const ErrorKind kind = e ? kind_for(e->code) : ErrorKind::failed;
    virResetLastError();
    return Error(kind, what, input, message);
}

void raise(std::string_view what, std::string_view input) { throw last_error(what, input); }

bool unsupported_flags() {
    const int code = last_error_code();
    return code == VIR_ERR_INVALID_ARG || code == VIR_ERR_NO_SUPPORT || code == VIR_ERR_ARGUMENT_UNSUPPORTED ||
           code == VIR_ERR_OPERATION_UNSUPPORTED;
}

}  // namespace opskit::vm::lv
