#!/usr/bin/env bats
# crctl dispatch with the host runtime: --once runs the queue by priority and exits; an
# overlapping --once exits 6; a dispatcher killed with -9 leaves an orphan that the next
# pass cancels and retries to Complete; priority 0 stops a running container; --follow stops
# cleanly on SIGTERM; --partition filters.
load helpers
load ../data/cr-dispatch/bwrap-check

setup() { crd_setup; require_bwrap; }

teardown() {
    [[ -n ${bg:-} ]] && kill -9 "$bg" 2>/dev/null || true
}

# Creates and commits a request (priority 500 unless the arguments start with --priority).
submit() {
    local prio=(--priority 500)
    [[ $1 == --priority ]] && prio=()
    crctl -o json request create --image host --commit "${prio[@]}" "$@" | jq -r .uuid
}

@test "dispatch --once runs queued requests, highest priority first, and records results" {
    low=$(submit --priority 1 -- sh -c 'echo low > /out/who; date +%s%N > /out/t')
    high=$(submit --priority 900 -- sh -c 'echo high > /out/who; date +%s%N > /out/t')
    run -0 --separate-stderr crctl -o json dispatch --once --max-parallel 1
    [[ $(jq -r .started <<<"$output") == 2 ]]
    [[ $(jq -r .completed <<<"$output") == 2 ]]
    [[ $(jq -r '.containers[0].uuid' <<<"$output") == $(container_of "$high") ]]
    [[ $(crctl -o json request show "$low" | jq -r .state) == Final ]]
    [[ $(crctl -o json container show "$(container_of "$low")" | jq -r .exit_code) == 0 ]]
    # nothing left: a second pass starts nothing
    run -0 --separate-stderr crctl -o json dispatch --once
    [[ $(jq -r .started <<<"$output") == 0 ]]
}

@test "an overlapping dispatch --once exits 6 at once" {
    req=$(submit -- sleep 5)
    crctl dispatch --once >/dev/null 2>&1 &
    bg=$!
    wait_container_state "$(container_of "$req")" 20 Running
    run -6 --separate-stderr crctl dispatch --once
    [[ $stderr == "crctl: error: "*"dispatcher"* ]] || fail "$stderr"
    crctl request cancel "$req" >/dev/null
    wait "$bg"
    bg=
}

@test "kill -9 of dispatch --follow, then dispatch --once: the orphan is cancelled and retried to Complete" {
    req=$(submit -- sh -c 'if [ -e /tmp/never ]; then :; fi; sleep 2; echo done > /out/x')
    crctl dispatch --follow --poll-interval 0.2 >/dev/null 2>&1 &
    bg=$!
    first=$(container_of "$req")
    wait_container_state "$first" 20 Running
    kill -9 "$bg"
    wait "$bg" || true
    bg=
    run -0 --separate-stderr crctl -o json dispatch --once
    [[ $(jq -r .orphans <<<"$output") == 1 ]]
    [[ $(crctl -o json container show "$first" | jq -r .state) == Cancelled ]]
    crctl -o json container show "$first" | jq -e '.runtime_status.error | contains("gone")' >/dev/null
    second=$(container_of "$req")
    [[ $second != "$first" ]]
    [[ $(crctl -o json container show "$second" | jq -r .state) == Complete ]]
    [[ $(crctl -o json request show "$req" | jq -r .state) == Final ]]
}

@test "priority 0 stops a running container; --follow then stops cleanly on SIGTERM" {
    req=$(submit -- sleep 60)
    crctl dispatch --follow --poll-interval 0.2 --kill-grace 1 >/dev/null 2>"$T/follow.err" &
    bg=$!
    c=$(container_of "$req")
    wait_container_state "$c" 20 Running
    crctl request cancel "$req" >/dev/null
    wait_container_state "$c" 20 Cancelled
    [[ $(crctl -o json request show "$req" | jq -r .state) == Final ]]
    kill -TERM "$bg"
    rc=0
    wait "$bg" || rc=$?
    bg=
    [[ $rc -eq 0 ]] || fail "follow exited $rc: $(cat "$T/follow.err")"
}

@test "--partition serves only matching or unrestricted containers" {
    req=$(submit --partitions fast -- true)
    run -0 --separate-stderr crctl -o json dispatch --once --partition slow
    [[ $(jq -r .started <<<"$output") == 0 ]]
    run -0 --separate-stderr crctl -o json dispatch --once --partition fast
    [[ $(jq -r .started <<<"$output") == 1 ]]
    [[ $(crctl -o json request show "$req" | jq -r .state) == Final ]]
}

@test "an unknown runtime is a usage error" {
    run -2 --separate-stderr crctl dispatch --once --runtime lxc
    [[ $stderr == "crctl: error: "*"lxc"* ]]
}
