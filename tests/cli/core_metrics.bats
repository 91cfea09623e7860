#!/usr/bin/env bats
# Metrics for cron runs: the real tools write textfile-collector files, and a real
# prometheus-node-exporter on a private loopback port serves them (series asserted on
# /metrics); promtool checks the files when it is installed.
load helpers

setup() {
    hermetic_setup
    M="$T/metrics"
    mkdir -p "$M"
}

teardown() {
    [[ -n ${ne:-} ]] && kill "$ne" 2>/dev/null || true
}

# Starts node_exporter on a free loopback port with only the textfile collector.
start_node_exporter() {
    command -v prometheus-node-exporter >/dev/null || skip "prometheus-node-exporter not installed"
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    prometheus-node-exporter --collector.disable-defaults --collector.textfile \
        --collector.textfile.directory="$M" --web.listen-address="127.0.0.1:$port" \
        >"$T/ne.log" 2>&1 &
    ne=$!
    for _ in $(seq 100); do
        curl -fsS "http://127.0.0.1:$port/metrics" >"$T/scrape" 2>/dev/null && return 0
        sleep 0.1
    done
    cat "$T/ne.log" >&2
    return 1
}

@test "crctl gc, bkctl sweep and a failing bkctl backup leave series node_exporter serves" {
    run -0 crctl --metrics-dir "$M" -o json gc
    mkdir -p "$T/dev"
    run -0 bkctl --metrics-dir "$M" sweep --dev-dir "$T/dev"
    # exit code recorded is the one the process exits with (here: 4, device not found)
    run -4 bkctl --metrics-dir "$M" backup "$T/nope" --id 'db.daily'
    [[ -f $M/opskit_crctl_gc.prom && -f $M/opskit_bkctl_sweep.prom && -f $M/opskit_bkctl_backup_db.daily.prom ]]
    [[ $(stat -c %a "$M/opskit_crctl_gc.prom") == 644 ]]
    # a non-mutating verb writes nothing
    run -0 crctl --metrics-dir "$M" config show
    [[ $(ls "$M" | wc -l) == 3 ]]
    start_node_exporter
    grep -q '^opskit_last_run_exit_code{id="db.daily",tool="bkctl",verb="backup"} 4$' "$T/scrape"
    grep -q '^opskit_last_run_exit_code{tool="crctl",verb="gc"} 0$' "$T/scrape"
    grep -q '^opskit_gc_last_run_freed_bytes{tool="crctl",verb="gc"} 0$' "$T/scrape"
    grep -q '^opskit_backup_sweep_last_run_links{action="removed",tool="bkctl",verb="sweep"} 0$' "$T/scrape"
    grep -q '^# TYPE opskit_last_run_timestamp_seconds gauge$' "$T/scrape"
    # the collector read every file without error
    ! grep -q 'node_textfile_scrape_error 1' "$T/scrape"
    if command -v promtool >/dev/null; then
        for f in "$M"/*.prom; do promtool check metrics <"$f"; done
    fi
}

@test "crctl dispatch leaves containers by result and the queue depth it left behind" {
    # One container this dispatcher's partition cannot serve stays Queued: the depth is 1
    # (the commands differ, or the second request would reuse the first one's container).
    crctl request create --image host --commit --priority 5 --partitions gpu -- true >/dev/null
    crctl request create --image host --commit --priority 5 -- sh -c "exit 0" >/dev/null
    run -0 --separate-stderr crctl --metrics-dir "$M" -o json dispatch --once --partition cpu
    [[ $(jq .queue_depth <<<"$output") == 1 && $(jq .completed <<<"$output") == 1 ]] || fail "$output"
    start_node_exporter
    grep -q '^opskit_dispatch_queue_depth{tool="crctl",verb="dispatch"} 1$' "$T/scrape"
    grep -q '^opskit_dispatch_last_run_containers{result="completed",tool="crctl",verb="dispatch"} 1$' "$T/scrape"
    grep -q '^opskit_last_run_exit_code{tool="crctl",verb="dispatch"} 0$' "$T/scrape"
}

@test "metrics_textfile_dir from config; a missing folder warns and keeps the exit code" {
    printf 'common:\n  metrics_textfile_dir: %s\n' "$M" | user_config
    run -0 crctl gc
    [[ -f $M/opskit_crctl_gc.prom ]]
    run -0 --separate-stderr crctl --metrics-dir "$T/missing" gc
    [[ $stderr == *"warning: metrics not written"* ]]
}
