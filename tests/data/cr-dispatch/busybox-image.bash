# Builds the test image for the engine runtimes: a root filesystem holding Debian's
# busybox-static (/bin/busybox) and its applet links, tarred and `podman import`ed as
# localhost/crctl-busybox:test (no image can be pulled here). Reused when it exists.
CRD_IMAGE=localhost/crctl-busybox:test
CRD_ENGINE_ARGS=(--runtime runc --ulimit nofile=1024:1024 --ulimit nproc=1024:1024)

# Skips unless podman can run a container from the busybox image.
require_busybox_image() {
    command -v podman >/dev/null || skip "podman is not installed"
    [[ -x /bin/busybox ]] || skip "busybox-static is not installed"
    if ! podman image exists "$CRD_IMAGE" 2>/dev/null; then
        local root
        root=$(mktemp -d)
        mkdir -p "$root/bin" "$root/tmp" "$root/out"
        cp /bin/busybox "$root/bin/busybox"
        for applet in sh echo cat ls sleep true false mkdir printf date; do ln -s busybox "$root/bin/$applet"; done
        tar -C "$root" -cf "$root.tar" . || skip "cannot build the image tarball"
        local why
        if ! why=$(podman import "$root.tar" "$CRD_IMAGE" 2>&1 >/dev/null); then
            rm -rf "$root" "$root.tar"
            # e.g. rootless podman without /etc/subuid ranges for this user
            skip "podman import failed: $(tail -n 1 <<<"$why")"
        fi
        rm -rf "$root" "$root.tar"
    fi
    local why
    why=$(podman run --rm "${CRD_ENGINE_ARGS[@]}" "$CRD_IMAGE" /bin/true 2>&1 >/dev/null) ||
        skip "podman cannot run containers here: $(tail -n 1 <<<"$why")"
}
