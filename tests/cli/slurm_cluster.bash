# A private single-node Slurm cluster for the crctl Slurm tests and bench: its own munged
# (own socket and key), its own SLURM_CONF with random ports, state and spool folders under
# $1, slurmctld and `slurmd -N localhost`, two partitions (debug, the default, and short).
# Started by slurm_cluster_start, stopped by pid with slurm_cluster_stop. Where the machine
# cannot run it (no Slurm installed, not root, daemons do not come up) slurm_cluster_start
# returns 1 and leaves the reason in $SLURM_CLUSTER_WHY.

# slurm_cluster_start DIR: starts the cluster; exports SLURM_CONF.
slurm_cluster_start() {
    local d=$1 i
    SLURM_CLUSTER_DIR=$d
    SLURM_CLUSTER_WHY=
    for p in slurmctld slurmd munged sbatch squeue scontrol scancel sinfo; do
        command -v "$p" >/dev/null || PATH="$PATH:/usr/sbin" command -v "$p" >/dev/null ||
            { SLURM_CLUSTER_WHY="$p is not installed (scripts/install-deps installs slurm-wlm and munge)"; return 1; }
    done
    [[ $(id -u) == 0 ]] || { SLURM_CLUSTER_WHY="a private slurmd needs root here"; return 1; }
    mkdir -p "$d"/{state,spool,log,munge}
    chmod 0700 "$d/munge"
    # munged insists on a key readable only by its user; root runs it with its own copy.
    head -c 128 /dev/urandom > "$d/munge/munge.key"
    chmod 0400 "$d/munge/munge.key"
    /usr/sbin/munged --force --socket="$d/munge/munge.socket" --key-file="$d/munge/munge.key" \
        --pid-file="$d/munge/munged.pid" --seed-file="$d/munge/seed" --log-file="$d/log/munged.log" 2>"$d/log/munged.err" ||
        { SLURM_CLUSTER_WHY="munged does not start: $(head -c 300 "$d/log/munged.err")"; return 1; }
    local port=$((20000 + RANDOM % 20000))
    cat > "$d/slurm.conf" <<CONF
ClusterName=crtest
SlurmctldHost=localhost
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
AuthType=auth/munge
AuthInfo=socket=$d/munge/munge.socket
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
StateSaveLocation=$d/state
SlurmdSpoolDir=$d/spool
SlurmctldPidFile=$d/slurmctld.pid
SlurmdPidFile=$d/slurmd.pid
SlurmctldLogFile=$d/log/slurmctld.log
SlurmdLogFile=$d/log/slurmd.log
ReturnToService=2
MinJobAge=2
KillWait=2
MessageTimeout=3
SchedulerParameters=sched_interval=1,defer_batch
DefMemPerCPU=10
NodeName=localhost NodeHostname=localhost CPUs=2 RealMemory=1000 State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
PartitionName=short Nodes=localhost MaxTime=10 State=UP
CONF
    export SLURM_CONF="$d/slurm.conf"
    /usr/sbin/slurmctld -i 2>"$d/log/slurmctld.err" || { SLURM_CLUSTER_WHY="slurmctld does not start: $(head -c 300 "$d/log/slurmctld.err")"; return 1; }
    /usr/sbin/slurmd -N localhost 2>"$d/log/slurmd.err" || { SLURM_CLUSTER_WHY="slurmd does not start: $(head -c 300 "$d/log/slurmd.err")"; return 1; }
    for ((i = 0; i < 100; i++)); do
        [[ $(sinfo -h -p debug -o %t 2>/dev/null) == idle ]] && return 0
        sleep 0.2
    done
    SLURM_CLUSTER_WHY="the private Slurm node never became idle: $(tail -c 300 "$d/log/slurmctld.log" 2>/dev/null)"
    return 1
}

# Stops slurmctld alone (by pid), for the "engine unavailable" story.
slurm_ctld_stop() {
    local pid
    pid=$(cat "$SLURM_CLUSTER_DIR/slurmctld.pid" 2>/dev/null) || return 0
    kill "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
}

slurm_ctld_start() {
    /usr/sbin/slurmctld 2>>"$SLURM_CLUSTER_DIR/log/slurmctld.err"
    local i
    for ((i = 0; i < 100; i++)); do
        squeue -h >/dev/null 2>&1 && return 0
        sleep 0.2
    done
    return 1
}

# Stops every daemon of the cluster by its pid file.
slurm_cluster_stop() {
    local d=${1:-$SLURM_CLUSTER_DIR} f pid
    [[ -n $d ]] || return 0
    for f in "$d/slurmd.pid" "$d/slurmctld.pid" "$d/munge/munged.pid"; do
        pid=$(cat "$f" 2>/dev/null) || continue
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
    done
    # Jobs slurmd started are in their own sessions: end those still running from this cluster's spool.
    return 0
}
