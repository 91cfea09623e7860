// The libvirt backend: vmctl's Backend interface over the libvirt C API, built as its own
// library (libopskit-vm-libvirt) that libopskit-vm loads on the first open_libvirt(), so a
// vmctl run that never talks to libvirt (--version, -h, config) does not load its ~50
// shared libraries. One connection per
// process (libvirt connections are thread-safe, so --parallel shares it). Flags that a driver
// does not take (the test driver takes only 0 for shutdown, no DISK_ONLY snapshots, no NVRAM
// undefine) are retried in a weaker form and the fallback is reported, never hidden.
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include <fmt/format.h>

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "destroy_record.hpp"
#include "domains.hpp"
#include "error.hpp"
#include "volumes.hpp"
#include "opskit/vm/backend.hpp"
#include "power.hpp"
#include "xml_doc.hpp"

namespace opskit::vm {
namespace {

using Domain = std::shared_ptr<virDomain>;
struct SnapFree {
    void operator()(virDomainSnapshotPtr s) const { virDomainSnapshotFree(s); }
};
using Snap = std::unique_ptr<virDomainSnapshot, SnapFree>;
using Vol = lv::StorageVol;

std::string take(char* s) {
    std::string out = s ? s : "";
    std::free(s);
    return out;
}

SnapshotInfo parse_snapshot(const std::string& doc, bool current) {
    SnapshotInfo s;
    const xml::Document parsed(doc);
    const auto root = parsed.root();
    // Only the snapshot's own children: the embedded <domain> has names and descriptions too.
    const auto field = [&](std::string_view name) -> std::optional<xml::Element> {
        return root ? root->child(name) : std::nullopt;
    };
    if (auto n = field("name")) s.name = n->text();
    if (auto p = field("parent"))
        if (auto n = p->child("name")) s.parent = n->text();
    if (auto d = field("description")) s.description = d->text();
    if (auto st = field("state")) s.vm_state = st->text();
    if (auto ct = field("creationTime")) {
        const auto secs = std::strtoll(ct->text().c_str(), nullptr, 10);
        if (secs > 0) s.created = from_epoch_ms(secs * 1000);
    }
    std::string mem = "internal";
    if (auto m = field("memory")) mem = m->attr("snapshot").value_or("internal");
    s.memory = (s.vm_state == "running" || s.vm_state == "paused" || s.vm_state == "blocked") && mem != "no";
    s.current = current;
    return s;
}

// test:///PATH names a node file. libxml2 would print its own "I/O warning" for a
// missing or unreadable one before libvirt's error: say it once, in our words, instead.
void check_test_node_file(const std::string& uri) {
    constexpr std::string_view scheme = "test://";
    if (!uri.starts_with(scheme)) return;
    const std::string path = uri.substr(scheme.size(), uri.find('?') - scheme.size());
    if (path.empty() || path == "/default" || path.front() != '/') return;
    if (::access(path.c_str(), R_OK) != 0)
        throw Error(ErrorKind::unavailable, "cannot connect to libvirt", uri,
                    fmt::format("node file {}: {}", path, std::strerror(errno)));
}

class LibvirtBackend final : public Backend {
public:
    explicit LibvirtBackend(const std::string& uri) : m_uri(uri) {
        lv::install_error_handler();
        check_test_node_file(uri);
        m_conn = virConnectOpen(uri.empty() ? nullptr : uri.c_str());
        if (!m_conn) {
            // Whatever libvirt's reason (socket, driver, auth, bad node file), the backend is unavailable.
            const Error e = lv::last_error("cannot connect to libvirt", uri.empty() ? "default URI" : uri);
            throw Error(ErrorKind::unavailable, e.what());
        }
        if (m_uri.empty()) m_uri = take(virConnectGetURI(m_conn));
    }
    ~LibvirtBackend() override {
        m_domains.clear();
        if (m_conn) virConnectClose(m_conn);
    }
    LibvirtBackend(const LibvirtBackend&) = delete;
    LibvirtBackend& operator=(const LibvirtBackend&) = delete;

    std::string location() const override { return m_uri; }

    bool alive() override { return virConnectIsAlive(m_conn) == 1; }

    HostFacts facts() override {
        HostFacts f;
        if (const char* t = virConnectGetType(m_conn)) f.hypervisor = t;
        const auto version = [](unsigned long v) {
            return fmt::format("{}.{}.{}", v / 1000000, (v / 1000) % 1000, v % 1000);
        };
        unsigned long v = 0;
        if (virConnectGetVersion(m_conn, &v) == 0) f.hypervisor_version = version(v);
        if (virConnectGetLibVersion(m_conn, &v) == 0) f.libvirt_version = version(v);
        lv::reset_error();
        return f;
    }

    std::vector<VmInfo> list() override { return describe_all(true); }
    std::vector<VmInfo> list_states() override { return describe_all(false); }

    std::vector<std::string> names() override {
        std::vector<std::string> out;
        for_each_domain([&](const lv::KnownDomain& k) { out.push_back(k.name); });
        return out;
    }

    VmInfo info(const std::string& vm) override { return describe(known(vm), true); }
    VmInfo state(const std::string& vm) override { return describe(known(vm), false); }
    PowerState power(const std::string& vm) override {
        VmInfo info;
        read_state(lookup(vm).get(), info, vm);
        return info.power;
    }

    void start(const std::string& vm) override {
        auto d = lookup(vm);
        if (virDomainCreate(d.get()) < 0) lv::raise("start", vm);
    }

    Applied request_shutdown(const std::string& vm) override {
        auto d = lookup(vm);
        if (!m_no_power_button_shutdown) {
            if (virDomainShutdownFlags(d.get(), VIR_DOMAIN_SHUTDOWN_ACPI_POWER_BTN) == 0) return {};
            if (!lv::unsupported_flags()) lv::raise("shutdown request", vm);
            lv::reset_error();
            m_no_power_button_shutdown = true;  // the driver's answer holds for every VM on it
        }
        if (virDomainShutdownFlags(d.get(), 0) < 0) lv::raise("shutdown request", vm);
        return {"power button flag not supported: sent the driver's default shutdown"};
    }

    void power_off(const std::string& vm) override {
        auto d = lookup(vm);
        if (virDomainDestroy(d.get()) < 0) lv::raise("power off", vm);
    }

    Applied request_reboot(const std::string& vm) override {
        auto d = lookup(vm);
        if (!m_no_power_button_reboot) {
            if (virDomainReboot(d.get(), VIR_DOMAIN_REBOOT_ACPI_POWER_BTN) == 0) return {};
            if (!lv::unsupported_flags()) lv::raise("reboot request", vm);
            lv::reset_error();
            m_no_power_button_reboot = true;
        }
        if (virDomainReboot(d.get(), 0) < 0) lv::raise("reboot request", vm);
        return {"power button flag not supported: sent the driver's default reboot"};
    }

    void reset(const std::string& vm) override {
        auto d = lookup(vm);
        if (virDomainReset(d.get(), 0) < 0) lv::raise("reset", vm);
    }

    std::vector<SnapshotInfo> snapshots(const std::string& vm) override {
        auto d = lookup(vm);
        virDomainSnapshotPtr* snaps = nullptr;
        const int n = virDomainListAllSnapshots(d.get(), &snaps, 0);
        if (n < 0) lv::raise("list snapshots", vm);
        std::vector<Snap> owned;
        for (int i = 0; i < n; ++i) owned.emplace_back(snaps[i]);
        std::free(snaps);
        std::vector<SnapshotInfo> out;
        for (auto& s : owned) {
            const std::string doc = take(virDomainSnapshotGetXMLDesc(s.get(), 0));
            if (doc.empty()) lv::raise("read snapshot", vm);
            out.push_back(parse_snapshot(doc, virDomainSnapshotIsCurrent(s.get(), 0) == 1));
        }
        return out;
    }

    std::pair<SnapshotInfo, Applied> create_snapshot(const std::string& vm, const SnapshotRequest& request) override {
        auto d = lookup(vm);
        int state = 0, reason = 0;
        if (virDomainGetState(d.get(), &state, &reason, 0) < 0) lv::raise("read state", vm);
        const bool running = state != VIR_DOMAIN_SHUTOFF;
        std::string doc = "<domainsnapshot><name>" + xml::escape(request.name) + "</name>";
        if (!request.description.empty()) doc += "<description>" + xml::escape(request.description) + "</description>";
        doc += "</domainsnapshot>";
        unsigned flags = 0;
        if (request.quiesce) flags |= VIR_DOMAIN_SNAPSHOT_CREATE_QUIESCE;
        // A running VM without --memory: a disk-only, atomic snapshot (storage-based, as on Mold).
        if (running && !request.memory) flags |= VIR_DOMAIN_SNAPSHOT_CREATE_DISK_ONLY | VIR_DOMAIN_SNAPSHOT_CREATE_ATOMIC;
        Applied applied;
        virDomainSnapshotPtr s = virDomainSnapshotCreateXML(d.get(), doc.c_str(), flags);
        if (!s && (flags & VIR_DOMAIN_SNAPSHOT_CREATE_DISK_ONLY) && lv::unsupported_flags()) {
            lv::reset_error();
            flags &= ~static_cast<unsigned>(VIR_DOMAIN_SNAPSHOT_CREATE_DISK_ONLY | VIR_DOMAIN_SNAPSHOT_CREATE_ATOMIC);
            applied.fallback = "disk-only snapshots not supported: took a full snapshot";
            s = virDomainSnapshotCreateXML(d.get(), doc.c_str(), flags);
        }
        if (!s) lv::raise("snapshot create", vm + " " + request.name);
        Snap owned(s);
        const std::string xml_doc = take(virDomainSnapshotGetXMLDesc(s, 0));
        return {parse_snapshot(xml_doc, virDomainSnapshotIsCurrent(s, 0) == 1), applied};
    }

    Applied revert_snapshot(const std::string& vm, const std::string& snapshot, RevertEnd end) override {
        auto d = lookup(vm);
        auto s = lookup_snapshot(d.get(), vm, snapshot);
        const unsigned flags = end == RevertEnd::running ? VIR_DOMAIN_SNAPSHOT_REVERT_RUNNING : 0;
        if (virDomainRevertToSnapshot(s.get(), flags) < 0) lv::raise("snapshot revert", vm + " " + snapshot);
        Applied applied;
        int state = 0, reason = 0;
        if (virDomainGetState(d.get(), &state, &reason, 0) < 0) lv::raise("read state", vm);
        if (end == RevertEnd::running && state == VIR_DOMAIN_SHUTOFF) {
            // Some drivers (test driver 9.0) accept REVERT_RUNNING for an inactive snapshot
            // but leave the domain off: start it ourselves.
            if (virDomainCreate(d.get()) < 0) lv::raise("start after revert", vm);
            applied.fallback = "driver left the VM off after a running revert: started it";
        } else if (end == RevertEnd::stopped && state != VIR_DOMAIN_SHUTOFF) {
            if (virDomainDestroy(d.get()) < 0) lv::raise("power off after revert", vm);
            applied.fallback = "snapshot holds a running VM: powered off after revert (--stopped)";
        }
        return applied;
    }

    void delete_snapshot(const std::string& vm, const std::string& snapshot, bool children) override {
        auto d = lookup(vm);
        auto s = lookup_snapshot(d.get(), vm, snapshot);
        if (virDomainSnapshotDelete(s.get(), children ? VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN : 0) < 0)
            lv::raise("snapshot delete", vm + " " + snapshot);
    }

    bool guest_agent_connected(const std::string& vm) override {
        auto d = lookup(vm);
        const xml::Document doc(take(virDomainGetXMLDesc(d.get(), 0)));
        for (const auto& ch : doc.all("channel"))
            if (auto t = ch.child("target"); t && t->attr("name").value_or("") == "org.qemu.guest_agent.0" &&
                                             t->attr("state").value_or("") == "connected")
                return true;
        return false;
    }

    void set_record(const std::string& vm, const std::optional<DestroyRecord>& record) override {
        auto d = lookup(vm);
        const std::string doc = record ? record_to_xml(*record) : std::string();
        const unsigned flags = virDomainIsPersistent(d.get()) == 1 ? VIR_DOMAIN_AFFECT_CONFIG : VIR_DOMAIN_AFFECT_CURRENT;
        if (virDomainSetMetadata(d.get(), VIR_DOMAIN_METADATA_ELEMENT, record ? doc.c_str() : nullptr,
                                 record ? metadata_prefix : nullptr, metadata_ns, flags) < 0)
            lv::raise(record ? "write destroy record" : "remove destroy record", vm);
    }

    std::vector<Volume> volumes(const std::string& vm) override {
        auto d = lookup(vm);
        const std::string doc = take(virDomainGetXMLDesc(d.get(), VIR_DOMAIN_XML_INACTIVE));
        if (doc.empty()) lv::raise("read definition", vm);
        auto out = lv::parse_disks(doc);
        for (std::size_t i = 0; i < out.size(); ++i) {
            out[i].root = i == 0;
            out[i].managed = static_cast<bool>(lookup_volume(out[i]));
            lv::reset_error();
        }
        return out;
    }

    Applied undefine(const std::string& vm) override {
        auto d = lookup(vm);
        m_domains.forget(vm);
        const unsigned base = VIR_DOMAIN_UNDEFINE_MANAGED_SAVE | VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA;
        if (virDomainUndefineFlags(d.get(), base | VIR_DOMAIN_UNDEFINE_NVRAM | VIR_DOMAIN_UNDEFINE_CHECKPOINTS_METADATA) == 0)
            return {};
        if (!lv::unsupported_flags()) lv::raise("undefine", vm);
        lv::reset_error();
        if (virDomainUndefineFlags(d.get(), base) < 0) lv::raise("undefine", vm);
        return {"nvram/checkpoint undefine flags not supported: undefined with snapshot metadata and managed save only"};
    }

    void delete_volume(const std::string& vm, const Volume& volume) override {
        auto v = lookup_volume(volume);
        if (!v) lv::raise("delete volume", fmt::format("{} {} {}", vm, volume.target, volume.path));
        if (virStorageVolDelete(v.get(), 0) < 0)
            lv::raise("delete volume", fmt::format("{} {} {}", vm, volume.target, volume.path));
    }

    std::vector<Volume> disks(const std::string& vm) override { return lv::disks(m_conn, lookup(vm).get(), vm); }
    Volume resolve_source(const std::string& source) override { return lv::resolve_source(m_conn, source); }
    Applied attach_volume(const std::string& vm, const Volume& source, const std::string& target) override {
        return lv::attach(m_conn, lookup(vm).get(), vm, source, target);
    }
    Applied detach_volume(const std::string& vm, const Volume& disk) override {
        return lv::detach(m_conn, lookup(vm).get(), vm, disk);
    }
    Applied resize_volume(const std::string& vm, const Volume& disk, std::uint64_t bytes, bool shrink) override {
        return lv::resize(m_conn, lookup(vm).get(), vm, disk, bytes, shrink);
    }

private:
    // Persistent and transient VMs listed apart: the listing answers "persistent?" for every
    // VM in two round trips instead of one per VM. A VM that changes kind between the two
    // calls shows once (the first listing's answer).
    std::vector<VmInfo> describe_all(bool full) {
        std::vector<VmInfo> out;
        std::set<std::string> seen;
        for (const bool persistent : {true, false})
            for (const auto& [k, st] : list_domains(persistent))
                if (seen.insert(k.name).second) out.push_back(describe(k, full, st));
        return out;
    }

    using StateReason = std::optional<std::pair<int, int>>;

    // One listing of the persistent or the transient VMs, each with its power state when
    // the driver gives every VM's in the same round trip (virConnectGetAllDomainStats);
    // where it does not, the VMs are listed alone and describe() asks each one.
    std::vector<std::pair<lv::KnownDomain, StateReason>> list_domains(bool persistent) {
        std::vector<std::pair<lv::KnownDomain, StateReason>> out;
        const unsigned kind = persistent ? VIR_CONNECT_LIST_DOMAINS_PERSISTENT : VIR_CONNECT_LIST_DOMAINS_TRANSIENT;
        if (!m_no_state_stats) {
            virDomainStatsRecordPtr* stats = nullptr;
            const int n = virConnectGetAllDomainStats(m_conn, VIR_DOMAIN_STATS_STATE, &stats, kind);
            if (n >= 0) {
                for (int i = 0; i < n; ++i) {
                    int state = 0, reason = 0;
                    StateReason st;
                    if (lv::stats_state(*stats[i], state, reason)) st.emplace(state, reason);
                    // The cache takes a reference of its own: the list's goes with the list.
                    virDomainRef(stats[i]->dom);
                    out.emplace_back(m_domains.adopt(stats[i]->dom, persistent), st);
                }
                virDomainStatsRecordListFree(stats);
                return out;
            }
            if (!lv::unsupported_flags()) lv::raise("list domains", m_uri);
            lv::reset_error();
            m_no_state_stats = true;  // the driver's answer holds for the connection
        }
        for_each_domain([&](const lv::KnownDomain& k) { out.emplace_back(k, std::nullopt); }, kind, persistent);
        return out;
    }

    template <typename F>
    void for_each_domain(F&& f, unsigned flags = 0, std::optional<bool> persistent = std::nullopt) {
        virDomainPtr* doms = nullptr;
        const int n = virConnectListAllDomains(m_conn, &doms, flags);
        if (n < 0) lv::raise("list domains", m_uri);
        std::vector<lv::KnownDomain> listed;
        for (int i = 0; i < n; ++i) listed.push_back(m_domains.adopt(doms[i], persistent));
        std::free(doms);
        for (const auto& k : listed) f(k);
    }

    // The VM from the cache, else looked up by name (a round trip) and kept.
    lv::KnownDomain known(const std::string& vm) {
        if (auto k = m_domains.find(vm)) return *k;
        virDomainPtr d = virDomainLookupByName(m_conn, vm.c_str());
        if (!d) {
            if (lv::last_error_code() == VIR_ERR_NO_DOMAIN) {
                lv::reset_error();
                throw Error(ErrorKind::not_found, "VM", vm, fmt::format("no such domain on {}", m_uri));
            }
            lv::raise("look up VM", vm);
        }
        return m_domains.adopt(d, std::nullopt);
    }
    Domain lookup(const std::string& vm) { return known(vm).dom; }

    Snap lookup_snapshot(virDomainPtr d, const std::string& vm, const std::string& name) {
        virDomainSnapshotPtr s = virDomainSnapshotLookupByName(d, name.c_str(), 0);
        if (!s) {
            if (lv::last_error_code() == VIR_ERR_NO_DOMAIN_SNAPSHOT) {
                lv::reset_error();
                throw Error(ErrorKind::not_found, "snapshot", vm + " " + name, "no snapshot with this name");
            }
            lv::raise("look up snapshot", vm + " " + name);
        }
        return Snap(s);
    }

    Vol lookup_volume(const Volume& v) { return lv::lookup_volume(m_conn, v.path); }

    void read_state(virDomainPtr d, VmInfo& info, const std::string& vm) {
        int state = 0, reason = 0;
        if (virDomainGetState(d, &state, &reason, 0) < 0) lv::raise("read state", vm);
        lv::set_power(info, state, reason);
    }

    /// `full` adds what only listings and `show` print (vCPUs, memory, snapshot count): two
    /// round trips a poll or a selection does not need. `st` is the power state when a
    /// listing already read it; persistence is asked only when no listing told it.
    VmInfo describe(const lv::KnownDomain& k, bool full, const StateReason& st = std::nullopt) {
        virDomainPtr d = k.dom.get();
        VmInfo info;
        info.name = k.name;
        info.uuid = k.uuid;
        if (st) lv::set_power(info, st->first, st->second);
        else read_state(d, info, k.name);
        if (full) {
            virDomainInfo di{};
            if (virDomainGetInfo(d, &di) == 0) {
                info.vcpus = di.nrVirtCpu;
                info.memory_bytes = static_cast<std::uint64_t>(di.maxMem) * 1024u;
            } else {
                lv::reset_error();
            }
            const int n = virDomainSnapshotNum(d, 0);
            info.snapshots = n < 0 ? 0 : n;
        }
        if (k.persistent) {
            info.persistent = *k.persistent;
        } else {
            info.persistent = virDomainIsPersistent(d) == 1;
            m_domains.set_persistent(k.name, info.persistent);
        }
        const unsigned flags = info.persistent ? VIR_DOMAIN_AFFECT_CONFIG : VIR_DOMAIN_AFFECT_CURRENT;
        if (char* md = virDomainGetMetadata(d, VIR_DOMAIN_METADATA_ELEMENT, metadata_ns, flags)) {
            info.record = record_from_xml(take(md));
        }
        lv::reset_error();
        return info;
    }

    std::string m_uri;
    virConnectPtr m_conn = nullptr;
    lv::Domains m_domains;
    std::atomic<bool> m_no_state_stats{false};
    std::atomic<bool> m_no_power_button_shutdown{false};
    std::atomic<bool> m_no_power_button_reboot{false};
};

}  // namespace

}  // namespace opskit::vm

// The plugin's one entry point, looked up by name by open_libvirt() in libopskit-vm
// (lib/src/vm/libvirt_plugin.cpp). Errors leave as opskit::Error exceptions: both sides
// share one libstdc++.
extern "C" opskit::vm::Backend* opskit_vm_libvirt_open(const std::string& uri) {
    // libvirt's remote driver writes to its socket without MSG_NOSIGNAL: a daemon that dies
    // mid-run would kill the whole process with SIGPIPE, taking every other host's results
    // with it. Ignored, the write fails with EPIPE and only that host's VMs report it.
    static std::once_flag sigpipe_ignored;
    std::call_once(sigpipe_ignored, [] { std::signal(SIGPIPE, SIG_IGN); });
    return new opskit::vm::LibvirtBackend(uri);
}
