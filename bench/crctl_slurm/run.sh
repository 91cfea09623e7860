#!/usr/bin/env bash
# crctl on Slurm against a plain sbatch loop, on a private single-node Slurm (the tests'
# fixture, tests/cli/slurm_cluster.bash), in one run:
#   bench/crctl_slurm/run.sh [BUILD_DIR] [N]          (defaults: build, 1000; needs root)
# 1. raw: N `sbatch --wrap true` in a loop, then squeue until none is left (wall time);
# 2. crctl: N committed requests (`true I`), then `crctl dispatch --engine slurm --follow`
#    until every request is Final (wall time, and the ratio to raw). crctl's jobs run
#    `crctl container exec` in a bubblewrap sandbox; the raw jobs run bare `true`;
# 3. squeue polls per second with N jobs held pending;
# 4. reorder: with N jobs pending, one request's priority raised to the top, the time of
#    the one `crctl dispatch --once` pass that renices.
# Prints load average before and after. Not part of the test suite.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=$(cd "${1:-$top/build}" && pwd)
n=${2:-1000}
export PATH="$build/bin:$PATH"
work=$(mktemp -d /tmp/crctl-slurm-bench.XXXXXX)
# shellcheck source=../../tests/cli/slurm_cluster.bash
source "$top/tests/cli/slurm_cluster.bash"
cleanup() { scancel --user=root 2>/dev/null || true; slurm_cluster_stop "$work/slurm"; rm -rf "$work"; }
trap cleanup EXIT
slurm_cluster_start "$work/slurm" || { echo "bench: private Slurm does not start: $SLURM_CLUSTER_WHY" >&2; exit 7; }
export CRCTL_STORE="$work/store/crctl.db" CRCTL_SPOOL="$work/spool" CRCTL_ENGINE=slurm CRCTL_POLL_INTERVAL=0.2
export XDG_STATE_HOME="$work/state" CRCTL_SYSLOG=false OPSKIT_LOCK_DIR="$work/locks"
now() { date +%s.%N; }
since() { echo "$(now) - $1" | bc; }
wait_squeue_empty() { while [[ -n $(squeue -h -o %i | head -1) ]]; do sleep 0.2; done; }

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)   N=$n"

# 1. raw sbatch loop
t=$(now)
for ((i = 0; i < n; i++)); do sbatch --quiet --job-name="raw-$i" --no-requeue --output=/dev/null --wrap true >/dev/null; done
submit_raw=$(since "$t")
wait_squeue_empty
raw=$(since "$t")
printf 'raw sbatch loop:        %8.2f s (submit %.2f s)\n' "$raw" "$submit_raw"

# 2. crctl dispatch --follow
for ((i = 0; i < n; i++)); do crctl -q request create --image host --commit --priority $((1 + i % 900)) -- true "$i"; done
t=$(now)
crctl dispatch --follow >"$work/follow.log" 2>&1 &
follow=$!
until [[ $(sqlite3 "$CRCTL_STORE" "SELECT count(*) FROM container_requests WHERE state != 'Final'") == 0 ]]; do sleep 0.2; done
crctl_s=$(since "$t")
kill "$follow"; wait "$follow" 2>/dev/null || true
complete=$(sqlite3 "$CRCTL_STORE" "SELECT count(*) FROM containers WHERE state = 'Complete'")
printf 'crctl dispatch --follow: %7.2f s (%s of %s Complete)   ratio %.2f\n' "$crctl_s" "$complete" "$n" "$(echo "$crctl_s / $raw" | bc -l)"
wait_squeue_empty

# 3 and 4: N jobs held pending (begin in 10 minutes), one priority change
export CRCTL_SLURM_SBATCH_ARGS='--begin=now+600'
reqs=()
for ((i = 0; i < n; i++)); do
    reqs+=("$(crctl -o json request create --image host --commit --priority $((1 + i % 900)) -- true "held-$i" | jq -r .uuid)")
done
crctl dispatch --once >/dev/null   # submits all
crctl dispatch --once >/dev/null   # plans the nices
t=$(now)
for ((i = 0; i < 20; i++)); do squeue --all --noheader --format='%j %y %Q %T %i %r' >/dev/null; done
printf 'squeue with %s jobs:   %8.1f polls/s\n' "$n" "$(echo "20 / $(since "$t")" | bc -l)"
crctl request update "${reqs[0]}" --priority 1000 >/dev/null
t=$(now)
crctl -o json dispatch --once >"$work/reorder.json"
printf 'reorder after one priority change: %.2f s (one pass over %s pending jobs)\n' "$(since "$t")" "$n"
echo "load average after:  $(cut -d' ' -f1-3 /proc/loadavg)"
