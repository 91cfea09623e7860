#!/usr/bin/env bash
# bench/vmctl_bulk: the cost of bulk power operations through vmctl versus one virsh process
# per VM, on libvirt's test driver with 1,000 VMs from a generated node XML.
#
#   vmctl: `vmctl stop --all` on a node where all 1,000 run, and `vmctl start --all` on the
#          same node with all 1,000 shut off — 2,000 real transitions in 2 invocations.
#   virsh: 2,000 invocations (`virsh shutdown domN`, `virsh start domN`) on the same files.
#
# Caveat: the test driver keeps state per connection, so every virsh process (and each of
# the two vmctl runs) starts from the node file's fresh state. That is why the stop and start
# halves use two node files; it still measures what matters here, the per-invocation cost
# (process start, connect, parse the node) against one connection doing the whole batch.
# Also reported: vmctl's own start-up time (`vmctl --version`, and `list` on test:///default).
#
# Usage: bench/vmctl_bulk/run.sh BUILD_DIR [N]
set -euo pipefail
build=$(cd "${1:?usage: run.sh BUILD_DIR [N]}" && pwd)
n=${2:-1000}
vmctl=$build/bin/vmctl
work=$(mktemp -d /tmp/vmbench.XXXXXX)
trap 'rm -rf "$work"' EXIT INT TERM
export OPSKIT_LOCK_DIR=$work/locks VMCTL_SYSLOG=false XDG_CONFIG_HOME=$work/config

gen() {  # gen FILE RUNSTATE
    {
        echo "<node>"
        for i in $(seq 1 "$n"); do
            echo "<domain type='test' xmlns:test='http://libvirt.org/schemas/domain/test/1.0'><name>dom$i</name><memory>65536</memory><os><type>hvm</type></os><test:runstate>$2</test:runstate></domain>"
        done
        echo "</node>"
    } > "$1"
}
gen "$work/running.xml" 1
gen "$work/stopped.xml" 5

now() { date +%s.%N; }
t0=$(now)
"$vmctl" -q -c "test://$work/running.xml" stop --all --timeout 10s
"$vmctl" -q -c "test://$work/stopped.xml" start --all
t1=$(now)
# Check that the runs really changed every VM (counted from the JSON of a second pass).
changed=$("$vmctl" -o json -c "test://$work/running.xml" stop --all | jq '[.[] | select(.changed)] | length')

t2=$(now)
for i in $(seq 1 "$n"); do virsh -q -c "test://$work/running.xml" shutdown "dom$i" >/dev/null; done
for i in $(seq 1 "$n"); do virsh -q -c "test://$work/stopped.xml" start "dom$i" >/dev/null; done
t3=$(now)

t4=$(now)
for _ in $(seq 1 20); do "$vmctl" --version >/dev/null; done
t5=$(now)
for _ in $(seq 1 20); do "$vmctl" -q -c test:///default list >/dev/null; done
t6=$(now)

python3 - "$t0" "$t1" "$t2" "$t3" "$t4" "$t5" "$t6" "$n" "$changed" <<'PY'
import sys
t0, t1, t2, t3, t4, t5, t6 = map(float, sys.argv[1:8]); n = int(sys.argv[8]); changed = sys.argv[9]
vm, vs = t1 - t0, t3 - t2
print(f"VMs: {n}; vmctl stop --all changed {changed} of {n}")
print(f"vmctl: 2 invocations, {2*n} transitions: {vm:.2f} s")
print(f"virsh: {2*n} invocations:             {vs:.2f} s")
print(f"ratio virsh/vmctl: {vs/vm:.1f}x")
print(f"vmctl start-up: --version {1000*(t5-t4)/20:.1f} ms, list on test:///default {1000*(t6-t5)/20:.1f} ms (mean of 20)")
PY
