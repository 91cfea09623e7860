#!/usr/bin/env bats
# vmctl against a real hypervisor: a private libvirtd with the qemu driver running a tiny
# QEMU/TCG domain (64 MiB, no guest OS, so it ignores the ACPI power button). Shows the
# graceful-stop deadline (exit 8, still Running), the escalation (--force-on-timeout →
# Stopped, "forced": true), reboot --force and an internal snapshot revert.
#
# The daemon runs in its own mount namespace (vm_daemon.bash): a private /etc/libvirt with
# our qemu.conf (user=root, no security driver, no cgroups, stdio_handler=file) and empty
# state folders, so the host's libvirt configuration is never touched. What the suite
# creates (the libvirt-qemu user if missing, the daemon and qemu processes) is removed in
# teardown_file whatever happened.
load helpers
load vm_daemon
load vm_qemu

setup_file() {
    export TCG_WHY=$(vm_qemu_why_not)
    [[ -z $TCG_WHY ]] || return 0
    export TCG_DIR=$(mktemp -d /tmp/vmtcg.XXXXXX)
    vm_qemu_daemon_start "$TCG_DIR"
    export TCG_NAME="vmctl-tcg-$(basename "$TCG_DIR" | tr -dc 'a-zA-Z0-9')"
    [[ -S $TCG_DIR/d/run/libvirt-sock ]] || return 0
    export VMCTL_CONNECT="qemu+unix:///system?socket=$TCG_DIR/d/run/libvirt-sock"
    qemu-img create -q -f qcow2 "$TCG_DIR/tiny.qcow2" 16M
    vm_qemu_domain_xml "$TCG_NAME" "$TCG_DIR/tiny.qcow2" > "$TCG_DIR/tiny.xml"
    virsh -q -c "$VMCTL_CONNECT" define "$TCG_DIR/tiny.xml" >"$TCG_DIR/define.log" 2>&1 || echo "define failed: $(cat "$TCG_DIR/define.log")" >> "$TCG_DIR/why"
}

teardown_file() {
    [[ -n ${TCG_DIR:-} && -d $TCG_DIR ]] || return 0
    if [[ -S $TCG_DIR/d/run/libvirt-sock ]]; then
        virsh -q -c "$VMCTL_CONNECT" destroy "$TCG_NAME" >/dev/null 2>&1 || true
        virsh -q -c "$VMCTL_CONNECT" undefine --snapshots-metadata "$TCG_NAME" >/dev/null 2>&1 || true
    fi
    vm_qemu_daemon_stop "$TCG_DIR" "$TCG_NAME"
}

setup() {
    hermetic_setup
    [[ -z $TCG_WHY ]] || skip "$TCG_WHY"
    [[ -S $TCG_DIR/d/run/libvirt-sock ]] || skip "private libvirtd with the qemu driver did not start: $(cat "$TCG_DIR/why")"
    grep -q "define failed" "$TCG_DIR/why" && skip "$(cat "$TCG_DIR/why")"
    true
}

jqr() { jq -r "$@" <<<"$output"; }
vstate() { vmctl -o json status "$TCG_NAME" | jq -r .state; }

@test "tcg: start the guest-less domain" {
    run -0 --separate-stderr vmctl -o json start "$TCG_NAME"
    [[ $(jqr '.[0].to_state') == Running ]]
}

@test "tcg: graceful stop times out (exit 8) and the VM is still Running" {
    run -8 --separate-stderr vmctl -o json stop "$TCG_NAME" --timeout 5s
    [[ $(jqr '.[0].error.kind') == timeout ]]
    [[ $(jqr '.[0].forced') == false ]]
    [[ $(jqr '.[0].to_state') == Running ]]
    [[ $stderr == *"still Running after a 5s graceful stop"* ]]
    [[ $(vstate) == Running ]]
}

@test "tcg: reboot --force resets the running VM" {
    run -0 --separate-stderr vmctl -o json reboot "$TCG_NAME" --force
    [[ $(jqr '.[0].forced') == true ]]
    [[ $(jqr '.[0].to_state') == Running ]]
}

@test "tcg: an internal snapshot with memory reverts (VM Stopped first)" {
    run -0 --separate-stderr vmctl -o json snapshot create "$TCG_NAME" s-int --memory
    [[ $(jqr '.snapshot.memory') == true ]]
    [[ $(jqr '.detail') == null ]]
    run -5 vmctl snapshot revert "$TCG_NAME" s-int
    run -0 vmctl stop "$TCG_NAME" --force
    run -0 --separate-stderr vmctl -o json snapshot revert "$TCG_NAME" s-int
    [[ $(jqr '.to_state') == Running ]]
    run -0 vmctl -o json status "$TCG_NAME"
    [[ $(jqr '.reason') == "from snapshot" ]]
    run -0 vmctl snapshot delete "$TCG_NAME" s-int
}

@test "tcg: stop --force-on-timeout escalates: Stopped with forced true" {
    [[ $(vstate) == Running ]] || vmctl start "$TCG_NAME"
    run -0 --separate-stderr vmctl -o json stop "$TCG_NAME" --timeout 5s --force-on-timeout
    [[ $(jqr '.[0].forced') == true ]]
    [[ $(jqr '.[0].to_state') == Stopped ]]
    [[ $(jqr '.[0].detail') == *"powered off"* ]]
    [[ $(vstate) == Stopped ]]
}
