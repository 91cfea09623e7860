# Setup shared by the bkctl bats files: a private simulator state folder, a link folder on
# the same filesystem as the test volume (hard links cannot cross filesystems), an audit
# file that captures the audit line, and a 1 MiB volume of random bytes.
bkctl_setup() {
    hermetic_setup
    export BKCTL_SIM_DIR="$T/sim" BKCTL_DSMC=bkctl-dsmc-sim BKCTL_DEV_DIR="$T/dev" BKCTL_AUDIT_FILE="$T/audit.log"
    export BLKID_FILE="$T/blkid.tab"
    mkdir -p "$BKCTL_SIM_DIR" "$T/dev"
    head -c 1048576 /dev/urandom > "$T/vol.img"
}

# Waits up to 10 s for a file to appear.
wait_for() {
    local i
    for ((i = 0; i < 200; i++)); do
        [[ -e $1 ]] && return 0
        sleep 0.05
    done
    fail "timed out waiting for $1"
}

# Kills a simulator process group left behind by a test (kill -9 of bkctl leaves one).
kill_sim_group() {
    local f="$BKCTL_SIM_DIR/hang.json"
    [[ -e $f ]] || return 0
    kill -KILL -- "-$(jq -r .pgid "$f")" 2>/dev/null || true
}
