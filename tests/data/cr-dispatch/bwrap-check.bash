# Shared by the crctl dispatch/run/collection suites: skip unless bubblewrap can build a
# sandbox here (it needs user or root namespaces), and helpers to read the store.
require_bwrap() {
    command -v bwrap >/dev/null || skip "bwrap (bubblewrap) is not installed"
    bwrap --ro-bind / / --unshare-pid true 2>/dev/null || skip "bwrap cannot create namespaces here"
}

# The store file of the hermetic environment: explicit, because root's default store is
# /var/lib/crctl/crctl.db, which a test must never touch.
crd_store() { echo "$XDG_STATE_HOME/crctl/crctl.db"; }
crd_setup() {
    hermetic_setup
    export CRCTL_STORE
    CRCTL_STORE=$(crd_store)
}

# Waits up to $2 seconds (default 20) until `crctl container show $1` reports state $3.
wait_container_state() {
    local uuid=$1 want=$3 deadline=$((SECONDS + ${2:-20})) state=
    while ((SECONDS < deadline)); do
        state=$(crctl -o json container show "$uuid" 2>/dev/null | jq -r .state)
        [[ $state == "$want" ]] && return 0
        sleep 0.2
    done
    echo "container $uuid is $state, wanted $want" >&2
    return 1
}

# The container uuid of request $1.
container_of() { crctl -o json request show "$1" | jq -r .container_uuid; }
