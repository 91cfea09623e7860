// The backend's handle cache (see domains.hpp).
#include "domains.hpp"

namespace opskit::vm::lv {

KnownDomain Domains::adopt(virDomainPtr d, std::optional<bool> persistent) {
    std::shared_ptr<virDomain> owned(d, virDomainFree);
    std::string name = virDomainGetName(d);
    const std::lock_guard guard(m_mutex);
    auto it = m_known.find(name);
    if (it == m_known.end()) {
        char uuid[VIR_UUID_STRING_BUFLEN] = {};
        KnownDomain k{std::move(owned), name, {}, persistent};
        if (virDomainGetUUIDString(d, uuid) == 0) k.uuid = uuid;
        it = m_known.emplace(std::move(name), std::move(k)).first;
    } else if (persistent) {
        it->second.persistent = persistent;
    }
    return it->second;
}

std::optional<KnownDomain> Domains::find(const std::string& name) {
    const std::lock_guard guard(m_mutex);
    const auto it = m_known.find(name);
    if (it == m_known.end()) return std::nullopt;
    return it->second;
}

void Domains::set_persistent(const std::string& name, bool persistent) {
    const std::lock_guard guard(m_mutex);
    if (const auto it = m_known.find(name); it != m_known.end()) it->second.persistent = persistent;
}

void Domains::forget(const std::string& name) {
    const std::lock_guard guard(m_mutex);
    m_known.erase(name);
}

void Domains::clear() {
    const std::lock_guard guard(m_mutex);
    m_known.clear();
}

}  // namespace opskit::vm::lv
