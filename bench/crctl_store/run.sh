#!/usr/bin/env bash
# Builds bench.cpp against a build's libopskit and runs it:
#   bench/crctl_store/run.sh [BUILD_DIR] [N...]     (defaults: build, 1000 100000 1000000)
# Prints requests/s of a batch create+commit, the per-commit cost of a reuse hit and of new
# work as the store grows, and crctl CLI latency against the largest store. Use an optimised
# build (RelWithDebInfo, the default build type) for meaningful figures.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=$(cd "${1:-$top/build}" && pwd)
shift || true
sizes=("$@")
((${#sizes[@]})) || sizes=(1000 100000 1000000)
grep -q 'CMAKE_BUILD_TYPE:STRING=Debug' "$build/CMakeCache.txt" 2>/dev/null &&
    echo "warning: $build is a Debug build; figures will be low" >&2
lib=$(dirname "$(find "$build" -name 'libopskit-cr.so' -print -quit)")
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
g++ -std=c++20 -O2 -I"$top/lib/include" "$here/bench.cpp" -L"$lib" -Wl,-rpath,"$lib" -lopskit-cr -lopskit-core -lfmt -o "$out/bench"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$out/bench" "$build/bin/crctl" "${sizes[@]}"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
