# Helpers for the vmctl suites that need a libvirt daemon: a private libvirtd (own config,
# socket folder, pid file, log) with only the drivers a suite needs, plus a "holder"
# connection that keeps the test driver's shared state alive across vmctl processes.
# Everything lives under one short folder in /tmp (unix socket paths must stay < 108 bytes)
# and vm_daemon_stop tears it down whatever happened.

# vm_daemon_start DIR DRIVER... — starts libvirtd with the named connection drivers (and the
# qemu.conf in DIR/etc/ if the caller put one there).
# Sets VMD_DIR, VMD_SOCK. Returns 1 (with a reason on stderr) when it cannot run here.
vm_daemon_start() {
    VMD_DIR=$1
    shift
    command -v libvirtd >/dev/null || { echo "libvirtd not installed" >&2; return 1; }
    [[ $EUID -eq 0 ]] || { echo "needs root (private mount namespace for libvirtd)" >&2; return 1; }
    unshare --mount true 2>/dev/null || { echo "cannot create a mount namespace" >&2; return 1; }
    local libdir=/usr/lib/x86_64-linux-gnu/libvirt/connection-driver
    mkdir -p "$VMD_DIR/run" "$VMD_DIR/drivers"
    local d
    for d in "$@"; do
        [[ -e $libdir/libvirt_driver_$d.so ]] || { echo "libvirt driver $d missing" >&2; return 1; }
        ln -sf "$libdir/libvirt_driver_$d.so" "$VMD_DIR/drivers/"
    done
    cat > "$VMD_DIR/libvirtd.conf" <<CONF
unix_sock_dir = "$VMD_DIR/run"
unix_sock_group = "root"
unix_sock_rw_perms = "0770"
auth_unix_ro = "none"
auth_unix_rw = "none"
log_outputs = "3:file:$VMD_DIR/libvirtd.log"
CONF
    VMD_SOCK=$VMD_DIR/run/libvirt-sock
    export VMD_DIR VMD_SOCK
    # The daemon gets its own mount namespace: empty tmpfs over the folders where a system
    # libvirtd keeps state (/run, /var/lib, /var/cache, /var/log), and $VMD_DIR/etc over
    # /etc/libvirt when the caller wrote one (qemu.conf), so nothing on the host is created
    # or changed, and it all vanishes with the daemon's processes.
    local mounts="mount -t tmpfs vmd-run /run && mount -t tmpfs vmd-lib /var/lib && mount -t tmpfs vmd-cache /var/cache && mount -t tmpfs vmd-log /var/log"
    [[ -d $VMD_DIR/etc ]] && mounts+=" && mount --bind $VMD_DIR/etc /etc/libvirt"
    printf '#!/bin/bash\nset -e\n%s\nexec "$@"\n' "$mounts" > "$VMD_DIR/ns.sh"
    chmod +x "$VMD_DIR/ns.sh"
    unshare --mount --propagation private "$VMD_DIR/ns.sh" \
        env LIBVIRT_DRIVER_DIR="$VMD_DIR/drivers" libvirtd -f "$VMD_DIR/libvirtd.conf" -p "$VMD_DIR/libvirtd.pid" \
        >"$VMD_DIR/stdout.log" 2>&1 &
    echo $! > "$VMD_DIR/launcher.pid"
    local i
    for i in $(seq 1 100); do
        [[ -S $VMD_SOCK ]] && return 0
        kill -0 "$(cat "$VMD_DIR/launcher.pid")" 2>/dev/null || break
        sleep 0.1
    done
    echo "libvirtd did not come up: $(tail -n 3 "$VMD_DIR/libvirtd.log" "$VMD_DIR/stdout.log" 2>/dev/null)" >&2
    return 1
}

# vm_holder_start URI — one connection kept open for the test's life.
vm_holder_start() {
    virsh -q -c "$1" event --all --loop --timeout 600 >/dev/null 2>&1 &
    echo $! > "$VMD_DIR/holder.pid"
    # Ready once a second connection sees the driver.
    local i
    for i in $(seq 1 50); do
        virsh -q -c "$1" list --all >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    return 1
}

vm_holder_stop() {
    [[ -f $VMD_DIR/holder.pid ]] || return 0
    kill "$(cat "$VMD_DIR/holder.pid")" 2>/dev/null || true
    wait "$(cat "$VMD_DIR/holder.pid")" 2>/dev/null || true
    rm -f "$VMD_DIR/holder.pid"
}

# vm_daemon_stop — kills the holder and libvirtd (and waits for them), removes the folder.
vm_daemon_stop() {
    [[ -n ${VMD_DIR:-} && -d $VMD_DIR ]] || return 0
    vm_holder_stop
    local pid
    for f in "$VMD_DIR/libvirtd.pid" "$VMD_DIR/launcher.pid"; do
        [[ -f $f ]] || continue
        pid=$(cat "$f")
        kill "$pid" 2>/dev/null || true
    done
    for i in $(seq 1 50); do
        [[ -f $VMD_DIR/launcher.pid ]] && kill -0 "$(cat "$VMD_DIR/launcher.pid")" 2>/dev/null || break
        sleep 0.1
    done
    [[ -f $VMD_DIR/launcher.pid ]] && kill -9 "$(cat "$VMD_DIR/launcher.pid")" 2>/dev/null || true
    rm -rf "$VMD_DIR"
}

# --- A fleet: several private libvirtd's side by side ------------------------------------
# Each host is a folder BASE/NAME with its own daemon, socket folder and holder. No
# connection drivers are linked (the test driver is built into libvirt): the secret and
# storage drivers keep pid files in /run/libvirt that a second daemon could not take.

# vm_fleet_uri BASE NAME — the URI of one host.
vm_fleet_uri() { echo "test+unix:///default?socket=$1/$2/run/libvirt-sock"; }

# vm_fleet_host_up BASE NAME — starts (or restarts) one host's daemon. A killed daemon
# leaves its socket files behind: removed first, so the wait sees the new daemon's.
vm_fleet_host_up() {
    rm -f "$1/$2/run/"libvirt-*sock* "$1/$2/down" 2>/dev/null || true
    vm_daemon_start "$1/$2"
}

# vm_fleet_host_start BASE NAME — starts (or restarts) one host's daemon and holder.
vm_fleet_host_start() {
    vm_fleet_host_up "$1" "$2" || return 1
    vm_holder_start "$(vm_fleet_uri "$1" "$2")"
}

# vm_fleet_host_kill BASE NAME — kills one host's libvirtd by pid (a host that went down),
# and its holder; the folder stays, marked `down`, so the host can be started again (the
# daemon may stay a zombie of the shell that started it, so kill -0 cannot tell).
vm_fleet_host_kill() {
    local dir=$1/$2 pid
    [[ -f $dir/launcher.pid ]] || return 0
    pid=$(cat "$dir/launcher.pid")
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    touch "$dir/down"
    VMD_DIR=$dir vm_holder_stop
}

# vm_fleet_host_down BASE NAME — true when vm_fleet_host_kill took the host down.
vm_fleet_host_down() { [[ -e $1/$2/down ]]; }

# vm_fleet_define BASE NAME VM... — defines and starts test domains through one host, in
# one virsh process.
vm_fleet_define() {
    local uri dir=$1/$2 cmds="" vm
    uri=$(vm_fleet_uri "$1" "$2")
    shift 2
    mkdir -p "$dir/xml"
    for vm in "$@"; do
        printf "<domain type='test'><name>%s</name><memory>65536</memory><vcpu>1</vcpu><os><type>hvm</type></os></domain>\n" \
            "$vm" > "$dir/xml/$vm.xml"
        cmds+="define $dir/xml/$vm.xml; start $vm; "
    done
    virsh -q -c "$uri" "$cmds" >/dev/null
}

# vm_fleet_stop BASE — stops every host's daemon by pid and removes BASE.
vm_fleet_stop() {
    [[ -n ${1:-} && -d $1 ]] || return 0
    local dir
    for dir in "$1"/*/; do
        [[ -f $dir/launcher.pid ]] || continue
        VMD_DIR=${dir%/} vm_daemon_stop
    done
    rm -rf "$1"
}
