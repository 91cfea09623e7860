#!/usr/bin/env bats
# crctl and Docker Swarm through the CLI. --from-swarm turns a ServiceSpec (inspect output
# included) into a request, and refuses what a request cannot express by field name (no
# daemon needed). `dispatch --engine swarm` and `run --engine swarm` against a private
# one-node swarm started once for the file by the fixture (tests/cli/swarm_cluster.bash)
# and stopped by pid: exit code, log and output reach the store and the service goes; a
# partition no node has waits with the engine's reason; cancel; a service removed behind our
# back; kill -9 of --follow (the service is adopted); the daemon unreachable (exit 7).
load helpers
load ../data/cr-dispatch/bwrap-check
load swarm_cluster

setup_file() {
    export SWARM_TEST_DIR="$BATS_FILE_TMPDIR/swarm"
    if ! swarm_cluster_start "$SWARM_TEST_DIR"; then
        echo "$SWARM_CLUSTER_WHY" > "$BATS_FILE_TMPDIR/why"
        swarm_cluster_stop "$SWARM_TEST_DIR"
    fi
}

teardown_file() { swarm_cluster_stop "$SWARM_TEST_DIR"; }

setup() {
    hermetic_setup
    export CRCTL_STORE="$T/store/crctl.db"
}

teardown() {
    [[ -n ${bg:-} ]] && kill -9 "$bg" 2>/dev/null || true
    # A story that failed half-way must not leave its services running into the next one.
    if [[ -n ${swarm:-} ]]; then
        local left
        left=$("$SWARM_DOCKER" service ls -q --filter label=opskit.crctl.container 2>/dev/null) || true
        # shellcheck disable=SC2086
        [[ -z $left ]] || "$SWARM_DOCKER" service rm $left >/dev/null 2>&1 || true
        # Docker 20.10 leaves the task of a removed replicated-job service running (moby
        # issue 44312), and its CPU reservation would keep the next story's task pending.
        left=$("$SWARM_DOCKER" ps -aq --filter label=com.docker.swarm.task.id 2>/dev/null) || true
        # shellcheck disable=SC2086
        [[ -z $left ]] || "$SWARM_DOCKER" rm -f $left >/dev/null 2>&1 || true
        "$SWARM_DOCKER" node update --label-rm partition "$(swarm_node_id)" >/dev/null 2>&1 || true
    fi
}

# The stories that need the daemon: skip with the fixture's reason when it did not start.
require_swarm() {
    [[ -e $BATS_FILE_TMPDIR/why ]] && skip "private Docker Swarm cannot start here: $(cat "$BATS_FILE_TMPDIR/why")"
    swarm=1
    export DOCKER_HOST="unix://$SWARM_TEST_DIR/docker.sock"
    export CRCTL_SPOOL="$T/spool" CRCTL_POLL_INTERVAL=0.2
}

submit() {
    crctl -o json request create --image bb:1 --commit --priority 500 "$@" | jq -r .uuid
}

# One dispatcher pass; one that does not exit 0 fails the story with what it printed.
pass() {
    local err
    err=$(crctl dispatch --engine swarm --once 2>&1 >/dev/null) || fail "dispatch --once exited $?: $err"
}

state_of() { crctl -o json container show "$1" | jq -r .state; }

# Drives passes until container $1 is in state $2, at most $3 passes (default 60) a second apart.
drive_until_state() {
    local i state
    for ((i = 0; i < ${3:-60}; i++)); do
        state=$(state_of "$1")
        [[ $state == "$2" ]] && return 0
        pass
        sleep 1
    done
    fail "container $1 is $state after ${3:-60} passes, wanted $2: $(crctl -o json container show "$1" | jq -c .runtime_status)"
}

# The full ids of the services labelled as container $1's (one a line; `ls -q` truncates them).
services_of() {
    local ids
    ids=$("$SWARM_DOCKER" service ls -q --filter "label=opskit.crctl.container=$1")
    # shellcheck disable=SC2086
    [[ -z $ids ]] || "$SWARM_DOCKER" service inspect --format '{{.ID}}' $ids
}

@test "--from-swarm reads docker service inspect output into a request" {
    cat >"$T/svc.json" <<'JSON'
[{"ID":"x","Spec":{"Name":"hello","TaskTemplate":{"ContainerSpec":{"Image":"bb:1","Args":["sh","-c","echo hi"],
 "Mounts":[{"Type":"bind","Source":"/srv","Target":"/srv","ReadOnly":true}]},
 "RestartPolicy":{"Condition":"none"},"Placement":{"Constraints":["node.labels.partition==big"]}},
 "Mode":{"ReplicatedJob":{}}}}]
JSON
    run -0 --separate-stderr crctl -o json request create --from-swarm "$T/svc.json" --priority 3
    [[ $(jq -c .command <<<"$output") == '["sh","-c","echo hi"]' ]]
    [[ $(jq -r .container_image <<<"$output") == bb:1 ]]
    [[ $(jq -c '.mounts["/srv"]' <<<"$output") == '{"kind":"host","path":"/srv","writable":false}' ]]
    [[ $(jq -r .output_path <<<"$output") == /out ]]
    [[ $(jq -c .scheduling_parameters.partitions <<<"$output") == '["big"]' ]]
    [[ $(jq .container_count_max <<<"$output") == 1 ]]
    [[ $(jq .priority <<<"$output") == 3 ]]
}

@test "--from-swarm refuses a global service and an untagged image by field name, stores nothing" {
    run -2 --separate-stderr crctl request create --from-swarm - \
        <<<'Mode: {Global: {}}
TaskTemplate: {ContainerSpec: {Image: busybox, Args: [true]}}'
    [[ $stderr == *"cannot convert service spec (stdin): Mode.Global:"* ]]
    [[ $stderr == *"TaskTemplate.ContainerSpec.Image: 'busybox' has no tag"* ]]
    run -0 --separate-stderr crctl -o json request list
    [[ $(jq length <<<"$output") == 0 ]]
}

@test "swarm: run exits with the container's code, the log holds its output, the service is removed" {
    require_swarm
    run --separate-stderr timeout 300 crctl -o json run --engine swarm --spool "$CRCTL_SPOOL" --image bb:1 \
        -- sh -c 'echo hi; exit 3'
    [[ $status == 3 ]] || fail "run exited $status: $stderr"
    c=$(jq -r .container_uuid <<<"$output")
    [[ $(jq -r .state <<<"$output") == Complete ]]
    [[ $(jq -r .runtime_status.engine <<<"$output") == swarm ]] || fail "$(jq -c .runtime_status <<<"$output")"
    crctl collection get "$(jq -r .log <<<"$output")" --to "$T/log"
    grep -rqx hi "$T/log" || fail "no line 'hi' in the log collection: $(ls "$T/log")"
    [[ -z $(services_of "$c") ]] || fail "service of $c still there: $("$SWARM_DOCKER" service ls)"
    [[ -z $("$SWARM_DOCKER" service ls -q --filter "name=crctl-$c") ]]
}

@test "swarm: what the container writes to /out becomes the request's output collection" {
    require_swarm
    req=$(submit -- sh -c 'echo x > /out/f')
    c=$(container_of "$req")
    drive_until_state "$c" Complete
    show=$(crctl -o json container show "$c")
    [[ $(jq -r .exit_code <<<"$show") == 0 ]]
    out=$(crctl -o json request show "$req" | jq -r .output_uuid)
    [[ $out != null ]] || fail "request has no output collection"
    crctl collection get "$out" --to "$T/got"
    [[ $(cat "$T/got/f") == x ]]
    [[ -z $(services_of "$c") ]]
}

@test "swarm: a partition no node has waits with the engine's reason, then runs once a node gets the label" {
    require_swarm
    req=$(submit --partitions gpu -- sh -c 'echo gpu > /out/f')
    c=$(container_of "$req")
    reason=
    for ((i = 0; i < 60; i++)); do
        pass
        reason=$(crctl -o json container show "$c" | jq -r '.runtime_status.engine_reason // empty')
        [[ $reason == *"no suitable node"* ]] && break
        sleep 1
    done
    show=$(crctl -o json container show "$c")
    [[ $reason == *"no suitable node"* ]] || fail "no 'no suitable node' reason: $(jq -c .runtime_status <<<"$show")"
    [[ $(jq -r .state <<<"$show") != Complete ]]
    jq -e '.runtime_status | .engine == "swarm" and .engine_state == "pending" and
        (.engine_job_id | length > 0) and (.activity | contains("pending"))' <<<"$show" >/dev/null ||
        fail "$(jq -c .runtime_status <<<"$show")"
    # the service asks for the partition as a node label
    "$SWARM_DOCKER" service inspect "crctl-$c" --format '{{json .Spec.TaskTemplate.Placement.Constraints}}' |
        grep -q 'node.labels.partition==gpu'
    "$SWARM_DOCKER" node update --label-add partition=gpu "$(swarm_node_id)" >/dev/null
    drive_until_state "$c" Complete
    crctl collection get "$(crctl -o json request show "$req" | jq -r .output_uuid)" --to "$T/got"
    [[ $(cat "$T/got/f") == gpu ]]
}

@test "swarm: cancel and priority 0 of running requests remove their services; the containers end Cancelled" {
    require_swarm
    a=$(submit -- sleep 300)
    b=$(submit -- sleep 301)
    ac=$(container_of "$a") bc=$(container_of "$b")
    drive_until_state "$ac" Running
    drive_until_state "$bc" Running
    svc=$(services_of "$ac")
    [[ -n $svc ]]
    crctl request cancel "$a" >/dev/null
    crctl request update "$b" --priority 0 >/dev/null
    pass
    [[ $(state_of "$ac") == Cancelled ]]
    [[ $(state_of "$bc") == Cancelled ]]
    [[ $(crctl -o json request show "$a" | jq -r .state) == Final ]]
    [[ -z $(services_of "$ac") && -z $(services_of "$bc") ]] || fail "services left: $("$SWARM_DOCKER" service ls)"
    # removing the service stops its task's container (sleep 300 does not run on)
    for ((i = 0; i < 60; i++)); do
        [[ -z $("$SWARM_DOCKER" ps -q --filter "label=com.docker.swarm.service.id=$svc") ]] && break
        sleep 1
    done
    [[ -z $("$SWARM_DOCKER" ps -q --filter "label=com.docker.swarm.service.id=$svc") ]] || fail "the task of $svc still runs"
}

@test "swarm: a service removed behind our back while running: Cancelled and retried up to container_count_max" {
    require_swarm
    req=$(submit --container-count-max 2 -- sleep 300)
    first=$(container_of "$req")
    drive_until_state "$first" Running
    "$SWARM_DOCKER" service rm "crctl-$first" >/dev/null
    drive_until_state "$first" Cancelled 10
    second=$(container_of "$req")
    [[ $second != null && $second != "$first" ]] || fail "no second container (container_uuid $second)"
    crctl request cancel "$req" >/dev/null
    pass
}

@test "swarm: kill -9 of dispatch --follow while a container runs: the next passes adopt its service" {
    require_swarm
    req=$(submit -- sh -c 'sleep 8; echo done > /out/f')
    c=$(container_of "$req")
    crctl dispatch --engine swarm --follow >"$T/follow.log" 2>&1 &
    bg=$!
    for ((i = 0; i < 60; i++)); do
        [[ $(state_of "$c") == Running ]] && break
        sleep 1
    done
    [[ $(state_of "$c") == Running ]] || fail "not Running: $(cat "$T/follow.log")"
    id=$(crctl -o json container show "$c" | jq -r .runtime_status.engine_job_id)
    [[ $(services_of "$c") == "$id" ]] || fail "engine_job_id $id, services: $(services_of "$c")"
    kill -9 "$bg"
    wait "$bg" 2>/dev/null || true
    bg=
    pass
    # still the one service (or, if the job ended meanwhile, none and the container Complete)
    svcs=$(services_of "$c")
    [[ $svcs == "$id" || ( -z $svcs && $(state_of "$c") == Complete ) ]] || fail "services after the pass: $svcs (was $id)"
    drive_until_state "$c" Complete
    show=$(crctl -o json container show "$c")
    [[ $(jq -r .runtime_status.engine_job_id <<<"$show") == "$id" ]] || fail "engine_job_id changed: $(jq -c .runtime_status <<<"$show")"
    [[ $(jq -r .exit_code <<<"$show") == 0 ]]
}

@test "swarm: the daemon's socket unreachable: dispatch --once exits 7 with one line and loses nothing" {
    require_swarm
    req=$(submit -- true)
    c=$(container_of "$req")
    run -7 --separate-stderr env CRCTL_SWARM_HOST="unix://$T/no-such.sock" crctl dispatch --engine swarm --once
    [[ $(count_lines "$stderr") == 1 ]] || fail "stderr: $stderr"
    [[ $stderr == "crctl: error: "* ]] || fail "stderr: $stderr"
    [[ $(state_of "$c") == Queued ]]
    # and the real socket carries on
    drive_until_state "$c" Complete
}
