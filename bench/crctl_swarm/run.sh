#!/usr/bin/env bash
# crctl on Docker Swarm, in one run (see README.md):
#   bench/crctl_swarm/run.sh [BUILD_DIR]        (default build; env N=200 REPEAT=1 CONV_N=200000)
# 1. conversion: specs/s of the pure container <-> ServiceSpec conversion (bench.cpp);
# 2. on a private one-node swarm (the tests' fixture, tests/cli/swarm_cluster.bash; needs
#    root), REPEAT times each, alternating:
#    crctl - N committed requests (`true rR-I`, distinct so none is reused) under
#            `crctl dispatch --engine swarm --follow`, wall time from the first create until
#            every request is Final;
#    raw   - the same N as `docker service create` with crctl's reservations and limits
#            (1 CPU, 256 MiB), a wait until every job completed, and `docker service rm`.
# Prints best and median of each, their ratios, and the load average before and after.
# Not part of the test suite.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=$(cd "${1:-$top/build}" && pwd)
n=${N:-200}
repeat=${REPEAT:-1}
conv_n=${CONV_N:-200000}
export PATH="$build/bin:$PATH"
for p in jq sqlite3 bc; do
    command -v "$p" >/dev/null || { echo "bench: $p is not installed (scripts/install-deps installs it)" >&2; exit 7; }
done
work=$(mktemp -d /tmp/crctl-swarm-bench.XXXXXX)
# shellcheck source=../../tests/cli/swarm_cluster.bash
source "$top/tests/cli/swarm_cluster.bash"
follow=
cleanup() {
    [[ -z $follow ]] || kill "$follow" 2>/dev/null || true
    swarm_cluster_stop "$work/swarm" || true
    rm -rf "$work"
}
trap cleanup EXIT
now() { date +%s.%N; }
since() { echo "$(now) - $1" | bc; }

# 1. conversion speed
lib=$(dirname "$(find "$build" -name 'libopskit.so' -print -quit)")
g++ -std=c++20 -O2 -I"$top/lib/include" "$here/bench.cpp" -L"$lib" -Wl,-rpath,"$lib" -lopskit -lfmt -o "$work/convert"
"$work/convert" "$conv_n"

# 2. the swarm
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)   N=$n REPEAT=$repeat"
t=$(now)
swarm_cluster_start "$work/swarm" || { echo "bench: private Docker Swarm does not start: $SWARM_CLUSTER_WHY" >&2; exit 7; }
printf 'swarm fixture start:    %8.2f s\n' "$(since "$t")"
export CRCTL_SYSLOG=false XDG_STATE_HOME="$work/state" OPSKIT_LOCK_DIR="$work/locks"
# A run that cannot finish (a task that never completes) is cut off here rather than hanging.
limit=$((120 + 3 * n))

# crctl_run R: sets took to the wall time of N requests through dispatch --follow.
crctl_run() {
    local r=$1 i t store="$work/store-$1/crctl.db"
    export CRCTL_STORE=$store CRCTL_SPOOL="$work/spool-$r"
    crctl dispatch --engine swarm --follow >"$work/follow-$r.log" 2>&1 &
    follow=$!
    t=$(now)
    for ((i = 0; i < n; i++)); do crctl -q request create --image bb:1 --commit --priority 500 -- true "r$r-$i"; done
    until [[ $(sqlite3 "$store" "SELECT count(*) FROM container_requests WHERE state != 'Final'") == 0 ]]; do
        (($(printf '%.0f' "$(since "$t")") < limit)) || { echo "bench: crctl run $r not final after $limit s (log: $(tail -n 3 "$work/follow-$r.log"))" >&2; exit 1; }
        sleep 0.2
    done
    took=$(since "$t")
    kill "$follow"
    wait "$follow" 2>/dev/null || true
    follow=
    local ok
    ok=$(sqlite3 "$store" "SELECT count(*) FROM containers WHERE state = 'Complete' AND exit_code = 0")
    ((ok == n)) || { echo "bench: crctl run $r: $ok of $n containers Complete with exit 0" >&2; exit 1; }
}

# raw_run R: sets took to the wall time of N docker service create + wait + rm.
raw_run() {
    local r=$1 i t done_
    t=$(now)
    # --no-resolve-image: crctl creates services through the API without a registry look-up;
    # the CLI would otherwise try to reach Docker Hub for every service.
    for ((i = 0; i < n; i++)); do
        # Named: docker's random names collide now and then with a service still being removed.
        "$SWARM_DOCKER" service create --detach --quiet --no-resolve-image --name "raw$r-$i" --label "bench=raw-$r" \
            --mode replicated-job --restart-condition none --reserve-cpu 1 --limit-cpu 1 \
            --reserve-memory 256m --limit-memory 256m bb:1 true >/dev/null
    done
    while :; do
        done_=$("$SWARM_DOCKER" service ls --filter "label=bench=raw-$r" --format '{{.Replicas}}' | grep -c '(1/1 completed)' || true)
        ((done_ == n)) && break
        (($(printf '%.0f' "$(since "$t")") < limit)) || { echo "bench: raw run $r: $done_ of $n completed after $limit s" >&2; exit 1; }
        sleep 0.2
    done
    # shellcheck disable=SC2046
    "$SWARM_DOCKER" service rm $("$SWARM_DOCKER" service ls -q --filter "label=bench=raw-$r") >/dev/null
    took=$(since "$t")
}

# Best and median of the numbers on stdin.
best() { sort -g | head -n 1; }
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

crctl_times=() raw_times=()
for ((r = 1; r <= repeat; r++)); do
    # Alternating the order spreads a drift of the machine's load over both ways.
    if ((r % 2)); then
        crctl_run "$r"; crctl_times+=("$took")
        raw_run "$r"; raw_times+=("$took")
    else
        raw_run "$r"; raw_times+=("$took")
        crctl_run "$r"; crctl_times+=("$took")
    fi
    printf 'run %d: crctl %8.2f s   raw %8.2f s\n' "$r" "${crctl_times[-1]}" "${raw_times[-1]}"
done
cb=$(printf '%s\n' "${crctl_times[@]}" | best) cm=$(printf '%s\n' "${crctl_times[@]}" | median)
rb=$(printf '%s\n' "${raw_times[@]}" | best) rm_=$(printf '%s\n' "${raw_times[@]}" | median)
printf 'crctl dispatch --follow: best %8.2f s  median %8.2f s  (%.1f containers/s)\n' "$cb" "$cm" "$(echo "$n / $cb" | bc -l)"
printf 'docker service loop:     best %8.2f s  median %8.2f s  (%.1f containers/s)\n' "$rb" "$rm_" "$(echo "$n / $rb" | bc -l)"
printf 'ratio crctl/raw:         best %8.2f    median %8.2f\n' "$(echo "$cb / $rb" | bc -l)" "$(echo "$cm / $rm_" | bc -l)"
echo "load average after:  $(cut -d' ' -f1-3 /proc/loadavg)"
