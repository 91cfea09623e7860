// vmctl snapshot create|list|revert|delete: VM snapshots with Mold's rules (unique name,
// memory only when Running, quiesce only with a connected guest agent, revert only when
// Stopped). The VM is `VM` or `HOST:VM` on a fleet. VM and snapshot names complete from
// the hosts.
#include "commands.hpp"

namespace opskit::vmctl {
namespace {

void complete_vm_then_snapshot(CLI::App* cmd, cli::Context& ctx, const std::string& sub) {
    complete_vm_then(cmd, ctx, "snapshot", sub, [](vm::Backend& b, const std::string& vm) {
        std::vector<std::string> out;
        for (const auto& s : b.snapshots(vm)) out.push_back(s.name);
        return out;
    });
}

}  // namespace

void set_snapshot_command(CLI::App* snap, cli::Context& ctx) {
    auto* create = snap->add_subcommand("create", "take a snapshot of a Running or Stopped VM");
    struct CreateOpts {
        std::string vm;
        vm::SnapshotRequest req;
        bool dry_run = false;
    };
    auto c = std::make_shared<CreateOpts>();
    create->add_option("vm", c->vm, "the VM")->required();
    create->add_option("name", c->req.name, "snapshot name (unique per VM, at most 255 characters)")->required();
    create->add_option("--description", c->req.description, "free text (at most 255 characters)");
    create->add_flag("--memory", c->req.memory, "include guest memory (VM must be Running)");
    create->add_flag("--quiesce", c->req.quiesce, "freeze guest filesystems (needs a connected guest agent)");
    create->add_flag("--dry-run", c->dry_run, "report what would be done, change nothing");
    complete_vm_then_snapshot(create, ctx, "create");
    ctx.on(create, [&ctx, c] {
        const auto one = locate(ctx, c->vm);
        auto life = one.lifecycle({c->dry_run, true});
        return one.result(life.snapshot_create(one.target.name, c->req));
    });

    auto* list = snap->add_subcommand("list", "list a VM's snapshots");
    auto l = std::make_shared<std::string>();
    list->add_option("vm", *l, "the VM")->required();
    ctx.complete_positional(list, [&ctx] { return complete_vm_names(ctx); });
    ctx.on(list, [&ctx, l] {
        const auto one = locate(ctx, *l);
        Result r;
        r.value = Json::array();
        for (const auto& s : one.backend().snapshots(one.target.name)) r.value.push_back(vm::snapshot_json(s));
        Json rows = r.value;
        for (auto& row : rows)
            for (auto& [k, v] : row.items())
                if (v.is_null()) v = "";
        r.table_value = rows;
        r.columns = {{"name", ""}, {"parent", ""}, {"vm_state", "VM_STATE"}, {"memory", ""},
                     {"current", ""}, {"created", ""}, {"description", ""}};
        return r;
    });

    auto* revert = snap->add_subcommand("revert", "revert a Stopped VM to a snapshot");
    struct RevertOpts {
        std::string vm, name;
        bool start = false, stopped = false, dry_run = false;
    };
    auto rv = std::make_shared<RevertOpts>();
    revert->add_option("vm", rv->vm, "the VM")->required();
    revert->add_option("name", rv->name, "the snapshot")->required();
    auto* st = revert->add_flag("--start", rv->start, "start the VM afterwards");
    auto* sp = revert->add_flag("--stopped", rv->stopped, "leave the VM Stopped afterwards");
    st->excludes(sp);
    revert->add_flag("--dry-run", rv->dry_run, "report what would be done, change nothing");
    complete_vm_then_snapshot(revert, ctx, "revert");
    ctx.on(revert, [&ctx, rv] {
        const auto end = rv->start ? vm::RevertEnd::running : rv->stopped ? vm::RevertEnd::stopped : vm::RevertEnd::as_recorded;
        const auto one = locate(ctx, rv->vm);
        auto life = one.lifecycle({rv->dry_run, true});
        return one.result(life.snapshot_revert(one.target.name, rv->name, end));
    });

    auto* del = snap->add_subcommand("delete", "delete a snapshot (and with --children its descendants)");
    struct DeleteOpts {
        std::string vm, name;
        bool children = false, dry_run = false;
    };
    auto d = std::make_shared<DeleteOpts>();
    del->add_option("vm", d->vm, "the VM")->required();
    del->add_option("name", d->name, "the snapshot")->required();
    del->add_flag("--children", d->children, "also delete every descendant");
    del->add_flag("--dry-run", d->dry_run, "report what would be done, change nothing");
    complete_vm_then_snapshot(del, ctx, "delete");
    ctx.on(del, [&ctx, d] {
        const auto one = locate(ctx, d->vm);
        auto life = one.lifecycle({d->dry_run, true});
        return one.result(life.snapshot_delete(one.target.name, d->name, d->children));
    });
}

}  // namespace opskit::vmctl
