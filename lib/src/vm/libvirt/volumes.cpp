// The volume calls of the libvirt backend (see volumes.hpp): reading a domain's
// disks (live and persistent), resolving an attach source to a path or storage volume, and
// attach/detach (virDomainAttachDeviceFlags/DetachDeviceFlags with LIVE and CONFIG as the
// domain's state allows) and resize (virDomainBlockResize while running, else
// virStorageVolResize).
#include "volumes.hpp"

#include <libvirt/virterror.h>

#include <fmt/format.h>
#include <strings.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include "error.hpp"
#include "opskit/core/error.hpp"
#include "xml_doc.hpp"

namespace opskit::vm::lv {
namespace {

std::string take(char* s) {
    std::string out = s ? s : "";
    std::free(s);
    return out;
}

std::string domain_xml(virDomainPtr dom, unsigned flags, const std::string& vm) {
    std::string doc = take(virDomainGetXMLDesc(dom, flags));
    if (doc.empty()) raise("read definition", vm);
    return doc;
}

bool is_test_driver(virConnectPtr conn) {
    const char* type = virConnectGetType(conn);
    return type && strcasecmp(type, "test") == 0;   // libvirt says "TEST"
}

// A path names a file on the daemon's host; vmctl can look at it itself only when that host
// is this one (no host part in the URI) and the driver is a real one (the test driver's paths
// are fictional).
bool local_files(virConnectPtr conn) {
    const std::string uri = take(virConnectGetURI(conn));
    const auto sep = uri.find("://");
    return sep != std::string::npos && uri.compare(sep + 3, 1, "/") == 0 && !is_test_driver(conn);
}

// What a local file holds: a qcow2 header (magic QFI\xfb, virtual size big-endian at byte 24)
// or raw bytes.
void probe_local(Volume& v) {
    struct stat st {};
    if (::stat(v.path.c_str(), &st) != 0)
        throw Error(errno == ENOENT ? ErrorKind::not_found : ErrorKind::failed, "volume source", v.path, std::strerror(errno));
    if (S_ISDIR(st.st_mode)) throw Error(ErrorKind::usage, "volume source", v.path, "a folder, not a disk image");
    if (S_ISBLK(st.st_mode)) {
        v.type = "block";
        return;
    }
    unsigned char head[32] = {};
    std::ifstream in(v.path, std::ios::binary);
    in.read(reinterpret_cast<char*>(head), sizeof head);
    if (in.gcount() == static_cast<std::streamsize>(sizeof head) && std::memcmp(head, "QFI\xfb", 4) == 0) {
        v.format = "qcow2";
        std::uint64_t size = 0;
        for (int i = 24; i < 32; ++i) size = (size << 8) | head[i];
        v.capacity = size;
    } else {
        v.format = "raw";
        v.capacity = static_cast<std::uint64_t>(st.st_size);
    }
}

// Fills type, path, format and capacity from libvirt's storage volume.
void fill_from_volume(Volume& v, virStorageVolPtr vol, const std::string& pool_name) {
    v.managed = true;
    virStorageVolInfo info{};
    if (virStorageVolGetInfo(vol, &info) == 0) {
        v.capacity = info.capacity;
        const std::string path = take(virStorageVolGetPath(vol));
        if (info.type == VIR_STORAGE_VOL_FILE && !path.empty()) {
            v.type = "file";
            v.path = path;
        } else if (info.type == VIR_STORAGE_VOL_BLOCK && !path.empty()) {
            v.type = "block";
            v.path = path;
        } else if (!pool_name.empty()) {
            v.type = "volume";
            v.path = pool_name + "/" + virStorageVolGetName(vol);
        }
    }
    const xml::Document doc(take(virStorageVolGetXMLDesc(vol, 0)));
    if (const auto root = doc.root())
        if (const auto target = root->child("target"))
            if (const auto format = target->child("format")) v.format = format->attr("type").value_or("");
    reset_error();
}

// The <disk> element of `doc` whose target is `target`.
std::optional<xml::Element> disk_element(const xml::Document& doc, const std::string& target) {
    for (const auto& disk : doc.all("disk"))
        if (auto t = disk.child("target"); t && t->attr("dev").value_or("") == target) return disk;
    return std::nullopt;
}

void redefine(virConnectPtr conn, const std::string& doc, const std::string& vm) {
    virDomainPtr d = virDomainDefineXML(conn, doc.c_str());
    if (!d) raise("redefine", vm);
    virDomainFree(d);
}

bool no_support() { return last_error_code() == VIR_ERR_NO_SUPPORT; }

}  // namespace

std::vector<Volume> parse_disks(const std::string& domain_xml) {
    std::vector<Volume> out;
    const xml::Document doc(domain_xml);
    for (const auto& disk : doc.all("disk")) {
        if (disk.attr("device").value_or("disk") != "disk") continue;
        Volume v;
        v.type = disk.attr("type").value_or("file");
        if (auto t = disk.child("target")) v.target = t->attr("dev").value_or("");
        if (auto d = disk.child("driver")) v.format = d->attr("type").value_or("");
        if (auto src = disk.child("source")) {
            if (auto f = src->attr("file")) v.path = *f;
            else if (auto dev = src->attr("dev")) v.path = *dev;
            else if (auto pool = src->attr("pool")) v.path = *pool + "/" + src->attr("volume").value_or("");
        }
        out.push_back(std::move(v));
    }
    return out;
}

StorageVol lookup_volume(virConnectPtr conn, const std::string& path) {
    if (path.empty()) return nullptr;
    if (path.front() == '/') return StorageVol(virStorageVolLookupByPath(conn, path.c_str()));
    const auto slash = path.find('/');
    if (slash == std::string::npos) return nullptr;
    StoragePool p(virStoragePoolLookupByName(conn, path.substr(0, slash).c_str()));
    if (!p) return nullptr;
    return StorageVol(virStorageVolLookupByName(p.get(), path.substr(slash + 1).c_str()));
}

std::vector<Volume> disks(virConnectPtr conn, virDomainPtr dom, const std::string& vm) {
    const bool active = virDomainIsActive(dom) == 1;
    const bool persistent = virDomainIsPersistent(dom) == 1;
    std::vector<Volume> out;
    if (persistent) out = parse_disks(domain_xml(dom, VIR_DOMAIN_XML_INACTIVE, vm));
    for (auto& v : out) v.config = true;
    if (active)
        for (auto& live : parse_disks(domain_xml(dom, 0, vm))) {
            auto it = std::find_if(out.begin(), out.end(), [&](const Volume& v) { return v.target == live.target; });
            if (it != out.end()) {
                it->live = true;
                continue;
            }
            live.live = true;
            live.config = false;
            out.push_back(std::move(live));
        }
    const bool local = local_files(conn);
    for (std::size_t i = 0; i < out.size(); ++i) {
        auto& v = out[i];
        v.root = i == 0;
        const std::string format = v.format;
        if (auto vol = lookup_volume(conn, v.path)) {
            const auto path = v.path;
            const auto type = v.type;
            fill_from_volume(v, vol.get(), "");
            v.path = path;   // as the domain names it
            v.type = type;
        } else if (local && v.path.starts_with('/')) {
            try {
                probe_local(v);
            } catch (const Error&) {
                // A missing image is still a disk of the VM: list it without a size.
            }
        }
        if (!format.empty()) v.format = format;   // the domain's <driver type> is what the guest sees
        if (v.live) {
            virDomainBlockInfo bi{};
            if (virDomainGetBlockInfo(dom, v.target.c_str(), &bi, 0) == 0) v.capacity = bi.capacity;
        }
        reset_error();
    }
    return out;
}

Volume resolve_source(virConnectPtr conn, const std::string& source) {
    Volume v;
    if (source.empty()) throw Error(ErrorKind::usage, "volume source", source, "expected /path/to/disk or POOL/VOLUME");
    if (source.front() == '/') {
        v.path = source;
        if (auto vol = lookup_volume(conn, source)) {
            fill_from_volume(v, vol.get(), "");
            v.path = source;
            return v;
        }
        reset_error();
        if (local_files(conn)) probe_local(v);
        return v;
    }
    const auto slash = source.find('/');
    if (source.starts_with('.') || slash == std::string::npos || slash == 0 || slash + 1 == source.size() ||
        source.find('/', slash + 1) != std::string::npos)
        throw Error(ErrorKind::usage, "volume source", source, "expected an absolute /path/to/disk or POOL/VOLUME");
    const std::string pool_name = source.substr(0, slash);
    StoragePool pool(virStoragePoolLookupByName(conn, pool_name.c_str()));
    if (!pool) raise("storage pool", pool_name);
    StorageVol vol(virStorageVolLookupByName(pool.get(), source.substr(slash + 1).c_str()));
    if (!vol) raise("storage volume", source);
    v.path = source;
    v.type = "volume";
    fill_from_volume(v, vol.get(), pool_name);
    return v;
}

Applied attach(virConnectPtr conn, virDomainPtr dom, const std::string& vm, const Volume& src, const std::string& target) {
    const bool qemu = std::string_view(virConnectGetType(conn) ? virConnectGetType(conn) : "") == "QEMU";
    std::string disk = fmt::format("<disk type='{}' device='disk'>", xml::escape(src.type));
    if (qemu) disk += fmt::format("<driver name='qemu' type='{}'/>", xml::escape(src.format.empty() ? "raw" : src.format));
    if (src.type == "volume") {
        const auto slash = src.path.find('/');
        disk += fmt::format("<source pool='{}' volume='{}'/>", xml::escape(src.path.substr(0, slash)),
                            xml::escape(src.path.substr(slash + 1)));
    } else {
        disk += fmt::format("<source {}='{}'/>", src.type == "block" ? "dev" : "file", xml::escape(src.path));
    }
    disk += fmt::format("<target dev='{}' bus='{}'/></disk>", xml::escape(target), bus_for_target(target));
    const bool active = virDomainIsActive(dom) == 1;
    const bool persistent = virDomainIsPersistent(dom) == 1;
    const unsigned flags = (active ? VIR_DOMAIN_AFFECT_LIVE : 0) | (persistent ? VIR_DOMAIN_AFFECT_CONFIG : 0);
    if (virDomainAttachDeviceFlags(dom, disk.c_str(), flags) == 0) return {};
    if (!no_support() || !persistent) raise("volume attach", vm + " " + target);
    reset_error();
    xml::Document doc(domain_xml(dom, VIR_DOMAIN_XML_INACTIVE | VIR_DOMAIN_XML_SECURE, vm));
    if (!doc.append("devices", disk))
        throw Error(ErrorKind::failed, "volume attach", vm + " " + target, "the VM's definition is not XML vmctl can edit");
    redefine(conn, doc.markup(), vm);
    return {active ? "the driver cannot hot-plug disks: added it to the persistent definition (the guest sees it after a restart)"
                   : "the driver cannot attach devices: added the disk to the persistent definition"};
}

Applied detach(virConnectPtr conn, virDomainPtr dom, const std::string& vm, const Volume& disk) {
    const bool active = virDomainIsActive(dom) == 1;
    const bool persistent = virDomainIsPersistent(dom) == 1;
    const xml::Document doc(domain_xml(dom, disk.live && active ? 0 : VIR_DOMAIN_XML_INACTIVE, vm));
    const auto element = disk_element(doc, disk.target);
    const unsigned flags = (disk.live && active ? VIR_DOMAIN_AFFECT_LIVE : 0) |
                           (disk.config && persistent ? VIR_DOMAIN_AFFECT_CONFIG : 0);
    if (virDomainDetachDeviceFlags(dom, element ? element->markup().c_str() : "", flags) == 0) return {};
    if (!no_support() || !disk.config || !persistent) raise("volume detach", vm + " " + disk.target);
    reset_error();
    xml::Document conf(domain_xml(dom, VIR_DOMAIN_XML_INACTIVE | VIR_DOMAIN_XML_SECURE, vm));
    const auto el = disk_element(conf, disk.target);
    if (!el) throw Error(ErrorKind::not_found, "volume detach", vm + " " + disk.target, "not in the persistent definition");
    conf.remove(*el);
    redefine(conn, conf.markup(), vm);
    return {disk.live ? "the driver cannot hot-unplug disks: removed it from the persistent definition (the guest keeps it until it stops)"
                      : "the driver cannot detach devices: removed the disk from the persistent definition"};
}

Applied resize(virConnectPtr conn, virDomainPtr dom, const std::string& vm, const Volume& disk, std::uint64_t bytes,
               bool shrink) {
    const auto input = vm + " " + disk.target;
    if (disk.live && virDomainIsActive(dom) == 1) {
        if (virDomainBlockResize(dom, disk.target.c_str(), bytes, VIR_DOMAIN_BLOCK_RESIZE_BYTES) < 0) raise("volume resize", input);
        return {};
    }
    auto vol = lookup_volume(conn, disk.path);
    if (!vol) {
        reset_error();
        throw Error(ErrorKind::conflict, "volume resize", input,
                    fmt::format("{} is in no libvirt storage pool, so it can only be resized while the VM runs; define a "
                                "pool for its folder or start the VM",
                                disk.path));
    }
    if (virStorageVolResize(vol.get(), bytes, shrink ? VIR_STORAGE_VOL_RESIZE_SHRINK : 0) < 0) raise("volume resize", input);
    return {};
}

}  // namespace opskit::vm::lv
