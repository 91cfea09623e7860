// The default volume methods of vm::Backend: a backend that does not implement them (a test
// double, a future API backend before it grows them) refuses with one clear reason instead
// of forcing every backend to stub them.
#include <fmt/format.h>

#include "opskit/core/error.hpp"
#include "opskit/vm/backend.hpp"

namespace opskit::vm {
namespace {

[[noreturn]] void unsupported(std::string_view what, std::string_view input, const Backend& b) {
    throw Error(ErrorKind::unavailable, what, input, fmt::format("not supported by the backend at {}", b.location()));
}

}  // namespace

Volume Backend::resolve_source(const std::string& source) { unsupported("volume source", source, *this); }

Applied Backend::attach_volume(const std::string& vm, const Volume&, const std::string& target) {
    unsupported("volume attach", vm + " " + target, *this);
}

Applied Backend::detach_volume(const std::string& vm, const Volume& disk) {
    unsupported("volume detach", vm + " " + disk.target, *this);
}

Applied Backend::resize_volume(const std::string& vm, const Volume& disk, std::uint64_t, bool) {
    unsupported("volume resize", vm + " " + disk.target, *this);
}

}  // namespace opskit::vm
