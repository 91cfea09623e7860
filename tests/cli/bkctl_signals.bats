#!/usr/bin/env bats
# Interrupts while dsmc runs: SIGTERM/SIGINT to bkctl kill dsmc's whole process group,
# remove the per-backup link and re-raise the signal; after kill -9 (no cleanup possible)
# the next `bkctl sweep` removes the link the dead run left.
load helpers
load bkctl_common

setup() { bkctl_setup; }
teardown() { kill_sim_group; }

start_hanging_backup() {
    local id=$1
    shift
    echo hang > "$BKCTL_SIM_DIR/next"
    bkctl backup "$T/vol.img" --id "$id" "$@" 2>"$T/stderr" &
    pid=$!
    wait_for "$BKCTL_SIM_DIR/hang.json"
    pgid=$(jq -r .pgid "$BKCTL_SIM_DIR/hang.json")
    child=$(jq -r .child "$BKCTL_SIM_DIR/hang.json")
    [[ -e $T/dev/backup-$id ]] || fail "no link while dsmc runs"
    kill -0 -- "-$pgid"
}

@test "SIGTERM while the simulator hangs: bkctl exits, the process group is gone, no link" {
    start_hanging_backup sig1
    kill -TERM "$pid"
    status=0
    wait "$pid" || status=$?
    [[ $status -eq 143 ]] || fail "exit status $status, expected 143 (SIGTERM re-raised)"
    ! kill -0 -- "-$pgid" 2>/dev/null || fail "dsmc's process group survived"
    ! kill -0 "$child" 2>/dev/null || fail "dsmc's child survived"
    [[ ! -e $T/dev/backup-sig1 ]] || fail "link left behind"
    grep -q "dsmc interrupted" "$T/stderr"
    grep -q "outcome=failure" "$T/audit.log"
    # nothing for sweep to do
    run -0 --separate-stderr bkctl -o json sweep
    [[ $(jq length <<<"$output") -eq 0 ]]
}

@test "SIGTERM still runs the post-hook that resumes what the pre-hook quiesced" {
    # The hook takes a moment, as resuming a database does: it must not be killed with dsmc.
    cat > "$T/hook" <<'SH'
#!/bin/sh
[ "$BKCTL_PHASE" = post ] && sleep 1
echo "$BKCTL_PHASE $BKCTL_BACKUP_ID done" >> "$HOOK_LOG"
SH
    chmod +x "$T/hook"
    export HOOK_LOG="$T/hook.log"
    start_hanging_backup sig2 --pre "$T/hook" --post "$T/hook"
    kill -TERM "$pid"
    status=0
    wait "$pid" || status=$?
    [[ $status -eq 143 ]] || fail "exit status $status, expected 143"
    [[ $(cat "$T/hook.log") == "pre sig2 done"$'\n'"post sig2 done" ]] || fail "hooks: $(cat "$T/hook.log")"
    ! kill -0 -- "-$pgid" 2>/dev/null || fail "dsmc's process group survived"
    [[ ! -e $T/dev/backup-sig2 ]] || fail "link left behind"
}

@test "SIGINT does the same" {
    start_hanging_backup int1
    kill -INT "$pid"
    status=0
    wait "$pid" || status=$?
    [[ $status -eq 130 ]] || fail "exit status $status"
    ! kill -0 -- "-$pgid" 2>/dev/null
    [[ ! -e $T/dev/backup-int1 ]]
}

@test "kill -9 leaves the link; the next sweep removes it, and keeps live runs' links" {
    start_hanging_backup dead1
    kill -KILL "$pid"
    wait "$pid" || true
    [[ -e $T/dev/backup-dead1 ]]
    kill_sim_group
    run -0 --separate-stderr bkctl -o json sweep --dry-run
    [[ $(jq -r '.[0].action' <<<"$output") == would_remove ]]
    [[ -e $T/dev/backup-dead1 ]]
    rm -f "$BKCTL_SIM_DIR/hang.json"
    start_hanging_backup live1
    run -0 --separate-stderr bkctl -o json sweep
    [[ $(jq -r '.[] | select(.path | endswith("backup-dead1")) | .action' <<<"$output") == removed ]]
    [[ $(jq -r '.[] | select(.path | endswith("backup-live1")) | .action' <<<"$output") == kept ]]
    [[ ! -e $T/dev/backup-dead1 ]]
    [[ -e $T/dev/backup-live1 ]]
    [[ -e $T/vol.img ]]
    grep -q "op=sweep object=$T/dev/backup-dead1 outcome=success" "$T/audit.log"
    kill -TERM "$pid"
    wait "$pid" || true
    [[ ! -e $T/dev/backup-live1 ]]
}
