#!/usr/bin/env bats
# Image mode on real block devices (root only): a loop device with an ext4 filesystem is
# backed up by UUID= through the simulator, overwritten, restored, and compared by sha256;
# the per-backup link is made in /dev itself (hard links cannot leave devtmpfs). Loop devices
# are detached in teardown, whatever happened.
load helpers
load bkctl_common

setup() {
    require_root "losetup and links in /dev"
    [[ -e /dev/loop-control ]] || skip "no loop device support"
    command -v mkfs.ext4 >/dev/null || skip "mkfs.ext4 missing"
    bkctl_setup
    unset BKCTL_DEV_DIR
    export BKCTL_PREFIX="bkt$$"
    truncate -s 16M "$T/disk.img"
    loop=$(losetup -f --show "$T/disk.img")
    echo "$loop" > "$T/loopdev"
    uuid=$(cat /proc/sys/kernel/random/uuid)
    mkfs.ext4 -q -F -L "bkt$$" -U "$uuid" "$loop"
}

teardown() {
    kill_sim_group
    rm -f /dev/"$BKCTL_PREFIX"-* 2>/dev/null || true
    [[ -e $T/loopdev ]] && losetup -d "$(cat "$T/loopdev")" 2>/dev/null || true
}

@test "resolve shows the loop device by UUID= and LABEL=" {
    run -0 --separate-stderr bkctl -o json resolve "UUID=$uuid" "LABEL=bkt$$" "$loop"
    [[ $(jq -r '[.[].path] | unique | join(",")' <<<"$output") == "$loop" ]]
    [[ $(jq -r '.[0].kind' <<<"$output") == block ]]
    [[ $(jq -r '.[0].devno' <<<"$output") == 7:* ]]
    [[ $(jq -r '.[0].probed.TYPE' <<<"$output") == ext4 ]]
    [[ $(jq -r '.[0].size_bytes' <<<"$output") == 16777216 ]]
}

@test "round trip on a loop device named by UUID=: backup, overwrite, restore, sha256 equal" {
    before=$(sha256sum < "$loop")
    run -0 --separate-stderr bkctl -o json backup "UUID=$uuid" --id loop1
    [[ $(jq -r .mode <<<"$output") == image ]]
    [[ $(jq -r .device.path <<<"$output") == "$loop" ]]
    [[ $(jq -r .link.path <<<"$output") == "/dev/$BKCTL_PREFIX-loop1" ]]
    [[ $(jq -r '.argv[1:3] | join(" ")' <<<"$output") == "backup image" ]]
    [[ ! -e /dev/$BKCTL_PREFIX-loop1 ]]
    run -0 --separate-stderr bkctl -o json list
    [[ $(jq -r '.[0].backup_id' <<<"$output") == loop1 ]]
    dd if=/dev/urandom of="$loop" bs=1M count=16 conv=fsync status=none
    [[ $(sha256sum < "$loop") != "$before" ]]
    # the filesystem is gone, so restore by path
    run -0 --separate-stderr bkctl -o json restore "$loop" --id loop1
    [[ $(jq -r .verdict <<<"$output") == success ]]
    [[ $(sha256sum < "$loop") == "$before" ]]
    [[ ! -e /dev/$BKCTL_PREFIX-loop1 ]]
    run -0 bkctl delete --id loop1 --yes
}

@test "a mknod'ed node and a link folder on the same filesystem work as well" {
    read -r major minor < <(stat -c '%t %T' "$loop" | while read -r a b; do echo $((16#$a)) $((16#$b)); done)
    mknod "$T/node" b "$major" "$minor"
    run -0 --separate-stderr bkctl -o json backup "$T/node" --id node1 --dev-dir "$T/dev"
    [[ $(jq -r .link.path <<<"$output") == "$T/dev/$BKCTL_PREFIX-node1" ]]
    [[ $(find "$T/dev" -mindepth 1 | wc -l) -eq 0 ]]
    # the same device in /dev cannot be linked into $T/dev: other filesystem, exit 2
    run -2 --separate-stderr bkctl backup "$loop" --id node2 --dev-dir "$T/dev"
    [[ $stderr == *"another filesystem"* ]]
}
