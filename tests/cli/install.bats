#!/usr/bin/env bats
# `cmake --install` and CPack: the installed tree has everything a distribution needs, and
# other programs can build against libopskit with CMake or pkg-config.
load helpers

setup() {
    hermetic_setup
    ROOT="$T/root"
    DESTDIR="$ROOT" cmake --install "$OPSKIT_BUILD_DIR" --prefix /usr >/dev/null
    LIBDIR=$(cd "$ROOT/usr" && ls -d lib/*-linux-gnu 2>/dev/null || echo lib)
}

@test "install puts binaries, library, headers, pkg-config, CMake package, man pages, completions" {
    for tool in bkctl crctl vmctl; do
        [[ -x $ROOT/usr/bin/$tool ]] || fail "missing bin/$tool"
        [[ -f $ROOT/usr/share/bash-completion/completions/$tool ]] || fail "missing bash completion $tool"
        [[ -f $ROOT/usr/share/zsh/vendor-completions/_$tool ]] || fail "missing zsh completion $tool"
        [[ -f $ROOT/usr/share/fish/vendor_completions.d/$tool.fish ]] || fail "missing fish completion $tool"
        [[ -f $ROOT/usr/share/man/man1/$tool.1 ]] || fail "missing man page $tool.1"
    done
    [[ -f $ROOT/usr/share/man/man7/opskit.7 ]]
    for domain in core device dsmc backup cr vm; do
        ls "$ROOT/usr/$LIBDIR"/libopskit-$domain.so.0* >/dev/null || fail "missing libopskit-$domain.so.0"
        [[ -L $ROOT/usr/$LIBDIR/libopskit-$domain.so ]] || fail "missing libopskit-$domain.so"
        [[ -f $ROOT/usr/$LIBDIR/pkgconfig/opskit-$domain.pc ]] || fail "missing opskit-$domain.pc"
    done
    grep -q AS_NEEDED "$ROOT/usr/$LIBDIR/libopskit.so"
    [[ -f $ROOT/usr/include/opskit/core/error.hpp ]]
    [[ -f $ROOT/usr/$LIBDIR/pkgconfig/opskit.pc ]]
    [[ -f $ROOT/usr/$LIBDIR/cmake/opskit/opskitConfig.cmake ]]
    [[ -f $ROOT/usr/$LIBDIR/cmake/opskit/opskitConfigVersion.cmake ]]
}

@test "installed binaries run from the install tree (relative rpath)" {
    run -0 --separate-stderr "$ROOT/usr/bin/vmctl" --version
    [[ $output == "vmctl "* ]]
    run -0 ldd "$ROOT/usr/bin/vmctl"
    # Each domain library vmctl loads comes from the install tree; none of bkctl's or crctl's.
    found=$(awk '/libopskit/ {print $3}' <<<"$output")
    [[ $(wc -l <<<"$found") == 2 ]] || fail "$output"
    while read -r lib; do
        [[ $(realpath "$lib") == $(realpath "$ROOT/usr/$LIBDIR")/libopskit-@(core|vm).so.0* ]] || fail "$output"
    done <<<"$found"
}

@test "a consumer project builds with find_package(opskit)" {
    cmake -S "$OPSKIT_SOURCE_DIR/tests/data/consumer" -B "$T/consumer" -G Ninja \
          -DCMAKE_PREFIX_PATH="$ROOT/usr" >/dev/null
    cmake --build "$T/consumer" >/dev/null
    run -0 env LD_LIBRARY_PATH="$ROOT/usr/$LIBDIR" "$T/consumer/consumer"
    [[ $(jq -r .seconds <<<"$output") == 300* ]]
    [[ $(jq -r .version <<<"$output") =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]
}

@test "a consumer builds with pkg-config --cflags --libs opskit" {
    export PKG_CONFIG_PATH="$ROOT/usr/$LIBDIR/pkgconfig"
    run -0 pkg-config --cflags --libs opskit
    flags=$output
    # shellcheck disable=SC2086
    g++ -o "$T/pc-consumer" "$OPSKIT_SOURCE_DIR/tests/data/consumer/main.cpp" $flags
    run -0 env LD_LIBRARY_PATH="$ROOT/usr/$LIBDIR" "$T/pc-consumer"
    [[ $(jq -r .seconds <<<"$output") == 300* ]]
}

@test "CPack builds a .deb that unpacks into a working tree" {
    command -v dpkg-deb >/dev/null || skip "dpkg-deb not available"
    (cd "$T" && cpack --config "$OPSKIT_BUILD_DIR/CPackConfig.cmake" -B "$T/pkg" >/dev/null)
    deb=$(ls "$T"/pkg/*.deb)
    run -0 dpkg-deb -f "$deb" Package
    [[ $output == opskit ]]
    dpkg -x "$deb" "$T/debroot"
    run -0 --separate-stderr "$T/debroot/usr/bin/crctl" --version
    [[ $output == "crctl "* ]]
}

@test "each tool loads only its domains: bkctl no libvirt or SQLite, crctl no libvirt or libblkid" {
    run -0 ldd "$ROOT/usr/bin/bkctl"
    [[ $output != *libvirt* && $output != *libsqlite3* && $output != *libopskit-cr* ]] || fail "$output"
    run -0 ldd "$ROOT/usr/bin/crctl"
    [[ $output != *libvirt* && $output != *libblkid* && $output != *libopskit-vm* ]] || fail "$output"
    # libvirt itself pulls in libblkid (through libmount), so vmctl is judged by what it and
    # its domain libraries ask for themselves (DT_NEEDED), not by ldd's transitive closure.
    run -0 ldd "$ROOT/usr/bin/vmctl"
    [[ $output != *libsqlite3* && $output != *libopskit-device* && $output != *libopskit-cr* ]] || fail "$output"
    run -0 readelf -d "$ROOT/usr/bin/vmctl" "$ROOT/usr/$LIBDIR"/libopskit-vm.so.0 "$ROOT/usr/$LIBDIR"/libopskit-core.so.0
    [[ $output != *libblkid* && $output != *libsqlite3* ]] || fail "$output"
}

@test "yaml-cpp loads only to read a YAML file, libblkid only to resolve a device, SQLite only for a store" {
    for tool in bkctl crctl vmctl; do
        run -0 ldd "$ROOT/usr/bin/$tool"
        [[ $output != *libyaml-cpp* && $output != *libblkid* && $output != *libsqlite3* ]] || fail "$tool maps them at start: $output"
        for arg in --version -h; do
            LD_DEBUG=files "$ROOT/usr/bin/$tool" $arg 2>"$T/start.ld" >/dev/null
            ! grep -qE 'yaml|libblkid|libsqlite3' "$T/start.ld" || fail "$tool $arg loaded: $(grep -E 'yaml|libblkid|libsqlite3' "$T/start.ld" | head -3)"
        done
    done
    # A crctl verb that writes or reads a store opens SQLite.
    LD_DEBUG=files run -0 --separate-stderr "$ROOT/usr/bin/crctl" -o json request create --priority 1 -- true
    [[ $(jq -r .state <<<"$output") == Uncommitted ]] || fail "$output"
    grep -q 'libsqlite3.so.0' <<<"$stderr" || fail "request create did not load SQLite"
    LD_DEBUG=files run -0 --separate-stderr "$ROOT/usr/bin/crctl" -o json request list
    [[ $(jq length <<<"$output") == 1 ]] || fail "$output"
    grep -q 'libsqlite3.so.0' <<<"$stderr" || fail "request list did not load SQLite"
    # No config file: a verb that reads the configuration maps neither.
    LD_DEBUG=files "$ROOT/usr/bin/bkctl" -o json config show 2>"$T/show.ld" >/dev/null
    ! grep -qE 'yaml|libblkid' "$T/show.ld" || fail "loaded: $(grep -E 'yaml|libblkid' "$T/show.ld" | head -3)"
    # A config file: the YAML reader comes from beside libopskit-core, and its values count.
    user_config <<<$'bkctl:\n  dsmc: /opt/tivoli/dsmc'
    LD_DEBUG=files run -0 --separate-stderr "$ROOT/usr/bin/bkctl" -o json config show
    [[ $(jq -r .bkctl.dsmc <<<"$output") == /opt/tivoli/dsmc ]] || fail "$output"
    plugin=$(grep -o '[^ ]*libopskit-core-yaml.so.0' <<<"$stderr" | grep '^/' | head -1)
    [[ $(realpath "$plugin") == $(realpath "$ROOT/usr/$LIBDIR")/libopskit-core-yaml.so.0* ]] || fail "plugin from ${plugin:-nowhere}"
    [[ $stderr != *libblkid* ]] || fail "config show loaded libblkid"
    # Resolving a device opens libblkid, which probes it.
    mkfs.ext4 -q -L opskit-lazy "$T/fs.img" 4M 2>/dev/null || truncate -s 4M "$T/fs.img"
    LD_DEBUG=files run -0 --separate-stderr "$ROOT/usr/bin/bkctl" -o json resolve --allow-file "$T/fs.img"
    grep -q 'libblkid.so.1' <<<"$stderr" || fail "resolve did not load libblkid"
    if command -v mkfs.ext4 >/dev/null; then
        [[ $(jq -r '.[0].probed.LABEL' <<<"$output") == opskit-lazy ]] || fail "$output"
    fi
}

@test "a missing YAML reader fails only a run that has a config file: one line, exit 7" {
    rm "$ROOT/usr/$LIBDIR"/libopskit-core-yaml.so*
    run -0 --separate-stderr "$ROOT/usr/bin/crctl" -o json config show
    [[ $(jq -r .crctl.store <<<"$output") != null ]] || fail "$output"
    user_config <<<$'crctl:\n  store: /tmp/elsewhere.db'
    run -7 --separate-stderr "$ROOT/usr/bin/crctl" -o json config show
    [[ $stderr == "crctl: error: load the YAML reader ($ROOT/usr/$LIBDIR/libopskit-core-yaml.so.0): "* ]] || fail "$stderr"
    [[ $(wc -l <<<"$stderr") == 1 ]] || fail "$stderr"
}

@test "vmctl loads libvirt only for a verb that needs it, from the plugin beside libopskit-vm" {
    run -0 ldd "$ROOT/usr/bin/vmctl"
    [[ $output != *libvirt* ]] || fail "vmctl links libvirt at start: $output"
    [[ -f $ROOT/usr/$LIBDIR/libopskit-vm-libvirt.so.0 ]] || fail "plugin not installed"
    # LD_DEBUG=files names every object the loader maps, dlopen()ed ones included.
    LD_DEBUG=files "$ROOT/usr/bin/vmctl" --version 2>"$T/version.ld" >/dev/null
    ! grep -q 'libvirt' "$T/version.ld" || fail "--version loaded libvirt: $(grep libvirt "$T/version.ld" | head -3)"
    LD_DEBUG=files run -0 --separate-stderr "$ROOT/usr/bin/vmctl" -c test:///default -o json list
    [[ $(jq -r '.[0].name' <<<"$output") == test ]] || fail "$output"
    plugin=$(grep -o '[^ ]*libopskit-vm-libvirt.so.0' <<<"$stderr" | grep '^/' | head -1)
    [[ $(realpath "$plugin") == $(realpath "$ROOT/usr/$LIBDIR")/libopskit-vm-libvirt.so.0* ]] || fail "plugin from ${plugin:-nowhere}"
}

@test "a missing libvirt plugin is one line, exit 7, naming what was looked for" {
    rm "$ROOT/usr/$LIBDIR"/libopskit-vm-libvirt.so*
    run -7 --separate-stderr "$ROOT/usr/bin/vmctl" -c test:///default list
    [[ $stderr == "vmctl: error: load libvirt backend ($ROOT/usr/$LIBDIR/libopskit-vm-libvirt.so.0): "* ]] || fail "$stderr"
    [[ $(wc -l <<<"$stderr") == 1 ]] || fail "$stderr"
}

@test "crctl maps libcrypto only to hash and libcurl only for the Swarm engine" {
    run -0 ldd "$ROOT/usr/bin/crctl"
    [[ $output != *libcrypto* && $output != *libcurl* ]] || fail "crctl links them at start: $output"
    [[ -f $ROOT/usr/$LIBDIR/libopskit-cr-swarm.so.0 ]] || fail "swarm plugin not installed"
    export CRCTL_STORE="$T/store/crctl.db"
    LD_DEBUG=files "$ROOT/usr/bin/crctl" -o json request list 2>"$T/list.ld" >/dev/null
    ! grep -qE 'libcrypto|libcurl' "$T/list.ld" || fail "a read verb loaded: $(grep -E 'libcrypto|libcurl' "$T/list.ld" | head -3)"
    # Creating a request names its work by SHA-256: now libcrypto comes in, libcurl still not.
    LD_DEBUG=files run -0 --separate-stderr "$ROOT/usr/bin/crctl" -o json request create --commit --priority 1 -- true
    [[ $(jq -r .state <<<"$output") == Committed ]] || fail "$output"
    grep -q 'libcrypto.so.3' <<<"$stderr" || fail "no libcrypto loaded for a create"
    [[ $stderr != *libcurl* ]] || fail "create loaded libcurl"
    # The Swarm engine loads its plugin beside libopskit-cr; an unreachable engine is exit 7.
    LD_DEBUG=files run -7 --separate-stderr "$ROOT/usr/bin/crctl" dispatch --engine swarm --once \
        --spool "$T/spool" --swarm-host "unix://$T/no-docker.sock"
    plugin=$(grep -o '[^ ]*libopskit-cr-swarm.so.0' <<<"$stderr" | grep '^/' | head -1)
    [[ $(realpath "$plugin") == $(realpath "$ROOT/usr/$LIBDIR")/libopskit-cr-swarm.so.0* ]] || fail "plugin from ${plugin:-nowhere}"
    [[ $(grep -v '^ *[0-9]*:' <<<"$stderr") == "crctl: error: cannot reach the Docker engine (unix://$T/no-docker.sock): "* ]] || fail "$stderr"
}
