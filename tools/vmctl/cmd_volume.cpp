// vmctl volume list|attach|detach|resize: a VM's disks, with Mold's guards (no attach,
// detach or resize while the VM has snapshots). Parsing and printing only; the rules and the
// libvirt calls are in lib/src/vm (lifecycle_volume.cpp, libvirt_volumes.cpp). The VM is `VM`
// or `HOST:VM` on a fleet; VM names and disk targets complete from the hosts.
#include "commands.hpp"

namespace opskit::vmctl {
namespace {

// VM first, then (for detach/resize) one of its disk targets.
void complete_vm_then_target(CLI::App* cmd, cli::Context& ctx, const std::string& sub, bool targets) {
    VmItems disks;
    if (targets)
        disks = [](vm::Backend& b, const std::string& vm) {
            std::vector<std::string> out;
            for (const auto& d : b.disks(vm)) out.push_back(d.target);
            return out;
        };
    complete_vm_then(cmd, ctx, "volume", sub, disks);
}

}  // namespace

void set_volume_command(CLI::App* vol, cli::Context& ctx) {
    auto* list = vol->add_subcommand("list", "list a VM's disks");
    auto l = std::make_shared<std::string>();
    list->add_option("vm", *l, "the VM")->required();
    complete_vm_then_target(list, ctx, "list", false);
    ctx.on(list, [&ctx, l] {
        const auto one = locate(ctx, *l);
        Result r;
        r.value = Json::array();
        Json rows = Json::array();
        for (const auto& d : one.backend().disks(one.target.name)) {
            r.value.push_back(vm::disk_json(d));
            auto row = vm::disk_json(d);
            row["capacity"] = d.capacity ? format_size(*d.capacity) : "";
            for (auto& [k, v] : row.items())
                if (v.is_null()) v = "";
            rows.push_back(row);
        }
        r.table_value = rows;
        r.columns = {{"target", ""}, {"path", ""}, {"type", ""}, {"format", ""}, {"capacity", ""},
                     {"root", ""},   {"managed", ""}, {"live", ""}, {"config", ""}};
        return r;
    });

    auto* attach = vol->add_subcommand("attach", "attach a disk image (path) or POOL/VOLUME to a VM");
    struct AttachOpts {
        std::string vm, source, target;
        bool dry_run = false;
    };
    auto a = std::make_shared<AttachOpts>();
    attach->add_option("vm", a->vm, "the VM")->required();
    attach->add_option("source", a->source, "an absolute path to a disk image, or POOL/VOLUME")->required();
    attach->add_option("--target", a->target, "disk target such as vdb (default: the first free vdX)");
    attach->add_flag("--dry-run", a->dry_run, "report what would be done, change nothing");
    complete_vm_then_target(attach, ctx, "attach", false);
    ctx.on(attach, [&ctx, a] {
        const auto one = locate(ctx, a->vm);
        auto life = one.lifecycle({a->dry_run, true});
        return one.result(life.volume_attach(one.target.name, a->source, a->target));
    });

    auto* detach = vol->add_subcommand("detach", "detach a disk from a VM (its storage is kept)");
    struct DetachOpts {
        std::string vm, target;
        bool dry_run = false;
    };
    auto d = std::make_shared<DetachOpts>();
    detach->add_option("vm", d->vm, "the VM")->required();
    detach->add_option("target", d->target, "the disk target (vdb)")->required();
    detach->add_flag("--dry-run", d->dry_run, "report what would be done, change nothing");
    complete_vm_then_target(detach, ctx, "detach", true);
    ctx.on(detach, [&ctx, d] {
        const auto one = locate(ctx, d->vm);
        auto life = one.lifecycle({d->dry_run, true});
        return one.result(life.volume_detach(one.target.name, d->target));
    });

    auto* resize = vol->add_subcommand("resize", "grow a VM's disk (live while it runs)");
    struct ResizeOpts {
        std::string vm, target, size;
        bool shrink = false, dry_run = false;
    };
    auto z = std::make_shared<ResizeOpts>();
    resize->add_option("vm", z->vm, "the VM")->required();
    resize->add_option("target", z->target, "the disk target (vdb)")->required();
    resize->add_option("size", z->size, "new size: bytes or K, M, G, T (powers of 1024)")->required();
    resize->add_flag("--shrink", z->shrink, "allow a smaller size (loses the data past the end)");
    resize->add_flag("--dry-run", z->dry_run, "report what would be done, change nothing");
    complete_vm_then_target(resize, ctx, "resize", true);
    ctx.on(resize, [&ctx, z] {
        const auto bytes = parse_size(z->size);   // a bad size is a usage error before connecting
        const auto one = locate(ctx, z->vm);
        auto life = one.lifecycle({z->dry_run, true});
        return one.result(life.volume_resize(one.target.name, z->target, bytes, z->shrink));
    });
}

}  // namespace opskit::vmctl
