#!/usr/bin/env bash
# Builds bench.cpp against a build's libopskit and runs it:
#   bench/crctl_swarm/run.sh [BUILD_DIR] [N]     (defaults: build, 200000)
# Prints specs/s of the swarm conversion both ways.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=$(cd "${1:-$top/build}" && pwd)
lib=$(dirname "$(find "$build" -name 'libopskit.so' -print -quit)")
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
g++ -std=c++20 -O2 -I"$top/lib/include" "$here/bench.cpp" -L"$lib" -Wl,-rpath,"$lib" -lopskit -lfmt -o "$out/bench"
"$out/bench" "${2:-200000}"
