#!/usr/bin/env bats
# The TSM password: only from a 0600 file or BKCTL_PASSWORD, never on bkctl's argv, passed
# to dsmc as -password=, and redacted everywhere bkctl writes: stdout (table and JSON),
# stderr (with -vv, which echoes dsmc's output), the audit line, error messages. The
# simulator is told to echo its argv, so a leak through dsmc's output would show up.
load helpers
load bkctl_common

SECRET='Tr0ub4dor-and-3-horses'

setup() {
    bkctl_setup
    printf '%s\n' "$SECRET" > "$T/pw"
    chmod 600 "$T/pw"
    printf '%s\n' "$SECRET" > "$BKCTL_SIM_DIR/password"
}
teardown() { kill_sim_group; }

no_leak() {
    local where
    for where in "$@"; do
        ! grep -qF -- "$SECRET" "$where" || fail "password leaked into $where: $(grep -F -- "$SECRET" "$where")"
    done
}

@test "password from a 0600 file reaches dsmc and appears in no output, log or JSON" {
    echo echo-argv > "$BKCTL_SIM_DIR/next"
    bkctl -vv -o json backup "$T/vol.img" --id pw1 --password-file "$T/pw" >"$T/out.json" 2>"$T/err"
    jq -e '.verdict == "success"' "$T/out.json"
    grep -q -- '-password=\*\*\*' "$T/err"          # dsmc's echo, redacted
    jq -e '.argv | index("-password=***")' "$T/out.json"
    grep -qF -- "-password=$SECRET" "$BKCTL_SIM_DIR/calls.log"   # dsmc did get it
    echo fail > "$BKCTL_SIM_DIR/next"
    bkctl backup "$T/vol.img" --id pw2 --password-file "$T/pw" >"$T/out.table" 2>"$T/err2" || true
    BKCTL_PASSWORD_FILE="$T/pw" bkctl -o yaml list >"$T/out.yaml" 2>"$T/err3" || true
    grep -c . "$T/audit.log"
    no_leak "$T/out.json" "$T/err" "$T/out.table" "$T/err2" "$T/out.yaml" "$T/err3" "$T/audit.log"
}

@test "password from BKCTL_PASSWORD works the same and is not passed on in the environment" {
    BKCTL_PASSWORD="$SECRET" run -0 --separate-stderr bkctl -o json backup "$T/vol.img" --id pw3
    [[ $output != *"$SECRET"* && $stderr != *"$SECRET"* ]]
    [[ $(tail -n 1 "$BKCTL_SIM_DIR/calls.log" | jq -r .bkctl_password_env) == false ]]
    no_leak "$T/audit.log"
}

@test "the password is never on bkctl's command line (/proc/PID/cmdline)" {
    echo hang > "$BKCTL_SIM_DIR/next"
    bkctl backup "$T/vol.img" --id pw4 --password-file "$T/pw" 2>/dev/null &
    pid=$!
    wait_for "$BKCTL_SIM_DIR/hang.json"
    tr '\0' ' ' < "/proc/$pid/cmdline" > "$T/cmdline"
    grep -q "pw4" "$T/cmdline"
    no_leak "$T/cmdline"
    kill -TERM "$pid"
    wait "$pid" || true
}

@test "a wrong password fails (ANS1051I/ANS2050E), a too-open file is refused with exit 2" {
    printf 'wrong\n' > "$T/bad"
    chmod 600 "$T/bad"
    run -1 --separate-stderr bkctl -o json backup "$T/vol.img" --id pw5 --password-file "$T/bad"
    [[ $(jq -r '[.report.messages[].code] | join(",")' <<<"$output") == "ANS1051I,ANS2050E" ]]
    chmod 644 "$T/pw"
    run -2 --separate-stderr bkctl backup "$T/vol.img" --id pw6 --password-file "$T/pw"
    [[ $stderr == "bkctl: error: password file is readable by others ($T/pw): mode 0644; expected 0600 or stricter (chmod 600)" ]]
    [[ ! -e $T/dev/backup-pw6 ]]
}
