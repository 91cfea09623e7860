#!/usr/bin/env bash
# bench/vmctl_fleet: one vmctl invocation over a fleet of three libvirt hosts against the
# same work done host by host and VM by VM. Three private libvirtd's (test driver, one
# holder connection each, as tests/cli/vmctl_fleet.bats starts them), N VMs defined and
# running on each. Every repetition does, from all VMs running:
#
#   fleet:  `vmctl stop --all`, then `vmctl start --all`, one invocation each over the
#           three hosts (vmctl.hosts; default pool: one VM per host at a time, hosts at once).
#   fleet8: the same with vmctl.per_host_parallel=8 (eight VMs per host at a time).
#   single: the same as three sequential single-host runs per verb (`vmctl -c URI …`).
#   virsh:  one `virsh shutdown VM` per VM, then one `virsh start VM` per VM.
#
# It prints, per way, the best and median wall time of stop+start (and each host's own
# single-host time, so the fleet can be set against the slowest host), the ratios, and the
# load average before and after (the machine is shared: read the figures with it).
# Not part of CI. Needs root (private mount namespaces for the daemons), libvirtd and jq.
#
# Usage: bench/vmctl_fleet/run.sh BUILD_DIR [N] [REPS] [VIRSH_REPS]
set -euo pipefail
build=$(cd "${1:?usage: run.sh BUILD_DIR [N] [REPS] [VIRSH_REPS]}" && pwd)
n=${2:-300}
reps=${3:-3}
virsh_reps=${4:-1}
here=$(cd "$(dirname "$0")" && pwd)
vmctl=$build/bin/vmctl
# shellcheck source=../../tests/cli/vm_daemon.bash
source "$here/../../tests/cli/vm_daemon.bash"

base=$(mktemp -d /tmp/vmfb.XXXXXX)
trap 'vm_fleet_stop "$base"' EXIT INT TERM
export OPSKIT_LOCK_DIR=$base/locks VMCTL_SYSLOG=false XDG_CONFIG_HOME=$base/config
hosts=(h1 h2 h3)
spec=()
for h in "${hosts[@]}"; do
    vm_fleet_host_start "$base" "$h" || { echo "run.sh: error: libvirtd for $h did not start" >&2; exit 7; }
    vm_fleet_define "$base" "$h" $(seq -f 'vm%04g' 1 "$n")
    spec+=("$h=$(vm_fleet_uri "$base" "$h")")
done
VMCTL_HOSTS=$(IFS=,; echo "${spec[*]}")
export VMCTL_HOSTS
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

now() { date +%s.%N; }
elapsed() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.3f}')" "$1" "$2"; }
running() {  # running HOST: how many of the bench's VMs run there
    virsh -q -c "$(vm_fleet_uri "$base" "$1")" list --state-running --name | grep -c '^vm' || true
}
check_all() {  # check_all WANT — every host has WANT running bench VMs
    local h
    for h in "${hosts[@]}"; do
        [[ $(running "$h") == "$1" ]] || { echo "run.sh: error: $h has $(running "$h") running, expected $1" >&2; exit 1; }
    done
}

fleet=() fleet8=() single=() virsh_t=()
declare -A per_host
for r in $(seq 1 "$reps"); do
    check_all "$n"
    t0=$(now)
    "$vmctl" -q stop --all --timeout 30s
    t1=$(now)
    check_all 0
    "$vmctl" -q start --all
    t2=$(now)
    check_all "$n"
    fleet+=("$(elapsed "$t0" "$t2")")
    echo "rep $r fleet:  stop $(elapsed "$t0" "$t1") s, start $(elapsed "$t1" "$t2") s" >&2

    t0=$(now)
    VMCTL_PER_HOST_PARALLEL=8 "$vmctl" -q stop --all --timeout 30s
    check_all 0
    VMCTL_PER_HOST_PARALLEL=8 "$vmctl" -q start --all
    t1=$(now)
    check_all "$n"
    fleet8+=("$(elapsed "$t0" "$t1")")
    echo "rep $r fleet8: ${fleet8[-1]} s" >&2

    total=0
    for h in "${hosts[@]}"; do
        t0=$(now)
        VMCTL_HOSTS= "$vmctl" -q -c "$(vm_fleet_uri "$base" "$h")" stop --all --timeout 30s
        VMCTL_HOSTS= "$vmctl" -q -c "$(vm_fleet_uri "$base" "$h")" start --all
        t1=$(now)
        e=$(elapsed "$t0" "$t1")
        per_host[$h]+="$e "
        total=$(python3 -c "import sys; print(f'{float(sys.argv[1]) + float(sys.argv[2]):.3f}')" "$total" "$e")
    done
    check_all "$n"
    single+=("$total")
    echo "rep $r single: $total s" >&2
done

for r in $(seq 1 "$virsh_reps"); do
    check_all "$n"
    t0=$(now)
    for h in "${hosts[@]}"; do
        u=$(vm_fleet_uri "$base" "$h")
        for i in $(seq -f 'vm%04g' 1 "$n"); do virsh -q -c "$u" shutdown "$i" >/dev/null; done
    done
    for h in "${hosts[@]}"; do
        u=$(vm_fleet_uri "$base" "$h")
        for i in $(seq -f 'vm%04g' 1 "$n"); do virsh -q -c "$u" start "$i" >/dev/null; done
    done
    t1=$(now)
    check_all "$n"
    virsh_t+=("$(elapsed "$t0" "$t1")")
    echo "rep $r virsh:  ${virsh_t[-1]} s" >&2
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

python3 - "$n" "$load_before" "$load_after" "${fleet[*]}" "${single[*]}" "${virsh_t[*]}" \
    "${per_host[h1]}" "${per_host[h2]}" "${per_host[h3]}" "${fleet8[*]}" <<'PY'
import statistics, sys
n = int(sys.argv[1]); before, after = sys.argv[2], sys.argv[3]
ways = {"fleet (1 invocation per verb)": sys.argv[4], "single (3 hosts in turn)": sys.argv[5],
        "virsh (1 process per VM)": sys.argv[6]}
extra = {"fleet, 8 VMs per host at a time": sys.argv[10]}
hosts = {f"h{i + 1} alone": sys.argv[7 + i] for i in range(3)}
vals = lambda s: [float(x) for x in s.split()]
print(f"3 hosts x {n} VMs, stop --all then start --all ({6 * n} transitions); load average before {before}, after {after}")
print(f"{'way':34} {'best s':>8} {'median s':>9} {'runs':>5}")
for name, s in {**ways, **extra, **hosts}.items():
    v = vals(s)
    if v:  # no virsh row with VIRSH_REPS=0
        print(f"{name:34} {min(v):8.2f} {statistics.median(v):9.2f} {len(v):5d}")
f, s, v = (statistics.median(vals(x) or [float("nan")]) for x in ways.values())
slowest = max(statistics.median(vals(x)) for x in hosts.values())
f8 = statistics.median(vals(extra["fleet, 8 VMs per host at a time"]))
print(f"fleet / slowest single host: {f / slowest:.2f}   single / fleet: {s / f:.2f}x   virsh / fleet: {v / f:.1f}x"
      f"   virsh / fleet8: {v / f8:.1f}x")
PY
