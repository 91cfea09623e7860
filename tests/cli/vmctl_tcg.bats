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

why_not() {
    [[ $EUID -eq 0 ]] || { echo "needs root (libvirtd with the qemu driver)"; return; }
    command -v qemu-system-x86_64 >/dev/null || { echo "qemu-system-x86 not installed"; return; }
    command -v qemu-img >/dev/null || { echo "qemu-utils not installed"; return; }
    command -v unshare >/dev/null || { echo "unshare not available"; return; }
    [[ -d /etc/libvirt ]] || { echo "/etc/libvirt missing"; return; }
    [[ -e /usr/lib/x86_64-linux-gnu/libvirt/connection-driver/libvirt_driver_qemu.so ]] || { echo "libvirt qemu driver not installed"; return; }
    unshare --mount true 2>/dev/null || { echo "cannot create a mount namespace"; return; }
}

setup_file() {
    export TCG_WHY=$(why_not)
    [[ -z $TCG_WHY ]] || return 0
    export TCG_DIR=$(mktemp -d /tmp/vmtcg.XXXXXX)
    : > "$TCG_DIR/created"
    if ! id libvirt-qemu >/dev/null 2>&1; then
        useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin libvirt-qemu
        echo user >> "$TCG_DIR/created"
    fi
    mkdir -p "$TCG_DIR/d/etc"
    cat > "$TCG_DIR/d/etc/qemu.conf" <<'CONF'
user = "root"
group = "root"
dynamic_ownership = 0
security_driver = "none"
cgroup_controllers = [ ]
stdio_handler = "file"
CONF
    vm_daemon_start "$TCG_DIR/d" qemu storage 2>"$TCG_DIR/why" || true
    export TCG_NAME="vmctl-tcg-$(basename "$TCG_DIR" | tr -dc 'a-zA-Z0-9')"
    [[ -S $TCG_DIR/d/run/libvirt-sock ]] || return 0
    export VMCTL_CONNECT="qemu+unix:///system?socket=$TCG_DIR/d/run/libvirt-sock"
    qemu-img create -q -f qcow2 "$TCG_DIR/tiny.qcow2" 16M
    cat > "$TCG_DIR/tiny.xml" <<XML
<domain type='qemu'>
  <name>$TCG_NAME</name>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <features><acpi/></features>
  <on_reboot>restart</on_reboot>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='$TCG_DIR/tiny.qcow2'/>
      <target dev='vda' bus='virtio'/>
    </disk>
  </devices>
</domain>
XML
    virsh -q -c "$VMCTL_CONNECT" define "$TCG_DIR/tiny.xml" >"$TCG_DIR/define.log" 2>&1 || echo "define failed: $(cat "$TCG_DIR/define.log")" >> "$TCG_DIR/why"
}

teardown_file() {
    [[ -n ${TCG_DIR:-} && -d $TCG_DIR ]] || return 0
    if [[ -S $TCG_DIR/d/run/libvirt-sock ]]; then
        virsh -q -c "$VMCTL_CONNECT" destroy "$TCG_NAME" >/dev/null 2>&1 || true
        virsh -q -c "$VMCTL_CONNECT" undefine --snapshots-metadata "$TCG_NAME" >/dev/null 2>&1 || true
    fi
    VMD_DIR=$TCG_DIR/d vm_daemon_stop
    # A qemu process that outlived its daemon: ours carry our unique guest name.
    local pid
    for pid in $(pgrep -f "guest=$TCG_NAME" || true); do kill -9 "$pid" 2>/dev/null || true; done
    grep -qx user "$TCG_DIR/created" && userdel libvirt-qemu 2>/dev/null || true
    rm -rf "$TCG_DIR"
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
