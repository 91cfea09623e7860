#!/usr/bin/env bash
# Start-up cost of the three tools, side by side in one hyperfine run with the floors a user
# compares against: /bin/true, and a C++ hello-world linked only to libstdc++. Also a crctl
# read verb against a 100k-request store (made by bench/crctl_store), and what each tool maps
# at start (`ldd | wc -l`).
#   bench/startup/run.sh [BUILD_DIR] [ROWS]        (defaults: build, 100000)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=$(cd "${1:-$top/build}" && pwd)
rows=${2:-100000}
command -v hyperfine >/dev/null || { echo "bench/startup: needs hyperfine (apt-get install hyperfine)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The installed tree, as users run it: the build tree's RUNPATH ends in an empty entry
# (CMake's room for the install RPATH), which sends the loader through the current folder
# for every system library.
DESTDIR="$work/root" cmake --install "$build" --prefix /usr >/dev/null
bin=$work/root/usr/bin

printf '#include <iostream>\nint main() { std::cout << "hello\\n"; }\n' >"$work/hello.cpp"
g++ -O2 "$work/hello.cpp" -o "$work/hello"

# Each tool's libraries alone: an empty main linked to exactly the shared objects the tool
# names (DT_NEEDED), placed beside it so it finds them the same way. The gap between this
# and `TOOL --version` is what our code and our libraries' size cost at start; the gap
# between this and /bin/true is what loading those libraries costs, which no code of ours
# can remove.
printf 'int main() { return 0; }\n' >"$work/empty.cpp"
for t in bkctl crctl vmctl; do
    needed=()
    while read -r so; do needed+=("-l:$so"); done < <(readelf -d "$bin/$t" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p')
    g++ -O2 "$work/empty.cpp" -o "$bin/libs-of-$t" -L"$bin/../lib" -Wl,--no-as-needed "${needed[@]}" \
        -Wl,-rpath,'$ORIGIN/../lib'
done

echo "== store of $rows requests (bench/crctl_store)"
CRCTL_BENCH_DIR="$work/stores" "$top/bench/crctl_store/run.sh" "$build" "$rows" | tail -8
store="$work/stores/$rows/crctl.db"
export CRCTL_STORE=$store CRCTL_SYSLOG=false
uuid=$("$bin/crctl" -o json request list --limit 1 | jq -r '.[0].uuid')

echo "== shared objects mapped at start (ldd | wc -l)"
for t in bkctl crctl vmctl; do printf '  %-6s %3d\n' "$t" "$(ldd "$bin/$t" | wc -l)"; done
printf '  %-6s %3d\n' hello "$(ldd "$work/hello" | wc -l)"

echo "== load average: $(cut -d' ' -f1-3 /proc/loadavg)"
hyperfine -N --warmup 20 --runs 300 --export-json "$work/startup.json" \
    -n true /bin/true -n hello "$work/hello" \
    -n "bkctl's libraries, empty main" "$bin/libs-of-bkctl" \
    -n "crctl's libraries, empty main" "$bin/libs-of-crctl" \
    -n "vmctl's libraries, empty main" "$bin/libs-of-vmctl" \
    -n 'bkctl --version' "$bin/bkctl --version" \
    -n 'crctl --version' "$bin/crctl --version" \
    -n 'vmctl --version' "$bin/vmctl --version" \
    -n 'bkctl -h' "$bin/bkctl -h" \
    -n 'crctl -h' "$bin/crctl -h" \
    -n 'vmctl -h' "$bin/vmctl -h" \
    -n "crctl request list --limit 10 ($rows)" "$bin/crctl -q request list --limit 10" \
    -n "crctl request show ($rows)" "$bin/crctl -o json request show $uuid" >/dev/null
echo "== load average: $(cut -d' ' -f1-3 /proc/loadavg)"
# best and median per command, and the ratio of the median to /bin/true's.
jq -r '(.results[] | select(.command == "true") | .median) as $t |
       ["command", "best ms", "median ms", "x true"], (.results[] |
       [.command, (.min * 1000 * 100 | round / 100), (.median * 1000 * 100 | round / 100),
        (.median / $t * 10 | round / 10)]) | @tsv' "$work/startup.json" | column -t -s $'\t'
