#!/usr/bin/env bats
# bkctl backup/restore/delete/list against the dsmc simulator, in file mode on a regular
# file (runs without root): round trip with checksums, the argv dsmc received, verdicts and
# exit codes (warning 3, failure 1, dsmc missing 7, timeout 8, busy 6, not found 4, usage 2),
# hooks, dry-run, and the audit line.
load helpers
load bkctl_common

setup() { bkctl_setup; }
teardown() { kill_sim_group; }

@test "file mode round trip: backup, overwrite, restore, sha256 equal" {
    before=$(sha256sum < "$T/vol.img")
    run -0 --separate-stderr bkctl -o json backup "$T/vol.img" --id r1
    [[ $(jq -r .verdict <<<"$output") == success ]]
    [[ $(jq -r .mode <<<"$output") == file ]]
    [[ $(jq -r .link.path <<<"$output") == "$T/dev/backup-r1" ]]
    [[ $(jq -r .link.removed <<<"$output") == true ]]
    [[ $(jq -r .return_code <<<"$output") == 0 ]]
    [[ $(jq -r '.report.summaries[-1].objects_backed_up' <<<"$output") == 1 ]]
    [[ ! -e $T/dev/backup-r1 ]]
    head -c 1048576 /dev/zero > "$T/vol.img"
    [[ $(sha256sum < "$T/vol.img") != "$before" ]]
    run -0 --separate-stderr bkctl -o json restore "$T/vol.img" --id r1
    [[ $(jq -r .verdict <<<"$output") == success ]]
    [[ $(jq -r '.report.summaries[-1].objects_restored' <<<"$output") == 1 ]]
    [[ $(sha256sum < "$T/vol.img") == "$before" ]]
    [[ ! -e $T/dev/backup-r1 ]]
    [[ $(find "$T/dev" -mindepth 1 | wc -l) -eq 0 ]]
}

@test "dsmc gets the seed's argv plus forced formats, LC_ALL=C, no password env" {
    BKCTL_PASSWORD=pw-in-env run -0 bkctl backup "$T/vol.img" --id a1 --no-compression
    line=$(tail -n 1 "$BKCTL_SIM_DIR/calls.log")
    [[ $(jq -c '.argv[1:]' <<<"$line") == "[\"selective\",\"-quiet\",\"-compression=no\",\"-dateformat=3\",\"-timeformat=1\",\"-numberformat=1\",\"-password=pw-in-env\",\"$T/dev/backup-a1\"]" ]]
    [[ $(jq -r .lc_all <<<"$line") == C ]]
    [[ $(jq -r .bkctl_password_env <<<"$line") == false ]]
    [[ $(jq -r .stdin_is_tty <<<"$line") == false ]]
}

@test "table output shows key figures; --quiet prints nothing on success" {
    run -0 --separate-stderr bkctl backup "$T/vol.img" --id t1
    [[ $output == *"verdict"*"success"* ]]
    [[ $output == *"objects_backed_up"* ]]
    run -0 --separate-stderr bkctl -q backup "$T/vol.img" --id t2
    [[ -z $output && -z $stderr ]]
}

@test "dry-run prints the plan and changes nothing" {
    run -0 --separate-stderr bkctl -o json backup "$T/vol.img" --id d1 --dry-run
    [[ $(jq -r .dry_run <<<"$output") == true ]]
    [[ $(jq -r '.argv[1]' <<<"$output") == selective ]]
    [[ ! -e $BKCTL_SIM_DIR/calls.log ]]
    [[ $(find "$T/dev" -mindepth 1 | wc -l) -eq 0 ]]
    [[ ! -e $T/audit.log ]]
}

@test "list shows the backups with their ids; delete needs --yes; then they are gone" {
    run -0 bkctl backup "$T/vol.img" --id l1
    run -0 bkctl backup "$T/vol.img" --id l2
    run -0 bkctl backup "$T/vol.img" --id l2
    run -0 --separate-stderr bkctl -o json list --mode file
    [[ $(jq -r '[.[].backup_id] | sort | unique | join(",")' <<<"$output") == "l1,l2" ]]
    [[ $(jq -r '[.[] | select(.backup_id == "l2")] | length' <<<"$output") == 2 ]]
    [[ $(jq -r '[.[] | select(.active == true)] | length' <<<"$output") == 2 ]]
    [[ $(jq -r '.[0].size_bytes' <<<"$output") == 1048576 ]]
    run -2 --separate-stderr bkctl delete --id l2 --mode file
    [[ $stderr == *"--yes"* ]]
    run -0 --separate-stderr bkctl -o json delete --id l2 --mode file --yes
    [[ $(jq -r '.report.summaries[-1].objects_deleted' <<<"$output") == 2 ]]
    run -0 --separate-stderr bkctl -o json list --mode file
    [[ $(jq -r '[.[].backup_id] | unique | join(",")' <<<"$output") == "l1" ]]
    run -4 --separate-stderr bkctl delete --id l2 --mode file --yes
    [[ $stderr == "" ]]
    grep -q 'op=delete .*outcome=success' "$T/audit.log"
}

@test "restore of an id the server does not hold exits 4" {
    run -4 --separate-stderr bkctl -o json restore "$T/vol.img" --id never
    [[ $(jq -r '.report.messages[0].code' <<<"$output") == ANS1345E ]]
    [[ ! -e $T/dev/backup-never ]]
}

@test "injected failure (ANS1228E + ANS1063E, rc 12) exits 1 and is audited" {
    echo fail > "$BKCTL_SIM_DIR/next"
    run -1 --separate-stderr bkctl -o json backup "$T/vol.img" --id f1
    [[ $(jq -r .verdict <<<"$output") == error ]]
    [[ $(jq -r .return_code <<<"$output") == 12 ]]
    [[ $(jq -r '[.report.messages[].code] | join(",")' <<<"$output") == "ANS1228E,ANS1063E" ]]
    [[ $(jq -r '.report.messages[0].severity' <<<"$output") == error ]]
    [[ ! -e $T/dev/backup-f1 ]]
    grep -q "op=backup object=$T/vol.img outcome=error" "$T/audit.log"
}

@test "rc 8 from dsmc is a warning (exit 3)" {
    echo rc=8 > "$BKCTL_SIM_DIR/next"
    run -3 --separate-stderr bkctl -o json backup "$T/vol.img" --id w1
    [[ $(jq -r .verdict <<<"$output") == warning ]]
}

@test "-quiet hiding the summary with rc 0 is success" {
    echo quiet > "$BKCTL_SIM_DIR/next"
    run -0 --separate-stderr bkctl -o json backup "$T/vol.img" --id q1
    [[ $(jq -r '.report.summaries | length' <<<"$output") == 0 ]]
    [[ $(jq -r .reason <<<"$output") == *quiet* ]]
}

@test "a password prompt cannot block: stdin is closed, dsmc fails with ANS2050E" {
    echo prompt > "$BKCTL_SIM_DIR/next"
    run -1 --separate-stderr bkctl -o json backup "$T/vol.img" --id p1
    [[ $(jq -r '.report.messages[0].code' <<<"$output") == ANS2050E ]]
}

@test "dsmc missing exits 7 and leaves nothing" {
    run -7 --separate-stderr bkctl backup "$T/vol.img" --id m1 --dsmc /nonexistent/dsmc
    [[ $stderr == "bkctl: error: dsmc not found (/nonexistent/dsmc): "* ]]
    [[ $(find "$T/dev" -mindepth 1 | wc -l) -eq 0 ]]
    BKCTL_DSMC=no-such-dsmc-here run -7 bkctl list
}

@test "timeout kills dsmc's process group and exits 8; the link is gone" {
    echo hang > "$BKCTL_SIM_DIR/next"
    run -8 --separate-stderr bkctl backup "$T/vol.img" --id to1 --timeout 1
    [[ $stderr == *"dsmc timed out"* ]]
    pgid=$(jq -r .pgid "$BKCTL_SIM_DIR/hang.json")
    child=$(jq -r .child "$BKCTL_SIM_DIR/hang.json")
    ! kill -0 -- "-$pgid" 2>/dev/null
    ! kill -0 "$child" 2>/dev/null
    [[ ! -e $T/dev/backup-to1 ]]
    grep -q "outcome=timeout" "$T/audit.log"
}

@test "a second run on the same device is busy (exit 6)" {
    echo hang > "$BKCTL_SIM_DIR/next"
    bkctl backup "$T/vol.img" --id b1 --timeout 20 2>/dev/null &
    pid=$!
    wait_for "$BKCTL_SIM_DIR/hang.json"
    run -6 --separate-stderr bkctl backup "$T/vol.img" --id b2
    [[ $stderr == *"is busy"* ]]
    [[ ! -e $T/dev/backup-b2 ]]
    kill -TERM "$pid"
    wait "$pid" || true
    [[ ! -e $T/dev/backup-b1 ]]
}

@test "device errors: missing 4, directory 2, character device 2, block device in file mode 2" {
    run -4 --separate-stderr bkctl backup "$T/missing.img" --id e1
    [[ $stderr == "bkctl: error: device not found ($T/missing.img): no such file or device" ]]
    run -2 --separate-stderr bkctl backup "$T" --id e1
    [[ $stderr == *"a directory"* ]]
    run -2 --separate-stderr bkctl backup /dev/null --id e1
    [[ $stderr == *"a character device"* ]]
    run -2 --separate-stderr bkctl backup "$T/vol.img" --id e1 --mode image
    [[ $stderr == *"a regular file"* ]]
    run -4 bkctl backup UUID=00000000-0000-0000-0000-00000000beef --id e1
    [[ ! -e $BKCTL_SIM_DIR/calls.log ]]
}

@test "hooks: pre and post see the device, id and phase; failing pre aborts before dsmc; failing post warns" {
    cat > "$T/hook" <<'SH'
#!/bin/sh
echo "$BKCTL_PHASE $BKCTL_DEVICE $BKCTL_BACKUP_ID" >> "$HOOK_LOG"
exit "${HOOK_RC:-0}"
SH
    chmod +x "$T/hook"
    export HOOK_LOG="$T/hook.log"
    run -0 bkctl backup "$T/vol.img" --id h1 --pre "$T/hook" --post "$T/hook"
    [[ $(cat "$T/hook.log") == "pre $T/vol.img h1"$'\n'"post $T/vol.img h1" ]]
    calls=$(wc -l < "$BKCTL_SIM_DIR/calls.log")
    HOOK_RC=5 run -1 --separate-stderr bkctl backup "$T/vol.img" --id h2 --pre "$T/hook"
    [[ $stderr == *"pre-hook failed"* ]]
    [[ $(wc -l < "$BKCTL_SIM_DIR/calls.log") -eq $calls ]]
    [[ ! -e $T/dev/backup-h2 ]]
    HOOK_RC=5 run -3 --separate-stderr bkctl -o json backup "$T/vol.img" --id h3 --post "$T/hook"
    [[ $(jq -r .reason <<<"$output") == "post-hook failed with exit code 5" ]]
    run -2 --separate-stderr bkctl backup "$T/vol.img" --id h4 --pre "'unterminated"
    [[ $stderr == *"unterminated quote"* ]]
}

@test "hooks come from config too (cron lines stay short)" {
    user_config <<EOF2
bkctl:
  pre_hook: "sh -c 'echo pre-from-config > $T/pre.out'"
EOF2
    run -0 bkctl backup "$T/vol.img" --id c1
    [[ $(cat "$T/pre.out") == pre-from-config ]]
}

@test "completion: verbs, options, modes, and devices of this machine" {
    run -0 bkctl __complete -- ""
    for verb in resolve backup restore delete list parse sweep; do
        grep -qx "$verb" <<<"$output" || fail "verb $verb not offered"
    done
    run -0 bkctl __complete -- backup --p
    [[ $output == *--prefix* && $output == *--password-file* && $output == *--pre* && $output == *--post* ]]
    run -0 bkctl __complete -- backup --mode ""
    [[ $output == "auto"$'\n'"image"$'\n'"file" ]]
    [[ -d /sys/class/block ]] || skip "no /sys/class/block here"
    first=$(ls /sys/class/block | head -n 1)
    run -0 bkctl __complete -- resolve ""
    grep -qx "/dev/$first" <<<"$output" || fail "/dev/$first not offered: $output"
}

@test "resolve: a regular file is refused without --allow-file; tags work through the blkid cache" {
    PATH=$PATH:/usr/sbin:/sbin
    command -v mkfs.ext4 >/dev/null && command -v blkid >/dev/null || skip "mkfs.ext4 or blkid missing"
    truncate -s 8M "$T/fs.img"
    mkfs.ext4 -q -F -L bkres "$T/fs.img"
    run -2 --separate-stderr bkctl resolve "$T/fs.img"
    [[ $stderr == "bkctl: error: not a block device ($T/fs.img): a regular file"* ]]
    run -4 --separate-stderr bkctl resolve --allow-file LABEL=bkres
    # libblkid verifies cached regular files, and finds their tags, only for root
    ((EUID == 0)) || skip "tag lookup of a regular file through the blkid cache needs root"
    blkid "$T/fs.img" >/dev/null    # seeds the private cache named by BLKID_FILE
    run -0 --separate-stderr bkctl -o json resolve --allow-file LABEL=bkres "$T/fs.img"
    [[ $(jq -r '.[0].path' <<<"$output") == "$T/fs.img" ]]
    [[ $(jq -r '.[0].via' <<<"$output") == tag ]]
    [[ $(jq -r '.[1].probed.LABEL' <<<"$output") == bkres ]]
    [[ $(jq -r '.[1].kind' <<<"$output") == file ]]
}
