#!/usr/bin/env bats
# The seed 001 stories through the CLI, as a script or cron job would drive crctl: JSON
# output parsed with jq, exit codes and stderr checked separately.
load helpers

setup() {
    hermetic_setup
    export CRCTL_STORE="$T/store/crctl.db"
    DATA="$OPSKIT_SOURCE_DIR/tests/data/cr"
}

# new_request [flags…] -- prints the uuid of a created request (JSON output).
new_request() {
    run -0 --separate-stderr crctl -o json request create "$@"
    jq -r .uuid <<<"$output"
}

# ceil(priority / 2^50): the user priority a container priority stands for.
user_priority() {
    crctl -o json container show "$1" | jq '(.priority / 1125899906842624) | ceil'
}

@test "the store is created 0600 in a 0700 folder" {
    new_request -- true >/dev/null
    [[ $(stat -c %a "$CRCTL_STORE") == 600 ]]
    [[ $(stat -c %a "$T/store") == 700 ]]
    [[ $(sqlite3 "$CRCTL_STORE" 'PRAGMA journal_mode') == wal ]]
}

@test "create with flag defaults: Uncommitted, /out tmp mount, cwd /tmp, command after --" {
    run -0 --separate-stderr crctl -o json request create --name demo -- echo hello world
    [[ -z $stderr ]]
    jq -e '.state == "Uncommitted" and .container_uuid == null and .priority == 0' <<<"$output"
    jq -e '.command == ["echo","hello","world"] and .cwd == "/tmp" and .output_path == "/out"' <<<"$output"
    jq -e '.mounts["/out"].kind == "tmp" and .container_image == "host" and .container_count_max == 3' <<<"$output"
    jq -e '.use_existing == true and .output_ttl == 0 and .name == "demo"' <<<"$output"
}

@test "two requests at priority 5 and 10 share a container that takes the higher priority" {
    cr1=$(new_request --priority 5 --commit -- echo shared)
    cr2=$(new_request --priority 10 --commit -- echo shared)
    c1=$(crctl -o json request show "$cr1" | jq -r .container_uuid)
    c2=$(crctl -o json request show "$cr2" | jq -r .container_uuid)
    [[ $c1 == "$c2" ]]
    [[ $(user_priority "$c1") == 10 ]]
    run -0 crctl -q request update "$cr2" --priority 0
    [[ $(user_priority "$c1") == 5 ]]
    run -0 crctl -q request cancel "$cr1"
    [[ $(user_priority "$c1") == 0 ]]
    run -0 --separate-stderr crctl -o json container show "$c1"
    jq -e '.state == "Queued" and .priority == 0' <<<"$output"
}

@test "container_count_max 2: cancelled twice, the request ends Final with the second container" {
    cr=$(new_request --priority 1 --container-count-max 2 --commit -- echo retry)
    first=$(crctl -o json request show "$cr" | jq -r .container_uuid)
    run -0 crctl -q container lock "$first"
    run -0 crctl -q container start "$first"
    run -0 --separate-stderr crctl -o json container cancel "$first" --runtime-status error="node lost"
    jq -e '.state == "Cancelled" and .runtime_status.error == "node lost"' <<<"$output"
    run -0 --separate-stderr crctl -o json request show "$cr"
    jq -e '.state == "Committed" and .container_count == 2' <<<"$output"
    second=$(jq -r .container_uuid <<<"$output")
    [[ $second != "$first" ]]
    run -0 crctl -q container cancel "$second"
    run -0 --separate-stderr crctl -o json request show "$cr"
    jq -e --arg c "$second" '.state == "Final" and .container_uuid == $c and .container_count == 2' <<<"$output"
}

@test "after a Complete exit-0 run an identical request is Final at once; --no-use-existing runs anew" {
    cr=$(new_request --priority 1 --commit -- echo reuse)
    c=$(crctl -o json request show "$cr" | jq -r .container_uuid)
    run -0 crctl -q container lock "$c"
    run -0 crctl -q container start "$c"
    run -0 --separate-stderr crctl -o json container complete "$c" --exit-code 0 \
        --output 1f4b0bc7583c2a7f9102c395f4ffc5e3+45 --log fa7aeb5140e2848d39b416daeef4ffc5+45
    jq -e '.state == "Complete" and .exit_code == 0' <<<"$output"
    run -0 --separate-stderr crctl -o json request show "$cr"
    jq -e '.state == "Final" and .output_uuid != null and .log_uuid != null' <<<"$output"
    run -0 --separate-stderr crctl -o json request create --priority 1 --commit -- echo reuse
    jq -e --arg c "$c" '.state == "Final" and .container_uuid == $c' <<<"$output"
    run -0 --separate-stderr crctl -o json request create --priority 1 --commit --no-use-existing -- echo reuse
    jq -e --arg c "$c" '.state == "Committed" and .container_uuid != $c' <<<"$output"
}

@test "every invalid runtime-constraint example of seed 001 is refused with exit 2 naming the field" {
    for i in 0 1 2; do
        jq --argjson rc "$(jq -c ".[$i]" "$DATA/invalid-constraints.json")" \
            '.runtime_constraints = $rc | .state = "Committed"' <<<'{"command":["true"],"container_image":"host","cwd":"/tmp","mounts":{"/out":{"kind":"tmp"}},"output_path":"/out","priority":1}' \
            >"$T/bad.json"
        run -2 --separate-stderr crctl request create --file "$T/bad.json"
        [[ -z $output ]]
        [[ $(count_lines "$stderr") -eq 1 ]] || fail "stderr: $stderr"
        [[ $stderr == "crctl: error: invalid request "*"runtime_constraints."* ]] || fail "stderr: $stderr"
    done
    run -0 --separate-stderr crctl -o json request list
    [[ $(jq length <<<"$output") == 0 ]]
}

@test "validation reports every problem at once" {
    run -2 --separate-stderr crctl request create --file - <<'JSON'
{"command": "echo", "container_image": "", "mounts": {"rel": {"kind": "tmp"}}, "output_path": "/out",
 "priority": 2000, "state": "Committed", "runtime_constraints": {"vcpus": 0, "ram": 1}}
JSON
    for field in command container_image mounts.rel output_path priority runtime_constraints.vcpus; do
        [[ $stderr == *"$field: "* ]] || fail "missing $field in: $stderr"
    done
}

@test "a Final request refuses a priority change with exit 5 but takes a new name" {
    cr=$(new_request --priority 1 --container-count-max 1 --commit -- echo final)
    c=$(crctl -o json request show "$cr" | jq -r .container_uuid)
    run -0 crctl -q container cancel "$c"
    run -5 --separate-stderr crctl request update "$cr" --priority 7
    [[ $stderr == "crctl: error: cannot update request ($cr): priority cannot be modified in state Final" ]] || fail "$stderr"
    run -0 --separate-stderr crctl -o json request update "$cr" --name renamed --description done
    jq -e '.name == "renamed" and .priority == 1 and .state == "Final"' <<<"$output"
    run -5 --separate-stderr crctl request update "$cr" --state Committed
}

@test "a spec file creates and commits in one step; a shown request can be resubmitted" {
    run -0 --separate-stderr crctl -o json request create --file "$DATA/request.yaml"
    jq -e '.state == "Committed" and .name == "nightly report" and .priority == 5 and .environment.TZ == "UTC"' <<<"$output"
    jq -e '.container_uuid != null and .container_count == 1' <<<"$output"
    uuid=$(jq -r .uuid <<<"$output")
    crctl -o json request show "$uuid" | jq '.state = "Uncommitted" | .name = "copy"' >"$T/copy.json"
    run -0 --separate-stderr crctl -o json request create --file "$T/copy.json"
    jq -e --arg u "$uuid" '.uuid != $u and .name == "copy" and .state == "Uncommitted" and .container_uuid == null' <<<"$output"
    copy=$(jq -r .uuid <<<"$output")
    run -0 --separate-stderr crctl -o json request commit "$copy"
    jq -e '.state == "Committed"' <<<"$output"
    # same work: reused the first request's container
    [[ $(jq -r .container_uuid <<<"$output") == $(crctl -o json request show "$uuid" | jq -r .container_uuid) ]]
    run -0 --separate-stderr crctl -o yaml request show "$uuid"
    [[ $output == *"state: Committed"* ]]
}

@test "not found is exit 4, bad input exit 2, delete needs --yes" {
    run -4 --separate-stderr crctl request show zzzzz-xvhdk-000000000000000
    [[ $stderr == "crctl: error: no such request (zzzzz-xvhdk-000000000000000): "* ]]
    cr=$(new_request -- true)
    run -4 --separate-stderr crctl container show zzzzz-dz642-000000000000000
    run -4 --separate-stderr crctl request commit zzzzz-xvhdk-000000000000000
    run -2 --separate-stderr crctl request create --mount /data=nfs:/x -- true
    [[ $stderr == *"invalid --mount (/data=nfs:/x)"* ]]
    run -2 --separate-stderr crctl request create --vcpus two -- true
    run -2 --separate-stderr crctl request list --state Bogus
    run -2 --separate-stderr crctl request delete "$cr"
    [[ $stderr == *"--yes"* ]]
    run -0 --separate-stderr crctl -o json request delete "$cr" --yes
    jq -e '.deleted == true' <<<"$output"
    run -4 --separate-stderr crctl request show "$cr"
}

@test "--dry-run shows the result and stores nothing" {
    run -0 --separate-stderr crctl -o json request create --dry-run --priority 3 --commit -- echo dry
    jq -e '.state == "Committed" and .container_uuid != null' <<<"$output"
    run -0 --separate-stderr crctl -o json request list
    [[ $(jq length <<<"$output") == 0 ]]
    run -0 --separate-stderr crctl -o json container list
    [[ $(jq length <<<"$output") == 0 ]]
}

@test "list filters by state and limit; the table has a header" {
    new_request -- a >/dev/null
    new_request --priority 1 --commit -- b >/dev/null
    new_request --priority 1 --commit -- c >/dev/null
    run -0 --separate-stderr crctl -o json request list --state Committed
    [[ $(jq length <<<"$output") == 2 ]]
    run -0 --separate-stderr crctl -o json request list --limit 1
    [[ $(jq length <<<"$output") == 1 ]]
    run -0 --separate-stderr crctl request list
    [[ ${lines[0]} == UUID*STATE*PRIORITY* ]]
    [[ ${#lines[@]} -eq 4 ]]
    run -0 --separate-stderr crctl -o json container list --queue
    [[ $(jq length <<<"$output") == 2 ]]
}

@test "wait: exit 0 after success, 1 after a cancel, 8 on timeout" {
    cr=$(new_request --priority 1 --container-count-max 1 --commit -- echo waitme)
    c=$(crctl -o json request show "$cr" | jq -r .container_uuid)
    run -8 --separate-stderr crctl wait "$cr" --timeout 0.2s
    [[ $stderr == *"did not become Final"* ]]
    crctl -q container lock "$c" && crctl -q container start "$c"
    crctl -q container complete "$c" --exit-code 0
    run -0 --separate-stderr crctl -o json wait "$cr" --timeout 5s
    jq -e '.state == "Final" and .container.exit_code == 0' <<<"$output"
    cr2=$(new_request --priority 1 --container-count-max 1 --commit -- echo cancelme)
    crctl -q container cancel "$(crctl -o json request show "$cr2" | jq -r .container_uuid)"
    run -1 --separate-stderr crctl -o json wait "$cr2"
    jq -e '.container.state == "Cancelled"' <<<"$output"
}

@test "a request made inside a running container is its child; clients cannot claim a parent" {
    parent=$(new_request --priority 7 --commit -- echo parent)
    pc=$(crctl -o json request show "$parent" | jq -r .container_uuid)
    crctl -q container lock "$pc" && crctl -q container start "$pc"
    run -0 --separate-stderr env CRCTL_CONTAINER_UUID="$pc" crctl -o json request create --commit -- echo child
    jq -e --arg p "$pc" '.requesting_container_uuid == $p and .priority == 7' <<<"$output"
    child_c=$(jq -r .container_uuid <<<"$output")
    [[ $(crctl -o json container show "$child_c" | jq .priority) == $(crctl -o json container show "$pc" | jq .priority) ]]
    echo '{"command":["x"],"requesting_container_uuid":"zzzzz-dz642-000000000000000"}' >"$T/claim.json"
    run -2 --separate-stderr crctl request create --file "$T/claim.json"
    [[ $stderr == *"requesting_container_uuid: cannot be set by a client"* ]]
    # the parent ends: the child loses its priority
    crctl -q container complete "$pc" --exit-code 0
    [[ $(crctl -o json container show "$child_c" | jq .priority) == 0 ]]
}

@test "the plumbing verbs check state and holder; exceeding max dispatch attempts cancels" {
    export CRCTL_MAX_DISPATCH_ATTEMPTS=2
    cr=$(new_request --priority 1 --container-count-max 1 --commit -- echo plumbing)
    c=$(crctl -o json request show "$cr" | jq -r .container_uuid)
    run -5 --separate-stderr crctl container start "$c"
    run -0 --separate-stderr crctl -o json container lock "$c" --holder d1
    jq -e '.state == "Locked" and .locked_by == "d1" and .lock_count == 1' <<<"$output"
    run -5 --separate-stderr crctl container unlock "$c" --holder d2
    [[ $stderr == *"locked by a different holder (d1)"* ]]
    run -0 crctl -q container unlock "$c" --holder d1
    run -0 crctl -q container lock "$c" --holder d1
    run -0 --separate-stderr crctl -o json container unlock "$c" --holder d1
    jq -e '.state == "Cancelled" and (.runtime_status.error | contains("lock_count=2"))' <<<"$output"
    run -0 --separate-stderr crctl -o json request show "$cr"
    jq -e '.state == "Final"' <<<"$output"
    run -5 --separate-stderr crctl container progress "$c" --progress 0.5
    [[ $stderr == *"it is Cancelled"* ]]
}

@test "completion offers request and container UUIDs from the store" {
    cr=$(new_request --priority 1 --commit -- echo complete-me)
    c=$(crctl -o json request show "$cr" | jq -r .container_uuid)
    run -0 crctl __complete -- request show ""
    [[ $output == *"$cr"* ]]
    run -0 crctl __complete -- container lock ""
    [[ $output == *"$c"* ]]
    run -0 crctl __complete -- container exec ""
    [[ $output == *"$c"* ]]
    # engine and runtime names come from the library's lists
    run -0 crctl __complete -- dispatch --engine ""
    [[ $output == $'local\nslurm\nswarm' ]]
    run -0 crctl __complete -- run --runtime ""
    [[ $output == $'host\npodman\ndocker' ]]
}

@test "mutating verbs leave one audit line per outcome" {
    export CRCTL_AUDIT_FILE="$T/audit.log"
    cr=$(new_request -- echo audited)
    run -4 crctl request commit zzzzz-xvhdk-000000000000000
    run -0 grep -c "op=request.create object=$cr outcome=ok" "$T/audit.log"
    run -0 grep -c "op=request.commit object=zzzzz-xvhdk-000000000000000 outcome=not_found" "$T/audit.log"
}

@test "engine keys show where they came from: file, env, default" {
    printf 'crctl:\n  engine: slurm\n  slurm_sbatch_args: [--time=%%W, --partition=%%P]\n' | user_config
    run -0 --separate-stderr env CRCTL_SPOOL=/shared/spool crctl -o json config show --origin
    jq -e '.crctl.engine == {"value": "slurm", "origin": "file \($f):2"}' --arg f "$XDG_CONFIG_HOME/opskit/config.yaml" <<<"$output" >/dev/null || fail "$output"
    jq -e '.crctl.slurm_sbatch_args.value == ["--time=%W", "--partition=%P"]' <<<"$output" >/dev/null
    jq -e '.crctl.spool == {"value": "/shared/spool", "origin": "env CRCTL_SPOOL"}' <<<"$output" >/dev/null
    jq -e '.crctl.slurm_nice_spread == {"value": 10, "origin": "default"}' <<<"$output" >/dev/null
    # a bad substitution is a configuration error before anything runs
    printf 'crctl:\n  engine: slurm\n  spool: %s\n  slurm_sbatch_args: [--mem=%%Q]\n' "$T/spool" | user_config
    run -2 --separate-stderr crctl dispatch --once
    [[ $stderr == "crctl: error: "*"%Q"* ]] || fail "$stderr"
}
