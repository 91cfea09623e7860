#!/usr/bin/env bats
# crctl dispatch --engine slurm against a real private single-node Slurm started by the
# fixture (tests/cli/slurm_cluster.bash) and stopped by pid: results reach the store, nice
# order follows priority, cancel and vanished jobs, impossible requests, a failing sbatch,
# a garbage finished record, slurmctld down (exit 7), bad sbatch_args (exit 2).
load helpers
load ../data/cr-dispatch/bwrap-check
load slurm_cluster

setup_file() {
    export SLURM_TEST_DIR="$BATS_FILE_TMPDIR/slurm"
    if ! slurm_cluster_start "$SLURM_TEST_DIR"; then
        echo "$SLURM_CLUSTER_WHY" > "$BATS_FILE_TMPDIR/why"
        slurm_cluster_stop "$SLURM_TEST_DIR"
    fi
}

teardown_file() { slurm_cluster_stop "$SLURM_TEST_DIR"; }

setup() {
    [[ -e $BATS_FILE_TMPDIR/why ]] && skip "private Slurm cannot start here: $(cat "$BATS_FILE_TMPDIR/why")"
    crd_setup
    require_bwrap
    export SLURM_CONF="$SLURM_TEST_DIR/slurm.conf" SLURM_CLUSTER_DIR="$SLURM_TEST_DIR"
    export CRCTL_ENGINE=slurm CRCTL_SPOOL="$T/spool" CRCTL_POLL_INTERVAL=0.2
}

teardown() {
    [[ -n ${bg:-} ]] && kill -9 "$bg" 2>/dev/null || true
    [[ -n ${SLURM_CONF:-} ]] && scancel --user=root 2>/dev/null || true
}

submit() {
    local prio=(--priority 500)
    [[ $1 == --priority ]] && prio=()
    crctl -o json request create --image host --commit "${prio[@]}" "$@" | jq -r .uuid
}

# Runs dispatch --once passes until request $1 is Final (up to $2 s).
drive_until_final() {
    local deadline=$((SECONDS + ${2:-30}))
    while ((SECONDS < deadline)); do
        crctl dispatch --once >/dev/null 2>&1 || true
        [[ $(crctl -o json request show "$1" | jq -r .state) == Final ]] && return 0
        sleep 0.3
    done
    return 1
}

job_field() {  # job_field UUID FORMAT
    squeue -h --name="$1" -o "$2"
}

@test "a container's exit code, log and output reach the store; run --engine slurm exits with its code" {
    req=$(submit -- sh -c 'echo hello; echo result > /out/f; exit 3')
    drive_until_final "$req" 40
    c=$(container_of "$req")
    show=$(crctl -o json container show "$c")
    [[ $(jq -r .state <<<"$show") == Complete ]]
    [[ $(jq -r .exit_code <<<"$show") == 3 ]]
    [[ $(jq -r .runtime_status.engine <<<"$show") == slurm ]]
    [[ $(crctl -o json request show "$req" | jq -r .output_uuid) != null ]]
    [[ ! -e $CRCTL_SPOOL/$c ]] || fail "spool folder left behind"
    run --separate-stderr timeout 60 crctl run --engine slurm -- sh -c 'exit 3'
    [[ $status == 3 ]] || fail "run exited $status: $stderr"
}

@test "3 priorities land as 3 jobs in nice order; raising one reorders without resubmitting" {
    export CRCTL_SLURM_SBATCH_ARGS='--begin=now+600,--mem=%M'
    # three different commands: identical work would be one container (reuse)
    low=$(submit --priority 100 -- true low)
    mid=$(submit --priority 500 -- true mid)
    high=$(submit --priority 900 -- true high)
    run -0 crctl dispatch --once
    run -0 crctl dispatch --once  # the pass after submission plans the nices
    for r in low mid high; do eval "${r}c=\$(container_of \$$r)"; done
    [[ $(job_field "$highc" %Q) -gt $(job_field "$midc" %Q) ]]
    [[ $(job_field "$midc" %Q) -gt $(job_field "$lowc" %Q) ]]
    id_before=$(job_field "$lowc" %i)
    crctl request update "$low" --priority 1000 >/dev/null
    run -0 crctl dispatch --once
    [[ $(job_field "$lowc" %Q) -gt $(job_field "$highc" %Q) ]]
    [[ $(job_field "$lowc" %i) == "$id_before" ]]
    # while it waits the container shows its engine, job id, state and Slurm's pending reason
    # (empty while Slurm says None: its scheduler sets BeginTime on its own schedule)
    crctl -o json container show "$lowc" | jq -e --arg id "$id_before" '.runtime_status |
        .engine == "slurm" and .engine_job_id == $id and .engine_state == "PENDING" and has("engine_reason")' >/dev/null
    # priority 0 → the pending job is cancelled
    crctl request update "$mid" --priority 0 >/dev/null
    run -0 crctl dispatch --once
    [[ -z $(job_field "$midc" %i) ]]
    [[ $(crctl -o json container show "$midc" | jq -r .state) == Cancelled ]]
}

# Drives `dispatch --once` until container $1 is in state $2 (deadline $3 s, default 30).
drive_until_state() {
    local deadline=$((SECONDS + ${3:-30}))
    until [[ $(crctl -o json container show "$1" | jq -r .state) == "$2" ]]; do
        ((SECONDS < deadline)) || return 1
        crctl dispatch --once >/dev/null 2>&1 || true
        sleep 0.3
    done
}

@test "cancel a running request: its job is scancelled and gone, the container Cancelled" {
    req=$(submit -- sleep 60)
    c=$(container_of "$req")
    drive_until_state "$c" Running
    job=$(job_field "$c" %i)
    [[ -n $job ]]
    crctl request cancel "$req" >/dev/null
    run -0 crctl dispatch --once
    [[ $(crctl -o json container show "$c" | jq -r .state) == Cancelled ]]
    [[ $(crctl -o json request show "$req" | jq -r .state) == Final ]]
    deadline=$((SECONDS + 20))
    while [[ -n $(squeue -h -j "$job" -o %i 2>/dev/null) ]] && ((SECONDS < deadline)); do sleep 0.2; done
    [[ -z $(squeue -h -j "$job" -o %i 2>/dev/null) ]] || fail "job $job still in squeue"
}

@test "kill -9 of dispatch --follow while jobs run: the next --once adopts them, ingests the finished, cancels an orphan" {
    # an orphan: a Slurm job named like a container of ours that is already final
    done_req=$(submit -- true orphan)
    drive_until_final "$done_req" 40
    orphan_uuid=$(container_of "$done_req")
    orphan=$(sbatch --parsable --job-name="$orphan_uuid" --wrap 'sleep 120')
    fast=$(submit -- sh -c 'sleep 2; echo fast > /out/f')
    slow=$(submit -- sh -c 'sleep 8; echo slow > /out/f')
    crctl dispatch --follow --poll-interval 0.2 >"$T/follow.log" 2>&1 &
    bg=$!
    fc=$(container_of "$fast") sc=$(container_of "$slow")
    deadline=$((SECONDS + 30))
    until [[ $(crctl -o json container show "$fc" | jq -r .state) == Running &&
             $(crctl -o json container show "$sc" | jq -r .state) == Running ]]; do
        ((SECONDS < deadline)) || fail "not both Running: $(cat "$T/follow.log")"
        sleep 0.2
    done
    kill -9 "$bg"; wait "$bg" 2>/dev/null || true; bg=
    slow_job=$(job_field "$sc" %i)
    [[ -n $slow_job ]]
    # the fast job ends while no dispatcher runs
    deadline=$((SECONDS + 30))
    while [[ -n $(job_field "$fc" %i) ]] && ((SECONDS < deadline)); do sleep 0.2; done
    run -0 --separate-stderr crctl -o json dispatch --once
    [[ $(crctl -o json container show "$fc" | jq -r .state) == Complete ]]
    [[ $(crctl -o json container show "$sc" | jq -r .state) == Running ]]
    [[ $(job_field "$sc" %i) == "$slow_job" ]] || fail "slow container resubmitted"
    [[ $(squeue -h --name="$sc" -o %i | wc -l) == 1 ]]
    deadline=$((SECONDS + 20))
    while [[ -n $(squeue -h -j "$orphan" -o %i 2>/dev/null) ]] && ((SECONDS < deadline)); do sleep 0.2; done
    [[ -z $(squeue -h -j "$orphan" -o %i 2>/dev/null) ]] || fail "orphan job $orphan still in squeue"
    drive_until_final "$slow" 40
    [[ $(crctl -o json container show "$sc" | jq -r .state) == Complete ]]
}

@test "scancel behind our back while running: Cancelled and retried up to container_count_max" {
    req=$(submit --container-count-max 2 -- sleep 30)
    first=$(container_of "$req")
    deadline=$((SECONDS + 30))
    until [[ $(crctl -o json container show "$first" | jq -r .state) == Running ]] || ((SECONDS > deadline)); do
        crctl dispatch --once >/dev/null 2>&1; sleep 0.3
    done
    scancel --name="$first"
    while [[ -n $(job_field "$first" %i) ]]; do sleep 0.2; done
    run -0 crctl dispatch --once
    [[ $(crctl -o json container show "$first" | jq -r .state) == Cancelled ]]
    second=$(container_of "$req")
    [[ $second != "$first" ]]
    crctl request cancel "$req" >/dev/null
    run -0 crctl dispatch --once
}

@test "an impossible request is Cancelled naming the constraint; bad sbatch_args exit 2" {
    # Slurm 22.05 accepts --cpus-per-task=64 on a 1-CPU node and leaves the job pending with
    # reason PartitionConfig once its scheduler has looked at it: a pass after that cancels.
    req=$(submit --vcpus 64 -- true)
    run -0 crctl dispatch --once
    c=$(container_of "$req")
    deadline=$((SECONDS + 30))
    until [[ $(crctl -o json container show "$c" | jq -r .state) == Cancelled ]] || ((SECONDS > deadline)); do
        sleep 0.5; crctl dispatch --once >/dev/null 2>&1
    done
    crctl -o json container show "$c" | jq -e '.state == "Cancelled" and (.runtime_status.error | contains("impossible")) and (.runtime_status.error | contains("PartitionConfig"))' >/dev/null
    [[ -z $(job_field "$c" %i) ]]
    CRCTL_SLURM_SBATCH_ARGS='--mem=%Q' run -2 --separate-stderr crctl dispatch --once
    [[ $stderr == *"%Q"* ]] || fail "$stderr"
}

@test "a failing sbatch: Queued again with the error; a garbage finished record: Cancelled with a reason" {
    printf '#!/bin/sh\necho "sbatch: error: wrapper says no" >&2\nexit 1\n' > "$T/sbatch"
    chmod +x "$T/sbatch"
    req=$(submit -- true)
    c=$(container_of "$req")
    CRCTL_SLURM_SBATCH="$T/sbatch" run -0 crctl dispatch --once
    show=$(crctl -o json container show "$c")
    [[ $(jq -r .state <<<"$show") == Queued ]]
    jq -e '.runtime_status.error | contains("wrapper says no")' <<<"$show" >/dev/null
    # a node that writes garbage: the batch script runs `CRCTL container exec UUID --spool DIR`
    printf '#!/bin/sh\nprintf {garbage > "$5/$3/finished"\n' > "$T/badnode"
    chmod +x "$T/badnode"
    req2=$(submit -- true)
    c2=$(container_of "$req2")
    CRCTL_SUBMIT_BACKOFF=0 CRCTL_SLURM_CRCTL="$T/badnode" run -0 crctl dispatch --once
    deadline=$((SECONDS + 30))
    until [[ $(crctl -o json container show "$c2" | jq -r .state) == Cancelled ]] || ((SECONDS > deadline)); do
        CRCTL_SLURM_CRCTL="$T/badnode" crctl dispatch --once >/dev/null 2>&1; sleep 0.3
    done
    crctl -o json container show "$c2" | jq -e '.state == "Cancelled" and (.runtime_status.error | contains("cannot be trusted"))' >/dev/null
}

@test "slurmctld stopped: dispatch --once exits 7, loses nothing, carries on when it is back" {
    req=$(submit -- true)
    slurm_ctld_stop
    run -7 --separate-stderr crctl dispatch --once
    slurm_ctld_start
    [[ $(crctl -o json container show "$(container_of "$req")" | jq -r .state) == Queued ]]
    drive_until_final "$req" 40
}
