#!/usr/bin/env bats
# vmctl over a fleet of three private libvirtd's (test driver, one holder each), as an
# operator of many hypervisors would use it: one list with a HOST column, host-qualified
# selectors, a bare name on two hosts refused, a host down before or during a bulk run
# failing only its own VMs (exit 7), destroy/expunge/recover per host and a quiet cron sweep.
load helpers
load vm_daemon

HOSTS=(h1 h2 h3)

setup_file() {
    [[ $EUID -eq 0 ]] || return 0
    export FLEET_BASE=$(mktemp -d /tmp/vmf.XXXXXX)
    local h
    for h in "${HOSTS[@]}"; do
        vm_daemon_start "$FLEET_BASE/$h" 2>>"$BATS_FILE_TMPDIR/why" || true
    done
}

teardown_file() {
    vm_fleet_stop "${FLEET_BASE:-}"
}

setup() {
    hermetic_setup
    [[ $EUID -eq 0 ]] || skip "needs root to run private libvirtd's"
    local h
    for h in "${HOSTS[@]}"; do
        [[ -S $FLEET_BASE/$h/run/libvirt-sock ]] || skip "private libvirtd not available: $(cat "$BATS_FILE_TMPDIR/why")"
    done
    for h in "${HOSTS[@]}"; do
        VMD_DIR=$FLEET_BASE/$h vm_holder_start "$(vm_fleet_uri "$FLEET_BASE" "$h")" || fail "holder of $h failed"
    done
    # Each host its own set; `shared1` on two hosts, `test` (the driver's own) on all three.
    vm_fleet_define "$FLEET_BASE" h1 web1 web2 db1 shared1
    vm_fleet_define "$FLEET_BASE" h2 web3 db2 shared1
    vm_fleet_define "$FLEET_BASE" h3 web4 batch1
    export VMCTL_HOSTS="h1=$(vm_fleet_uri "$FLEET_BASE" h1),h2=$(vm_fleet_uri "$FLEET_BASE" h2),h3=$(vm_fleet_uri "$FLEET_BASE" h3)"
    export VMCTL_CONNECT_TIMEOUT=5s
}

teardown() {
    local h
    for h in "${HOSTS[@]}"; do
        # A host a test killed comes back (fresh) for the next test.
        if vm_fleet_host_down "$FLEET_BASE" "$h"; then
            vm_fleet_host_up "$FLEET_BASE" "$h" 2>/dev/null || rm -f "$FLEET_BASE/$h/run/libvirt-sock"
        fi
        VMD_DIR=$FLEET_BASE/$h vm_holder_stop   # the test driver forgets everything
    done
}

jqr() { jq -r "$@" <<<"$output"; }
state_on() { virsh -q -c "$(vm_fleet_uri "$FLEET_BASE" "$1")" domstate "$2"; }

@test "list over three hosts: one table with a HOST column, JSON with host on every row, sorted by host then name" {
    run -0 --separate-stderr vmctl -o json list
    [[ $(jqr 'length') == 12 ]]
    [[ $(jqr '[.[] | select(.host == null)] | length') == 0 ]]
    [[ $(jqr '[.[] | [.host, .name]] == ([.[] | [.host, .name]] | sort)') == true ]]
    [[ $(jqr '[.[] | select(.host == "h3") | .name] | join(",")') == batch1,test,web4 ]]
    [[ -z $stderr ]]
    run -0 vmctl list
    [[ ${lines[0]} == HOST* ]]
    [[ ${lines[1]} == "h1 "*db1* ]]
    run -0 vmctl -o json list 'h2:*'
    [[ $(jqr '[.[].host] | unique | join(",")') == h2 ]]
}

@test "stop '*:web*' stops the web VMs on every host; a bare name on two hosts is exit 2 naming both" {
    run -0 --separate-stderr vmctl -o json stop '*:web*' --timeout 5s
    [[ $(jqr '[.[] | "\(.host):\(.name)"] | join(",")') == h1:web1,h1:web2,h2:web3,h3:web4 ]]
    [[ $(jqr '[.[] | select(.to_state != "Stopped")] | length') == 0 ]]
    [[ $(state_on h1 web1) == "shut off" && $(state_on h3 web4) == "shut off" ]]
    [[ $(state_on h1 db1) == running && $(state_on h3 batch1) == running ]]
    run -2 --separate-stderr vmctl stop shared1
    [[ $stderr == *"ambiguous VM name (shared1)"*"h1, h2"* ]] || fail "$stderr"
    [[ $(state_on h1 shared1) == running && $(state_on h2 shared1) == running ]]
    run -2 --separate-stderr vmctl stop nohost:web1
    [[ $stderr == *"unknown host (nohost)"* ]]
    run -0 --separate-stderr vmctl -o json stop h2:shared1
    [[ $(state_on h2 shared1) == "shut off" && $(state_on h1 shared1) == running ]]
}

@test "a host down before the run: its VMs exit 7 with the error, the others stopped; after restart the rerun does the rest" {
    vm_fleet_host_kill "$FLEET_BASE" h3
    run -7 --separate-stderr vmctl -o json stop '*:web*' --timeout 5s
    [[ $(jqr '[.[] | select(.host != "h3") | .to_state] | join(",")') == Stopped,Stopped,Stopped ]]
    [[ $(jqr '[.[] | select(.host == "h3") | .error.exit_code] | unique | join(",")') == 7 ]]
    [[ $(jqr '.[] | select(.host == "h3") | .error.message') == *"libvirt"* ]]
    [[ $stderr == *"vmctl: error: "*"libvirt-sock"* ]] || fail "$stderr"
    [[ $(state_on h1 web1) == "shut off" && $(state_on h2 web3) == "shut off" ]]
    vm_fleet_host_start "$FLEET_BASE" h3
    vm_fleet_define "$FLEET_BASE" h3 web4 batch1
    run -0 --separate-stderr vmctl -o json stop '*:web*' --timeout 5s
    [[ $(jqr '[.[] | select(.host != "h3") | .changed] | unique | join(",")') == false ]]
    [[ $(jqr '.[] | select(.host == "h3") | "\(.name) \(.changed) \(.to_state)"') == "web4 true Stopped" ]]
}

@test "a host killed during a long bulk destroy: a per-VM account, every record whole or absent, the others done" {
    vm_fleet_define "$FLEET_BASE" h1 $(seq -f 'bulk%03g' 1 20)
    vm_fleet_define "$FLEET_BASE" h2 $(seq -f 'bulk%03g' 1 300)
    vm_fleet_define "$FLEET_BASE" h3 $(seq -f 'bulk%03g' 1 20)
    vmctl -o json destroy '*:bulk*' --force --parallel 1 >"$T/out.json" 2>"$T/err" &
    local run_pid=$! i
    # Kill h2 once its first destroy record is there, i.e. while the run is under way.
    for i in $(seq 1 200); do
        virsh -q -c "$(vm_fleet_uri "$FLEET_BASE" h2)" dumpxml --inactive bulk001 2>/dev/null | grep -q urn:opskit:vmctl && break
        sleep 0.02
    done
    vm_fleet_host_kill "$FLEET_BASE" h2
    local rc=0
    wait "$run_pid" || rc=$?
    [[ $rc == 7 ]] || fail "exit $rc: $(cat "$T/err")"
    output=$(cat "$T/out.json")
    [[ $(jqr 'length') == 340 ]]
    [[ $(jqr '[.[] | select(.host != "h2" and .to_state != "Destroyed")] | length') == 0 ]]
    local done failed
    done=$(jqr '[.[] | select(.host == "h2" and .error == null)] | length')
    failed=$(jqr '[.[] | select(.host == "h2" and .error != null)] | length')
    (( done >= 1 && failed >= 1 && done + failed == 300 )) || fail "h2: $done done, $failed failed"
    # A VM reported destroyed has its whole record; a failed one reports unavailable.
    [[ $(jqr '[.[] | select(.host == "h2" and .error == null and (.destroyed_at == null or .expunge_at == null))] | length') == 0 ]]
    [[ $(jqr '[.[] | select(.host == "h2" and .error != null) | .error.exit_code] | unique | join(",")') == 7 ]]
    # On the hosts that stayed up, every bulk VM carries a complete record.
    run -0 --separate-stderr vmctl --host h1 --host h3 -o json list --state Destroyed
    [[ $(jqr '[.[] | select(.expunge_at != null and .destroyed_at != null)] | length') == 40 ]]
}

@test "destroy on two hosts, expunge --due with one down: the reachable one expunged, the down one exit 7; recover HOST:VM; a quiet cron sweep" {
    export VMCTL_EXPUNGE_DELAY=0s
    run -0 --separate-stderr vmctl -o json destroy h1:db1 h2:db2 h3:batch1 --force
    [[ $(jqr '[.[].to_state] | unique | join(",")') == Destroyed ]]
    run -0 --separate-stderr vmctl -o json recover h3:batch1
    [[ $(jqr '.[0].host + " " + .[0].to_state') == "h3 Stopped" ]]
    vm_fleet_host_kill "$FLEET_BASE" h2
    run -7 --separate-stderr vmctl -o json expunge --due
    [[ $(jqr '[.[] | select(.host == "h1") | "\(.name) \(.to_state)"] | join(",")') == "db1 Expunged" ]]
    [[ $(jqr '[.[] | select(.host == "h2") | .error.exit_code] | join(",")') == 7 ]]
    [[ $(jqr '[.[] | select(.host == "h3")] | length') == 0 ]]
    [[ $stderr == *"vmctl: error: "* ]]
    run -1 virsh -q -c "$(vm_fleet_uri "$FLEET_BASE" h1)" domstate db1
    [[ $output == *"failed to get domain"* ]] || fail "$output"
    [[ $(state_on h3 batch1) == "shut off" ]]
    # Cron over the hosts that are up: silent when all went well.
    run -0 --separate-stderr vmctl --host h1 --host h3 destroy h3:web4 --force
    run -0 --separate-stderr vmctl --host h1 --host h3 -q expunge --due
    [[ -z $output && -z $stderr ]]
    run -1 virsh -q -c "$(vm_fleet_uri "$FLEET_BASE" h3)" domstate web4
    [[ $output == *"failed to get domain"* ]] || fail "$output"
}

@test "status, snapshot and wait take HOST:VM; a bare name goes to the one host that has it" {
    run -0 --separate-stderr vmctl -o json status h2:web3
    [[ $(jqr '.host + " " + .name + " " + .state') == "h2 web3 Running" ]]
    run -0 --separate-stderr vmctl -o json status web4
    [[ $(jqr '.host') == h3 ]]
    run -2 --separate-stderr vmctl status shared1
    [[ $stderr == *"h1, h2"* ]]
    run -0 --separate-stderr vmctl -o json snapshot create h2:shared1 s1
    [[ $(jqr '.host') == h2 ]]
    run -0 --separate-stderr vmctl -o json snapshot list h2:shared1
    [[ $(jqr 'length') == 1 ]]
    run -0 --separate-stderr vmctl -o json snapshot list h1:shared1
    [[ $(jqr 'length') == 0 ]]
    run -0 --separate-stderr vmctl stop h2:shared1 --timeout 5s
    run -0 --separate-stderr vmctl -o json wait h2:shared1 --state Stopped --timeout 5s
    [[ $(jqr '.host') == h2 ]]
    run -0 --separate-stderr vmctl -o json hosts
    [[ $(jqr '[.[].host] | join(",")') == h1,h2,h3 ]]
    [[ $(jqr '[.[].reachable] | unique | join(",")') == true ]]
}

@test "completion offers host names and HOST:VM names (bash keeps HOST: on the line)" {
    run -0 vmctl __complete -- --host ""
    [[ $output == $'h1\nh2\nh3' ]] || fail "$output"
    run -0 vmctl __complete -- stop h2:
    [[ $output == $'h2:db2\nh2:shared1\nh2:test\nh2:web3' ]] || fail "$output"
    run -0 vmctl __complete -- stop web
    [[ $output == $'web1\nweb2\nweb3\nweb4' ]] || fail "$output"
    run -0 vmctl __complete -- stop sh   # on two hosts: only as HOST:VM
    [[ -z $output ]] || fail "$output"
    run -0 vmctl __complete -- snapshot list h3:b
    [[ $output == h3:batch1 ]]
    run -0 vmctl snapshot create h3:web4 snapA
    run -0 vmctl __complete -- snapshot revert h3:web4 ""
    [[ $output == snapA ]]
    # bash splits `h2:we` into h2 : we; the candidates come back without `h2:`.
    run -0 bash -c "source '$OPSKIT_SOURCE_DIR/completions/bash/vmctl'
        COMP_WORDS=(vmctl stop h2 : we); COMP_CWORD=4; _opskit_vmctl; printf '%s\n' \"\${COMPREPLY[@]}\""
    [[ $output == web3 ]] || fail "$output"
    run -0 bash -c "source '$OPSKIT_SOURCE_DIR/completions/bash/vmctl'
        COMP_WORDS=(vmctl stop h2 :); COMP_CWORD=3; _opskit_vmctl; printf '%s\n' \"\${COMPREPLY[@]}\""
    [[ $output == *web3* && $output != *h2:* ]] || fail "$output"
}
