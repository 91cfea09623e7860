#!/usr/bin/env bats
# The engine runtimes for real: podman, and docker through podman-docker's shim at
# /usr/bin/docker (PATH may find a Docker client without an engine first). The image is
# built from busybox-static and imported by the test setup. Few runs: each costs seconds.
load helpers
load ../data/cr-dispatch/bwrap-check
load ../data/cr-dispatch/busybox-image

setup() { crd_setup; require_busybox_image; }

@test "podman: a host mount receives the file; the output collection holds /out; the image resolves to its id" {
    mkdir -p "$T/db2fs"
    run -0 --separate-stderr crctl -o json run --mount "/database=host:$T/db2fs:rw" --runtime podman --local \
        --image "$CRD_IMAGE" -- sh -c 'echo stats > /database/runstats.out; echo "$CRCTL_CONTAINER_UUID" > /out/who'
    [[ $(cat "$T/db2fs/runstats.out") == stats ]]
    c=$(jq -r .container_uuid <<<"$output")
    run -0 crctl collection get "$(jq -r .output <<<"$output")" --to "$T/got"
    [[ $(cat "$T/got/who") == "$c" ]]
    id=$(podman image inspect --format '{{.Id}}' "$CRD_IMAGE")
    [[ $(crctl -o json container show "$c" | jq -r .container_image) == "$id" ]]
}

@test "docker (podman-docker shim by full path): exit code and output" {
    [[ -x /usr/bin/docker ]] || skip "podman-docker's /usr/bin/docker shim is not installed"
    run -4 --separate-stderr crctl run --runtime docker --local --image "$CRD_IMAGE" -- sh -c 'echo shim > /out/x; exit 4'
    run -0 --separate-stderr crctl -o json run --runtime docker --local --image "$CRD_IMAGE" -- sh -c 'echo shim > /out/x'
    pdh=$(jq -r .output <<<"$output")
    run -0 crctl -o json collection show "$pdh"
    [[ $(jq -r '.files[0].path' <<<"$output") == x ]]
}

@test "an unknown image is refused at commit with exit 2" {
    run -2 --separate-stderr crctl run --runtime podman --local --image localhost/no-such-image:1 -- true
    [[ $stderr == "crctl: error: "*"no-such-image"* ]] || fail "$stderr"
}
