# A private one-node Docker Swarm for the crctl swarm tests and bench: a dockerd (with the
# containerd it supervises) from the prefix scripts/install-deps unpacks Debian's docker.io
# into (installing it would remove podman-docker), with its data root, exec root, socket,
# pid file and log under $1, and a busybox image bb:1 imported from busybox-static (no
# registry is reachable). The daemon gets a network namespace of its own: a swarm listens on
# fixed ports (2377, 7946), and another daemon on this machine (a second test run, someone's
# own swarm) must not be able to take them from us or be joined by mistake.
# Started by swarm_cluster_start, stopped by pid with swarm_cluster_stop. Where the machine
# cannot run it (not root, binaries missing, the daemon does not come up) swarm_cluster_start
# returns 1 and leaves the reason in $SWARM_CLUSTER_WHY.

SWARM_PREFIX=${OPSKIT_DOCKER_PREFIX:-/opt/opskit-docker}
# Named by full path: PATH may find a newer client (/usr/local/bin) or podman's shim first.
SWARM_DOCKER=$SWARM_PREFIX/usr/bin/docker

# swarm_cluster_start DIR: starts the daemon, makes it a swarm manager, imports bb:1;
# exports DOCKER_HOST, SWARM_DOCKER and SWARM_CLUSTER_DIR.
swarm_cluster_start() {
    local d=$1 b i pid out
    SWARM_CLUSTER_DIR=$d
    SWARM_CLUSTER_WHY=
    export SWARM_DOCKER SWARM_CLUSTER_DIR
    [[ $(id -u) == 0 ]] || { SWARM_CLUSTER_WHY="a private dockerd needs root here"; return 1; }
    for b in usr/sbin/dockerd usr/bin/containerd usr/bin/containerd-shim-runc-v2 usr/bin/docker-init usr/bin/docker; do
        [[ -x $SWARM_PREFIX/$b ]] ||
            { SWARM_CLUSTER_WHY="$SWARM_PREFIX/$b is missing (scripts/install-deps unpacks docker.io, containerd and tini there)"; return 1; }
    done
    for b in runc unshare ip chroot; do
        PATH="$PATH:/usr/sbin:/sbin" command -v "$b" >/dev/null ||
            { SWARM_CLUSTER_WHY="$b is not installed (scripts/install-deps installs runc, util-linux, iproute2; chroot is coreutils)"; return 1; }
    done
    [[ -x /bin/busybox ]] || { SWARM_CLUSTER_WHY="/bin/busybox is missing (scripts/install-deps installs busybox-static)"; return 1; }
    # Unix socket paths stop at 107 bytes; containerd's sits deepest below the exec root.
    ((${#d} <= 60)) || { SWARM_CLUSTER_WHY="folder $d is too long for the daemons' unix sockets"; return 1; }
    mkdir -p "$d"
    # An empty config of its own: /etc/docker/daemon.json belongs to the machine's daemon.
    echo '{}' > "$d/daemon.json"
    # fd 3 is closed because bats waits for everything holding it before it reports.
    unshare --net -- sh -c 'PATH="$PATH:/usr/sbin:/sbin"; ip link set lo up && exec "$@"' sh \
        env PATH="$SWARM_PREFIX/usr/bin:$SWARM_PREFIX/usr/sbin:/usr/sbin:/usr/bin:/sbin:/bin" \
        "$SWARM_PREFIX/usr/sbin/dockerd" --config-file "$d/daemon.json" \
        --data-root "$d/data" --exec-root "$d/exec" -H "unix://$d/docker.sock" --pidfile "$d/dockerd.pid" \
        --iptables=false --ip-masq=false --bridge=none </dev/null >"$d/dockerd.log" 2>&1 3>&- &
    pid=$!
    echo "$pid" > "$d/dockerd.start.pid"  # stop finds the daemon even if it died before writing --pidfile
    export DOCKER_HOST="unix://$d/docker.sock"
    for ((i = 0; i < 150; i++)); do
        "$SWARM_DOCKER" version --format '{{.Server.Version}}' >/dev/null 2>&1 && break
        swarm_alive "$pid" ||
            { SWARM_CLUSTER_WHY="dockerd exited: $(tail -n 1 "$d/dockerd.log")"; return 1; }
        sleep 0.2
    done
    ((i < 150)) || { SWARM_CLUSTER_WHY="dockerd does not answer on $DOCKER_HOST: $(tail -n 1 "$d/dockerd.log")"; return 1; }
    out=$("$SWARM_DOCKER" swarm init --advertise-addr 127.0.0.1 2>&1) ||
        { SWARM_CLUSTER_WHY="docker swarm init failed: $(tail -n 1 <<<"$out")"; return 1; }
    # The image: busybox and a link for every applet it has, so any story's command exists.
    # It links them from inside a chroot of the tree, where it cannot reach the host's /bin.
    mkdir -p "$d/bb/bin" "$d/bb/tmp" "$d/bb/out"
    cp /bin/busybox "$d/bb/bin/busybox"
    out=$(chroot "$d/bb" /bin/busybox --install -s /bin 2>&1) ||
        { SWARM_CLUSTER_WHY="busybox --install in the image tree failed: $(tail -n 1 <<<"$out")"; return 1; }
    out=$(tar -C "$d/bb" -c . | "$SWARM_DOCKER" import - bb:1 2>&1) ||
        { SWARM_CLUSTER_WHY="docker import of the busybox image failed: $(tail -n 1 <<<"$out")"; return 1; }
    rm -rf "$d/bb"
}

# The swarm node's id (for `docker node update`).
swarm_node_id() { "$SWARM_DOCKER" info --format '{{.Swarm.NodeID}}'; }

# Whether process $1 runs. A daemon this shell started stays a zombie until it is waited
# for, and kill -0 succeeds on a zombie.
swarm_alive() {
    local s
    s=$(ps -o stat= -p "$1" 2>/dev/null) && [[ $s != Z* ]]
}

# Waits up to $2 tenths of a second for process $1 to exit; 1 if it is still there.
swarm_wait_exit() {
    local i
    for ((i = 0; i < $2; i++)); do
        swarm_alive "$1" || { wait "$1" 2>/dev/null || true; return 0; }
        sleep 0.1
    done
    return 1
}

# swarm_cluster_stop [DIR]: ends the swarm's containers, dockerd and its containerd by pid,
# unmounts what the daemon left mounted under DIR and removes DIR.
swarm_cluster_stop() {
    local d=${1:-$SWARM_CLUSTER_DIR} pid cpid m left
    [[ -n $d && -d $d ]] || return 0
    local host="unix://$d/docker.sock"
    pid=$(cat "$d/dockerd.pid" 2>/dev/null || cat "$d/dockerd.start.pid" 2>/dev/null) || pid=
    cpid=$(cat "$d/exec/containerd/containerd.pid" 2>/dev/null) || cpid=
    if [[ -n $pid ]] && swarm_alive "$pid"; then
        # Leaving stops the swarm agent; force-removing every container then ends the tasks, and
        # with them their shims, which would outlive the daemon.
        DOCKER_HOST=$host "$SWARM_DOCKER" swarm leave --force >/dev/null 2>&1 || true
        # shellcheck disable=SC2046
        DOCKER_HOST=$host "$SWARM_DOCKER" rm -f $(DOCKER_HOST=$host "$SWARM_DOCKER" ps -aq 2>/dev/null) >/dev/null 2>&1 || true
        kill "$pid" 2>/dev/null || true
        swarm_wait_exit "$pid" 200 || { kill -9 "$pid" 2>/dev/null; swarm_wait_exit "$pid" 50; } || true
    fi
    # dockerd stops its containerd on a clean exit; after a kill -9 it is still running.
    if [[ -n $cpid ]] && swarm_alive "$cpid"; then
        kill "$cpid" 2>/dev/null || true
        swarm_wait_exit "$cpid" 100 || { kill -9 "$cpid" 2>/dev/null; swarm_wait_exit "$cpid" 50; } || true
    fi
    # Containers of a daemon that did not stop cleanly keep running under their shims: runc's
    # state under our exec root names exactly ours.
    local runc_root="$d/exec/runtime-runc/moby" state
    for state in "$runc_root"/*/; do
        [[ -d $state ]] || continue
        state=${state%/}
        PATH="$PATH:/usr/sbin:/sbin" runc --root "$runc_root" delete --force "${state##*/}" >/dev/null 2>&1 || true
    done
    # Their shims outlive them with no containerd to tell them to go: each names our socket.
    for pid in $(pgrep -f -- "-address $d/exec/containerd/containerd.sock" 2>/dev/null); do
        kill -9 "$pid" 2>/dev/null || true
    done
    # Overlay, shm and netns mounts a killed daemon leaves under its roots, deepest first.
    while read -r m; do
        umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
    done < <(awk -v d="$d/" 'index($2, d) == 1 { print $2 }' /proc/self/mounts | sort -r)
    left=$(awk -v d="$d/" 'index($2, d) == 1' /proc/self/mounts)
    if [[ -n $left ]]; then
        echo "swarm_cluster_stop: still mounted, $d kept: $left" >&2
        return 1
    fi
    rm -rf --one-file-system "$d"
}
