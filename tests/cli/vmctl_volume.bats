#!/usr/bin/env bats
# vmctl volume list|attach|detach|resize against a private libvirtd with the qemu and storage
# drivers: a QEMU domain (never booted for the stopped stories; started under TCG with no
# guest OS for the live one), a dir storage pool in our own folder, file-backed images.
# Covers pool and path sources, idempotent re-runs, Mold's snapshot guard (exit 5 with its
# message), the shrink and unpooled-resize refusals, bad input, output formats and target
# completion. The daemon and everything it made are removed in teardown_file.
load helpers
load vm_daemon
load vm_qemu

setup_file() {
    export VOL_WHY=$(vm_qemu_why_not)
    [[ -z $VOL_WHY ]] || return 0
    export VOL_DIR=$(mktemp -d /tmp/vmvol.XXXXXX)
    mkdir -p "$VOL_DIR/pool"
    vm_qemu_daemon_start "$VOL_DIR"
    [[ -S $VOL_DIR/d/run/libvirt-sock ]] || return 0
    export VMCTL_CONNECT="qemu+unix:///system?socket=$VOL_DIR/d/run/libvirt-sock"
    export VOL_NAME="vmctl-vol-$(basename "$VOL_DIR" | tr -dc 'a-zA-Z0-9')"
    virsh -q -c "$VMCTL_CONNECT" pool-define-as vpool dir --target "$VOL_DIR/pool" >/dev/null 2>>"$VOL_DIR/why" &&
        virsh -q -c "$VMCTL_CONNECT" pool-start vpool >/dev/null 2>>"$VOL_DIR/why" || echo "pool failed" >> "$VOL_DIR/why"
}

teardown_file() {
    vm_qemu_daemon_stop "${VOL_DIR:-}" "${VOL_NAME:-none}"
}

setup() {
    hermetic_setup
    [[ -z $VOL_WHY ]] || skip "$VOL_WHY"
    [[ -S $VOL_DIR/d/run/libvirt-sock ]] || skip "private libvirtd with the qemu and storage drivers did not start: $(cat "$VOL_DIR/why")"
    grep -q "pool failed" "$VOL_DIR/why" && skip "dir storage pool could not be created: $(cat "$VOL_DIR/why")"
    v() { virsh -q -c "$VMCTL_CONNECT" "$@"; }
    W=$VOL_DIR/w$BATS_SUITE_TEST_NUMBER
    mkdir -p "$W"
    qemu-img create -q -f qcow2 "$W/root.qcow2" 16M
    vm_qemu_domain_xml "$VOL_NAME" "$W/root.qcow2" > "$W/vm.xml"
    v define "$W/vm.xml" >/dev/null
    v vol-create-as vpool "data$BATS_SUITE_TEST_NUMBER.qcow2" 32M --format qcow2 >/dev/null
    DATA=vpool/data$BATS_SUITE_TEST_NUMBER.qcow2
}

teardown() {
    [[ -n ${VOL_DIR:-} && -S $VOL_DIR/d/run/libvirt-sock ]] || return 0
    virsh -q -c "$VMCTL_CONNECT" destroy "$VOL_NAME" >/dev/null 2>&1 || true
    virsh -q -c "$VMCTL_CONNECT" undefine --snapshots-metadata "$VOL_NAME" >/dev/null 2>&1 || true
    virsh -q -c "$VMCTL_CONNECT" vol-delete --pool vpool "data$BATS_SUITE_TEST_NUMBER.qcow2" >/dev/null 2>&1 || true
}

jqr() { jq -r "$@" <<<"$output"; }

@test "volume on a Stopped VM: list, attach pool volume and path, idempotent re-run, resize, detach" {
    run -0 --separate-stderr vmctl -o json volume list "$VOL_NAME"
    [[ $(jqr 'length') == 1 ]]
    [[ $(jqr '.[0].target + " " + .[0].format + " " + (.[0].root|tostring)') == "vda qcow2 true" ]]

    run -0 --separate-stderr vmctl -o json volume attach "$VOL_NAME" "$DATA"
    [[ -z $stderr ]]
    [[ $(jqr '.changed') == true ]]
    [[ $(jqr '.volume.target') == vdb ]]
    [[ $(jqr '.volume.path') == "$VOL_DIR/pool/data$BATS_SUITE_TEST_NUMBER.qcow2" ]]
    [[ $(jqr '.volume.managed') == true ]]
    [[ $(jqr '.volume.format') == qcow2 ]]
    [[ $(jqr '.volume.config') == true && $(jqr '.volume.live') == false ]]
    [[ $(jqr '.detail') == null ]]   # a real attach, no fallback
    virsh -q -c "$VMCTL_CONNECT" domblklist --inactive "$VOL_NAME" | grep -q "^ *vdb .*data$BATS_SUITE_TEST_NUMBER.qcow2"

    run -0 --separate-stderr vmctl -o json volume attach "$VOL_NAME" "$DATA"
    [[ $(jqr '.changed') == false ]]
    [[ $(jqr '.detail') == "already attached as vdb" ]]

    qemu-img create -q -f raw "$W/extra.raw" 16M
    run -0 --separate-stderr vmctl -o json volume attach "$VOL_NAME" "$W/extra.raw" --target vdc
    [[ $(jqr '.volume.managed') == false ]]
    [[ $(jqr '.volume.format') == raw ]]
    [[ $(jqr '.volume.capacity_bytes') == 16777216 ]]

    run -0 --separate-stderr vmctl -o json volume resize "$VOL_NAME" vdb 64M
    [[ $(jqr '.changed') == true ]]
    [[ $(jqr '.from_bytes') == 33554432 && $(jqr '.to_bytes') == 67108864 ]]
    [[ $(virsh -q -c "$VMCTL_CONNECT" vol-info --bytes --pool vpool "data$BATS_SUITE_TEST_NUMBER.qcow2" | awk '/Capacity/ {print $2}') == 67108864 ]]
    run -0 --separate-stderr vmctl -o json volume resize "$VOL_NAME" vdb 64MiB
    [[ $(jqr '.changed') == false ]]

    run -0 vmctl volume list "$VOL_NAME"
    [[ $output == *TARGET* && $output == *"64.0 MiB"* && $output == *vdc* ]]
    run -0 vmctl -o yaml volume list "$VOL_NAME"
    [[ $output == *"target: vdb"* ]]

    run -0 --separate-stderr vmctl -o json volume detach "$VOL_NAME" vdc
    [[ $(jqr '.volume.target') == vdc ]]
    [[ -f $W/extra.raw ]]   # detach keeps the storage
    run -4 --separate-stderr vmctl volume detach "$VOL_NAME" vdc
    [[ $stderr == "vmctl: error: volume target ($VOL_NAME vdc): the VM has no disk with this target (see vmctl volume list)" ]]
}

@test "Mold's guard: attach, detach and resize refused (exit 5) while the VM has a snapshot" {
    run -0 vmctl volume attach "$VOL_NAME" "$DATA"
    run -0 --separate-stderr vmctl snapshot create "$VOL_NAME" s1
    qemu-img create -q -f raw "$W/more.raw" 1M
    run -5 --separate-stderr vmctl volume attach "$VOL_NAME" "$W/more.raw" --target vdc
    [[ -z $output ]]
    [[ $stderr == "vmctl: error: volume attach ($VOL_NAME $W/more.raw): Unable to attach volume, please specify a VM that does not have VM snapshots ($VOL_NAME has 1 snapshot: see vmctl snapshot list $VOL_NAME)" ]]
    run -5 --separate-stderr vmctl volume detach "$VOL_NAME" vdb
    [[ $stderr == "vmctl: error: volume detach ($VOL_NAME vdb): Unable to detach volume, please specify a VM that does not have VM snapshots"* ]]
    run -5 --separate-stderr vmctl -o json volume resize "$VOL_NAME" vdb 1G
    [[ -z $output ]]
    [[ $stderr == *"A volume that is attached to a VM with any VM snapshots cannot be resized."* ]]
    [[ $(wc -l <<<"$stderr") == 1 ]]
    run -0 vmctl -o json volume list "$VOL_NAME"
    [[ $(jqr 'length') == 2 ]]   # nothing changed
    run -0 vmctl snapshot delete "$VOL_NAME" s1
    run -0 --separate-stderr vmctl -o json volume detach "$VOL_NAME" vdb
    [[ $(jqr '.changed') == true ]]
}

@test "bad input: unknown VM 4, bad target 2, taken target 5, bad size 2, shrink 5, missing file 4, unpooled resize 5" {
    run -4 --separate-stderr vmctl volume list nope-vm
    [[ $stderr == "vmctl: error: VM (nope-vm): "* ]]
    run -2 --separate-stderr vmctl volume attach "$VOL_NAME" "$DATA" --target vd9
    [[ $stderr == *"volume target (vd9): expected vd, sd, hd or xvd"* ]]
    run -5 --separate-stderr vmctl volume attach "$VOL_NAME" "$DATA" --target vda
    [[ $stderr == *"target already in use by $W/root.qcow2"* ]]
    run -2 --separate-stderr vmctl volume attach "$VOL_NAME" disk.img
    [[ $stderr == *"expected an absolute /path/to/disk or POOL/VOLUME"* ]]
    run -4 --separate-stderr vmctl volume attach "$VOL_NAME" "$W/missing.img"
    [[ $stderr == "vmctl: error: volume source ($W/missing.img): No such file or directory" ]]
    run -4 vmctl volume attach "$VOL_NAME" nopool/x.img
    run -4 vmctl volume attach "$VOL_NAME" vpool/none.qcow2
    run -2 --separate-stderr vmctl volume resize "$VOL_NAME" vda 10X
    [[ $stderr == "vmctl: error: invalid size (10X): "* ]]
    run -5 --separate-stderr vmctl volume resize "$VOL_NAME" vda 8M
    [[ $stderr == *"shrinking loses data; add --shrink"* ]]
    run -5 --separate-stderr vmctl volume resize "$VOL_NAME" vda 32M
    [[ $stderr == *"is in no libvirt storage pool"* ]]
    run -0 vmctl -o json volume detach "$VOL_NAME" vda --dry-run
    [[ $(jqr '.dry_run') == true ]]
    run -0 vmctl -o json volume list "$VOL_NAME"
    [[ $(jqr 'length') == 1 ]]
    run -0 vmctl __complete -- volume detach "$VOL_NAME" ""
    [[ $output == vda ]]
}

@test "volume on a Running VM: live attach, live resize, root detach refused" {
    run -0 vmctl start "$VOL_NAME"
    run -0 --separate-stderr vmctl -o json volume attach "$VOL_NAME" "$DATA"
    [[ $(jqr '.volume.live') == true && $(jqr '.volume.config') == true ]]
    virsh -q -c "$VMCTL_CONNECT" domblklist "$VOL_NAME" | grep -q "^ *vdb "
    run -0 --separate-stderr vmctl -o json volume resize "$VOL_NAME" vdb 48M
    [[ $(jqr '.changed') == true ]]
    [[ $(jqr '.volume.capacity_bytes') == 50331648 ]]
    run -5 --separate-stderr vmctl volume detach "$VOL_NAME" vda
    [[ $stderr == *"vda is the root disk; it can only be detached while the VM is Stopped"* ]]
    run -0 vmctl stop "$VOL_NAME" --force
}
