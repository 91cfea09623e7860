#!/usr/bin/env bats
# The store under concurrent use, as cron jobs and dispatchers share it: 8 crctl processes
# × 200 mixed operations lose nothing and never fail with "database is locked"; writers
# killed with SIGKILL in a loop leave an intact database holding every acknowledged write.
load helpers

setup() {
    hermetic_setup
    export CRCTL_STORE="$T/store/crctl.db"
    command -v sqlite3 >/dev/null || skip "sqlite3 CLI not installed"
}

# worker N OPS: mixed operations; records every acknowledged create in $T/acked.N
worker() {
    local n=$1 ops=$2 i uuid out
    : >"$T/acked.$n"
    for ((i = 0; i < ops; i++)); do
        case $((i % 5)) in
        0 | 1)
            out=$(crctl -o json request create --priority $((i % 7 + 1)) --commit --name "w$n-$i" -- echo "w$n" "$((i % 10))") ||
                { echo "worker $n op $i: create failed" >&2; return 1; }
            [[ $out =~ \"uuid\":\ ?\"([^\"]+)\" ]] || { echo "worker $n op $i: no uuid in $out" >&2; return 1; }
            uuid=${BASH_REMATCH[1]}
            echo "$uuid" >>"$T/acked.$n"
            ;;
        2) crctl -q request list --limit 5 || { echo "worker $n op $i: list failed" >&2; return 1; } ;;
        3)
            [[ -n ${uuid:-} ]] && { crctl -q request update "$uuid" --priority $((i % 9)) ||
                { echo "worker $n op $i: update failed" >&2; return 1; }; }
            ;;
        4) crctl -q container list --queue --limit 3 || { echo "worker $n op $i: container list failed" >&2; return 1; } ;;
        esac
    done
}


@test "8 processes x 200 mixed operations: nothing lost, never 'database is locked'" {
    crctl -q request list  # nothing yet; the store is created by the first write below
    crctl -q request create -- true
    pids=()
    for n in 1 2 3 4 5 6 7 8; do
        worker "$n" 200 2>"$T/err.$n" &
        pids+=($!)
    done
    status=0
    for pid in "${pids[@]}"; do wait "$pid" || status=1; done
    cat "$T"/err.* >&2
    ! grep -qi "locked\|busy" "$T"/err.*
    [[ $status -eq 0 ]]
    acked=$(cat "$T"/acked.* | wc -l)
    (( acked == 8 * 80 ))
    stored=$(sqlite3 "$CRCTL_STORE" "SELECT count(*) FROM container_requests WHERE name LIKE 'w%'")
    [[ $stored -eq $acked ]]
    # every acknowledged uuid is there, committed, with a container
    sort "$T"/acked.* >"$T/acked.all"
    sqlite3 "$CRCTL_STORE" "SELECT uuid FROM container_requests WHERE name LIKE 'w%' AND container_uuid IS NOT NULL" | sort >"$T/stored.all"
    diff "$T/acked.all" "$T/stored.all"
    # identical work was reused: 8 workers x 10 distinct commands = 80 containers at most
    [[ $(sqlite3 "$CRCTL_STORE" "SELECT count(*) FROM containers") -le 80 ]]
    [[ $(sqlite3 "$CRCTL_STORE" "PRAGMA integrity_check") == ok ]]
}

@test "SIGKILL in a loop: integrity_check ok and every acknowledged create is present" {
    crctl -q request create -- true
    : >"$T/acked"
    for round in $(seq 1 12); do
        # The writer runs in its own process group so the kill takes it and its crctl child.
        setsid bash -c '
            for i in $(seq 1 1000); do
                out=$(crctl -o json request create --priority 1 --commit -- echo "k$((i % 4))") || exit 1
                jq -r .uuid <<<"$out" >>"$1"
            done' _ "$T/acked" &
        writer=$!
        sleep "0.$((RANDOM % 4 + 2))"
        kill -KILL -- "-$writer" 2>/dev/null || true
        wait "$writer" 2>/dev/null || true
    done
    [[ $(sqlite3 "$CRCTL_STORE" "PRAGMA integrity_check") == ok ]]
    [[ $(sqlite3 "$CRCTL_STORE" "PRAGMA foreign_key_check" | wc -l) -eq 0 ]]
    acked=$(grep -c . "$T/acked" || true)
    [[ $acked -gt 0 ]]
    while read -r uuid; do
        [[ -z $uuid ]] && continue
        [[ $(sqlite3 "$CRCTL_STORE" "SELECT state FROM container_requests WHERE uuid = '$uuid'") == Committed ]] ||
            fail "acknowledged $uuid missing"
    done <"$T/acked"
    # the store still works after the massacre
    run -0 --separate-stderr crctl -o json request create --priority 1 --commit -- echo after
    jq -e '.state == "Committed"' <<<"$output"
}
