#!/usr/bin/env bats
# vmctl across processes against a private libvirtd (test driver) with a holder connection,
# as a script or cron job would use it: idempotent stop, snapshot/revert rules, destroy ->
# start refused -> recover, delayed expunge with a kept data volume, selectors, bulk exit
# codes, locks, dry runs, output formats and completion of VM and snapshot names.
load helpers
load vm_daemon

setup_file() {
    [[ $EUID -eq 0 ]] || return 0
    export VMD_FILE_DIR=$(mktemp -d /tmp/vmd.XXXXXX)
    vm_daemon_start "$VMD_FILE_DIR" secret storage 2>"$BATS_FILE_TMPDIR/why" || true
}

teardown_file() {
    VMD_DIR=${VMD_FILE_DIR:-} vm_daemon_stop
}

setup() {
    hermetic_setup
    [[ $EUID -eq 0 ]] || skip "needs root to run a private libvirtd"
    VMD_DIR=$VMD_FILE_DIR
    VMD_SOCK=$VMD_DIR/run/libvirt-sock
    [[ -S $VMD_SOCK ]] || skip "private libvirtd not available: $(cat "$BATS_FILE_TMPDIR/why")"
    export VMCTL_CONNECT="test+unix:///default?socket=$VMD_SOCK"
    vm_holder_start "$VMCTL_CONNECT" || fail "holder connection failed"
    D=$OPSKIT_SOURCE_DIR/tests/data/vm
    v() { virsh -q -c "$VMCTL_CONNECT" "$@"; }
    v define "$D/web1.xml" >/dev/null
    v start web1 >/dev/null
    for vol in db1-root.img db1-data.img db1-logs.img; do v vol-create-as default-pool "$vol" 64M >/dev/null; done
    v define "$D/db1.xml" >/dev/null
}

teardown() {
    vm_holder_stop   # the test driver forgets everything: the next test starts fresh
}

jqr() { jq -r "$@" <<<"$output"; }

@test "stop twice: both exit 0, the second with changed false; status says Stopped" {
    run -0 --separate-stderr vmctl -o json stop web1
    [[ $(jqr '.[0].changed') == true ]]
    [[ $(jqr '.[0].from_state') == Running ]]
    [[ $(jqr '.[0].to_state') == Stopped ]]
    [[ -z $stderr ]]
    run -0 --separate-stderr vmctl -o json stop web1
    [[ $(jqr '.[0].changed') == false ]]
    [[ $(jqr '.[0].detail') == "already stopped" ]]
    run -0 --separate-stderr vmctl -o json status web1
    [[ $(jqr '.state') == Stopped ]]
    [[ $(jqr '.reason') == shutdown ]]
}

@test "snapshot story: create, revert refused while Running (5), stop, revert, start" {
    run -0 --separate-stderr vmctl -o json snapshot create web1 s1 --description "before upgrade"
    [[ $(jqr '.snapshot.name') == s1 ]]
    [[ $(jqr '.detail') == *"disk-only snapshots not supported"* ]]
    run -0 vmctl -o json snapshot list web1
    [[ $(jqr '.[0].description') == "before upgrade" ]]
    run -5 --separate-stderr vmctl snapshot revert web1 s1
    [[ -z $output ]]
    [[ $stderr == "vmctl: error: snapshot revert (web1 s1): VM is Running; stop it before reverting" ]]
    run -5 --separate-stderr vmctl snapshot create web1 s1
    [[ $stderr == *"already exists"* ]]
    run -0 vmctl stop web1
    run -0 --separate-stderr vmctl -o json snapshot revert web1 s1 --stopped
    [[ $(jqr '.to_state') == Stopped ]]
    run -0 --separate-stderr vmctl -o json start web1
    [[ $(jqr '.[0].to_state') == Running ]]
    run -4 --separate-stderr vmctl snapshot revert web1 nope
    [[ $stderr == *"snapshot (web1 nope)"* ]]
    run -5 --separate-stderr vmctl snapshot create web1 s2 --quiesce
    [[ $stderr == *"guest agent"* ]]
    run -0 --separate-stderr vmctl -o json snapshot delete web1 s1
    [[ $(jqr '.snapshots_deleted[0]') == s1 ]]
}

@test "destroy -> start refused (5) -> recover -> Stopped -> start; the record is in the domain XML" {
    run -0 --separate-stderr vmctl -o json destroy db1
    [[ $(jqr '.[0].to_state') == Destroyed ]]
    [[ $(jqr '.[0].expunge_at') != null ]]
    run -0 virsh -q -c "$VMCTL_CONNECT" dumpxml --inactive db1
    [[ $output == *"urn:opskit:vmctl:1"* ]]
    run -5 --separate-stderr vmctl -o json start db1
    [[ $(jqr '.[0].error.kind') == conflict ]]
    [[ $stderr == *"recover it first"* ]]
    run -0 vmctl -o json list
    [[ $(jqr '[.[].name] | index("db1")') == null ]]
    run -0 vmctl -o json list --all
    [[ $(jqr '.[] | select(.name=="db1") | .state') == Destroyed ]]
    run -0 --separate-stderr vmctl -o json recover db1
    [[ $(jqr '.[0].to_state') == Stopped ]]
    run -0 vmctl -o json status db1
    [[ $(jqr '.state') == Stopped ]]
    [[ $(jqr '.expunge_at') == null ]]
    run -5 vmctl recover db1
    run -0 --separate-stderr vmctl -o json start db1
    [[ $(jqr '.[0].to_state') == Running ]]
    run -0 virsh -q -c "$VMCTL_CONNECT" dumpxml --inactive db1
    [[ $output != *"urn:opskit:vmctl:1"* ]] || fail "the destroy record outlived recover"
}

@test "destroy with a 1 s delay, expunge --due: gone, root and chosen volume deleted, kept one reported" {
    # web1 destroyed with an hour to go is not due; db1 with 1 s is, once the second is up.
    VMCTL_EXPUNGE_DELAY=1h run -0 --separate-stderr vmctl -o json destroy web1
    run -0 --separate-stderr vmctl -o json expunge --due
    [[ $(jqr 'length') == 0 ]]
    VMCTL_EXPUNGE_DELAY=1s run -0 --separate-stderr vmctl -o json destroy db1 --delete-volumes vdb --yes
    sleep 1.1
    run -0 --separate-stderr vmctl -o json expunge --due
    [[ $(jqr 'length') == 1 ]]
    [[ $(jqr '.[0].name') == db1 ]]
    [[ $(jqr '.[0].to_state') == Expunged ]]
    [[ $(jqr '[.[0].volumes_deleted[].target] | join(",")') == vda,vdb ]]
    [[ $(jqr '.[0].volumes_kept[0].target') == vdc ]]
    [[ $(jqr '.[0].volumes_kept[0].path') == /default-pool/db1-logs.img ]]
    run -4 vmctl status db1
    run -0 --separate-stderr vmctl -o json status web1
    [[ $(jqr '.state') == Destroyed ]]
    run -0 virsh -q -c "$VMCTL_CONNECT" vol-list default-pool
    [[ $output == *db1-logs.img* ]]
    [[ $output != *db1-root.img* && $output != *db1-data.img* ]]
}

@test "irreversible operations need --yes (exit 2) and change nothing" {
    run -2 --separate-stderr vmctl destroy db1 --expunge
    [[ $stderr == *"--yes"* ]]
    run -2 --separate-stderr vmctl destroy db1 --delete-all-volumes
    run -0 vmctl destroy db1
    run -2 --separate-stderr vmctl expunge db1
    [[ $stderr == "vmctl: error: expunge (db1): irreversible; add --yes to confirm" ]]
    run -0 vmctl -o json status db1
    [[ $(jqr '.state') == Destroyed ]]
    run -0 --separate-stderr vmctl -o json expunge db1 --yes
    [[ $(jqr '.[0].to_state') == Expunged ]]
}

@test "dry runs report the plan and change nothing" {
    run -0 --separate-stderr vmctl -o json stop web1 --dry-run
    [[ $(jqr '.[0].dry_run') == true ]]
    [[ $(jqr '.[0].to_state') == Stopped ]]
    run -0 --separate-stderr vmctl -o json destroy db1 --expunge --yes --delete-all-volumes --dry-run
    [[ $(jqr '.[0].volumes_to_delete | length') == 3 ]]
    run -0 vmctl -o json list --all
    [[ $(jqr '.[] | select(.name=="web1") | .state') == Running ]]
    [[ $(jqr '.[] | select(.name=="db1") | .state') == Stopped ]]
}

@test "globs, --state, --parallel and the most severe exit code of a bulk run" {
    for n in 1 2 3; do
        sed "s/web1/batch-$n/" "$D/web1.xml" > "$T/b$n.xml"
        virsh -q -c "$VMCTL_CONNECT" define "$T/b$n.xml" >/dev/null
    done
    run -0 --separate-stderr vmctl -o json start 'batch-*' --parallel 3
    [[ $(jqr '[.[] | select(.changed)] | length') == 3 ]]
    run -0 vmctl -o json list --state Running
    [[ $(jqr 'length') == 5 ]]   # web1, batch-1..3 and the driver's own "test"
    run -4 --separate-stderr vmctl -o json stop 'batch-*' ghost
    [[ $(jqr 'length') == 4 ]]
    [[ $(jqr '.[3].error.kind') == not_found ]]
    [[ $(count_lines "$stderr") == 1 ]]
    run -5 --separate-stderr vmctl -o json reboot 'batch-*' nope-not-glob
    [[ $(jqr '[.[] | select(.error.kind=="conflict")] | length') == 3 ]]
    run -4 --separate-stderr vmctl stop 'zzz*'
    [[ $stderr == *"(zzz*): no VM matches"* ]]
    run -2 --separate-stderr vmctl stop
    run -2 --separate-stderr vmctl list --state Sleeping
    [[ $stderr == *"(Sleeping)"* ]]
}

@test "a VM whose lock is held is busy (6); others proceed" {
    mkdir -p "$OPSKIT_LOCK_DIR"
    flock "$OPSKIT_LOCK_DIR/vmctl.web1.lock" sleep 20 &
    holder=$!
    for i in $(seq 1 50); do [[ -e $OPSKIT_LOCK_DIR/vmctl.web1.lock ]] && break; sleep 0.05; done
    run -6 --separate-stderr vmctl -o json stop web1 db1
    kill "$holder"; wait "$holder" 2>/dev/null || true
    [[ $(jqr '.[0].error.kind') == busy ]]
    [[ $(jqr '.[1].changed') == false ]]
    run -0 vmctl -o json status web1
    [[ $(jqr '.state') == Running ]]
}

@test "wait, --no-wait and forced stop" {
    run -0 --separate-stderr vmctl -o json stop web1 --force
    [[ $(jqr '.[0].forced') == true ]]
    run -0 --separate-stderr vmctl -o json wait web1 --state Stopped --timeout 5s
    [[ $(jqr '.to_state') == Stopped ]]
    run -8 --separate-stderr vmctl wait web1 --state Running --timeout 0.3s
    [[ $stderr == *"still Stopped"* ]]
    run -0 vmctl start web1 --no-wait
    run -0 vmctl -o yaml status web1
    [[ $output == *"state: Running"* ]]
}

@test "table output and an unreachable daemon (7)" {
    run -0 --separate-stderr vmctl list
    [[ ${lines[0]} == NAME* ]]
    [[ $output == *web1*Running* ]]
    run -7 --separate-stderr vmctl -c "test+unix:///default?socket=$T/none" list
    [[ $stderr == "vmctl: error: cannot connect to libvirt (test+unix:///default?socket=$T/none):"* ]]
    # a missing node file: our one line, not libxml2's "I/O warning" first
    run -7 --separate-stderr vmctl -c "test://$T/no-such-node.xml" list
    [[ $stderr == "vmctl: error: cannot connect to libvirt (test://$T/no-such-node.xml): node file $T/no-such-node.xml: No such file or directory" ]] ||
        fail "$stderr"
    [[ -z $output ]]
}

@test "completion offers VM names and the snapshot names of the VM typed" {
    run -0 vmctl snapshot create web1 snapA
    run -0 vmctl __complete -- stop w
    [[ $output == web1 ]]
    run -0 vmctl __complete -- snapshot revert web1 ""
    [[ $output == snapA ]]
    run -0 vmctl __complete -- snapshot delete ""
    [[ $output == *db1* && $output == *web1* ]]
    run -0 vmctl __complete -- stop --state R
    [[ $output == Running ]]
}
