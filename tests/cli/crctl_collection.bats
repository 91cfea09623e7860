#!/usr/bin/env bats
# crctl collection list|show|get and gc: output collections are deduplicated by content,
# shown with their files, copied out without overwriting, and deleted/freed by gc once
# past delete_at.
load helpers
load ../data/cr-dispatch/bwrap-check

setup() { crd_setup; require_bwrap; }

@test "equal output from different requests is one stored collection" {
    run -0 crctl run --image host --local -- sh -c 'echo same > /out/f'
    a=$output
    run -0 crctl run --image host --local -- sh -c 'printf "same\n" > /out/f'
    [[ $output == "$a" ]]
    run -0 --separate-stderr crctl -o json collection list
    [[ $(jq '[.[] | select(.type == "output")] | length' <<<"$output") == 2 ]]
    [[ $(jq -r '[.[] | select(.type == "output") | .portable_data_hash] | unique | length' <<<"$output") == 1 ]]
    [[ $(find "$XDG_STATE_HOME/crctl/data/collections" -mindepth 1 -maxdepth 1 -name "$a") ]]
}

@test "collection show lists files; get copies them and refuses to overwrite" {
    run -0 crctl run --image host --local -- sh -c 'mkdir -p /out/sub; echo one > /out/sub/a; echo two > /out/b'
    pdh=$output
    run -0 --separate-stderr crctl -o json collection show "$pdh"
    [[ $(jq -r '[.files[].path] | join(",")' <<<"$output") == "b,sub/a" ]]
    [[ $(jq -r .size <<<"$output") == 8 ]]
    uuid=$(crctl -o json collection list | jq -r --arg p "$pdh" '[.[] | select(.portable_data_hash == $p)][0].uuid')
    run -0 --separate-stderr crctl collection get "$uuid" --to "$T/out"
    [[ $(cat "$T/out/sub/a") == one ]]
    run -5 --separate-stderr crctl collection get "$pdh" --to "$T/out"
    [[ $stderr == "crctl: error: "*"already exist"* ]]
}

@test "show of a missing collection exits 4; a malformed id exits 2" {
    run -4 --separate-stderr crctl collection show zzzzz-4zz18-000000000000000
    run -4 --separate-stderr crctl collection show 0123456789abcdef0123456789abcdef+10
    run -2 --separate-stderr crctl collection show not-an-id
    [[ $stderr == "crctl: error: "*"not-an-id"* ]]
}

@test "log collections hold stdout, stderr and a run log" {
    run -0 --separate-stderr crctl -o json run --image host --local -- sh -c 'echo out; echo err >&2'
    log=$(jq -r .log <<<"$output")
    run -0 crctl collection get "$log" --to "$T/log"
    [[ $(cat "$T/log/stdout.txt") == out ]]
    [[ $(cat "$T/log/stderr.txt") == err ]]
    grep -q "exit code 0" "$T/log/run.log"
    grep -q "rusage" "$T/log/run.log"
}

@test "gc deletes records past delete_at and frees their content" {
    command -v sqlite3 >/dev/null || skip "sqlite3 CLI not installed"
    run -0 crctl run --image host --local --output-ttl 1s -- sh -c 'echo old > /out/f'
    pdh=$output
    run -0 --separate-stderr crctl -o json gc --min-age 0
    [[ $(jq '.deleted | length' <<<"$output") == 0 ]]
    sqlite3 "$(crd_store)" "UPDATE collections SET trash_at = 1, delete_at = 1 WHERE portable_data_hash = '$pdh'"
    run -0 --separate-stderr crctl -o json gc --dry-run --min-age 0
    [[ $(jq '.deleted | length' <<<"$output") == 1 ]]
    crctl collection show "$pdh" >/dev/null
    run -0 --separate-stderr crctl -o json gc --min-age 0
    [[ $(jq '.deleted | length' <<<"$output") == 1 ]]
    [[ $(jq -r --arg p "$pdh" '.freed | index($p) != null' <<<"$output") == true ]]
    [[ $(jq .freed_bytes <<<"$output") -ge 4 ]]
    run -4 --separate-stderr crctl collection show "$pdh"
}
