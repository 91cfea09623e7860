// Private: the volume half of the libvirt backend (vmctl volume list|attach|detach|resize).
// Kept apart from backend.cpp so the power and snapshot code stays readable; the
// backend's Volume methods delegate here. Where a driver lacks the device calls (the test
// driver has no AttachDeviceFlags/DetachDeviceFlags), the persistent definition is edited and
// redefined instead, and the fallback is reported.
#pragma once

#include <libvirt/libvirt.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "opskit/vm/backend.hpp"

namespace opskit::vm::lv {

struct VolFree {
    void operator()(virStorageVolPtr v) const { virStorageVolFree(v); }
};
using StorageVol = std::unique_ptr<virStorageVol, VolFree>;
struct PoolFree {
    void operator()(virStoragePoolPtr p) const { virStoragePoolFree(p); }
};
using StoragePool = std::unique_ptr<virStoragePool, PoolFree>;

/// The storage volume behind a disk path (`/…`) or `POOL/VOLUME`; null when libvirt has none
/// (the libvirt error is left for the caller to reset or raise).
StorageVol lookup_volume(virConnectPtr conn, const std::string& path);

/// Disks of the domain: persistent definition merged with the live one.
std::vector<Volume> disks(virConnectPtr conn, virDomainPtr dom, const std::string& vm);
/// The <disk device='disk'> elements of a domain's XML: target, type, driver format and
/// source (file, dev, or POOL/VOLUME), in document order.
std::vector<Volume> parse_disks(const std::string& domain_xml);

/// See Backend::resolve_source.
Volume resolve_source(virConnectPtr conn, const std::string& source);

Applied attach(virConnectPtr conn, virDomainPtr dom, const std::string& vm, const Volume& source, const std::string& target);
Applied detach(virConnectPtr conn, virDomainPtr dom, const std::string& vm, const Volume& disk);
Applied resize(virConnectPtr conn, virDomainPtr dom, const std::string& vm, const Volume& disk, std::uint64_t bytes,
               bool shrink);

}  // namespace opskit::vm::lv
