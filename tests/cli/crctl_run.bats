#!/usr/bin/env bats
# crctl run with the host runtime (bubblewrap): the output PDH on stdout, reuse of
# identical finished work without running it again, the container's exit code and log tail,
# an impossible request, max_run_time, and the seed 003 story (a maintenance command that
# writes into a bind-mounted host folder).
load helpers
load ../data/cr-dispatch/bwrap-check

setup() { crd_setup; require_bwrap; }

@test "run --local prints the output PDH; the same run again is reused at once" {
    run -0 --separate-stderr crctl run --image host --local -- sh -c 'echo hi > /out/x'
    [[ $output =~ ^[0-9a-f]{32}\+[0-9]+$ ]] || fail "not a PDH: $output"
    first=$output
    run -0 --separate-stderr crctl -o json run --image host --local -- sh -c 'echo hi > /out/x'
    [[ $(jq -r .output <<<"$output") == "$first" ]]
    [[ $(jq -r .reused <<<"$output") == true ]]
    [[ $(jq -r .exit_code <<<"$output") == 0 ]]
    [[ $(jq -r .state <<<"$output") == Complete ]]
    # only one container ever ran: the log collection's run.log is the same
    run -0 crctl -o json collection show "$first"
    [[ $(jq -r '.files[0].path' <<<"$output") == x ]]
    [[ $(jq -r '.files[0].size' <<<"$output") == 3 ]]
}

@test "run exits with the container's exit code and prints the log tail on failure" {
    run -3 --separate-stderr crctl run --image host --local -- sh -c 'echo boom >&2; exit 3'
    [[ $stderr == *"boom"* ]] || fail "no log tail: $stderr"
}

@test "an impossible request is Cancelled with a runtime_status error, exit 1" {
    run -1 --separate-stderr crctl run --image host --local --vcpus 4096 --container-count-max 1 -- true
    [[ $stderr == "crctl: error: "*"impossible request"* ]] || fail "$stderr"
    [[ -z $output ]]
}

@test "max_run_time cancels a container that runs too long" {
    run -1 --separate-stderr crctl run --image host --local --max-run-time 1 --container-count-max 1 -- sleep 30
    [[ $stderr == *"max_run_time of 1s exceeded"* ]] || fail "$stderr"
}

@test "seed 003: a maintenance command writes into a bind-mounted host folder" {
    mkdir -p "$T/db2fs"
    run -0 --separate-stderr crctl -o json run --image host --local --mount "/database=host:$T/db2fs:rw" \
        -- sh -c 'echo "runstats done" > /database/runstats.out; ls /database > /out/listing'
    [[ $(cat "$T/db2fs/runstats.out") == "runstats done" ]]
    pdh=$(jq -r .output <<<"$output")
    run -0 crctl collection get "$pdh" --to "$T/got"
    [[ $(cat "$T/got/listing") == runstats.out ]]
}

@test "a repeatable option right before -- takes one value and leaves the command alone" {
    # The command's own words look like our options (-o, --env): they must reach the command.
    run -0 --separate-stderr crctl -o json run --image host --local --env GREETING=hi --env WHO=ops \
        -- sh -c 'echo "$GREETING $WHO $*" > /out/said' sh -o --env
    pdh=$(jq -r .output <<<"$output")
    run -0 crctl collection get "$pdh" --to "$T/said"
    [[ $(cat "$T/said/said") == "hi ops -o --env" ]] || fail "$(cat "$T/said/said")"
}

@test "a read-only host mount cannot be written" {
    mkdir -p "$T/ro"
    # sh exits 2 when a redirection fails; crctl exits with the container's code
    run -2 --separate-stderr crctl run --mount "/data=host:$T/ro" --image host --local -- sh -c 'echo x > /data/f'
    [[ $stderr == *"Read-only file system"* ]] || fail "$stderr"
    [[ ! -e $T/ro/f ]]
}
