// Private: a host's domain handles, kept by name for the backend's life. A bulk verb would
// otherwise look a VM up at every call (a round trip each), and every public libvirt call
// on a domain — the local ones too: virDomainGetName, virDomainRef, virDomainFree — formats
// the domain's UUID for its debug log whether logging is on or not, which over hundreds of
// VMs is a good share of vmctl's CPU. So a handle is shared through std::shared_ptr (no
// libvirt call to copy or drop it), and what a listing learnt about the VM for free (its
// UUID, whether it is persistent) is kept beside it, so no later call asks again.
//
// libvirt resolves a handle by its UUID: a VM undefined and defined anew under the same name
// during the run reads as gone rather than as the new one.
#pragma once

#include <libvirt/libvirt.h>

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace opskit::vm::lv {

/// One VM as the backend knows it.
struct KnownDomain {
    std::shared_ptr<virDomain> dom;
    std::string name;
    std::string uuid;
    std::optional<bool> persistent;   ///< from a listing, or asked once (nullopt: not yet)
};

class Domains {
public:
    /// Takes over one reference to `d`. The first handle per name is kept (a later one is
    /// freed); a listing's `persistent` replaces what was known. Returns the entry.
    KnownDomain adopt(virDomainPtr d, std::optional<bool> persistent);
    /// The entry for `name`, if a listing or a lookup has seen it.
    std::optional<KnownDomain> find(const std::string& name);
    /// Records what virDomainIsPersistent said.
    void set_persistent(const std::string& name, bool persistent);
    /// Drops the entry (before an undefine); holders of its handle keep it alive.
    void forget(const std::string& name);
    /// Drops every entry (before the connection closes).
    void clear();

private:
    std::mutex m_mutex;
    std::map<std::string, KnownDomain> m_known;
};

}  // namespace opskit::vm::lv
