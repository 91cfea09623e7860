// Private: vmctl's destroy record as the XML element stored in the domain's metadata under
// vmctl's own namespace, so `virsh dumpxml` shows it and the record travels with the domain:
//   <vmctl:destroyed xmlns:vmctl="urn:opskit:vmctl:1" destroyed_at="…" expunge_at="…"
//                    delete_all_volumes="no" expunging="no"><vmctl:volume target="vdb"/></…>
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "opskit/vm/state.hpp"

namespace opskit::vm {

/// vmctl's metadata namespace URI and the prefix libvirt stores it under.
inline constexpr const char* metadata_ns = "urn:opskit:vmctl:1";
inline constexpr const char* metadata_prefix = "vmctl";

/// The element for virDomainSetMetadata (without namespace declaration; libvirt adds it).
std::string record_to_xml(const DestroyRecord& record);

/// Parses what virDomainGetMetadata returns; nullopt when it is not a destroy record.
std::optional<DestroyRecord> record_from_xml(std::string_view xml);

}  // namespace opskit::vm
