#!/usr/bin/env bats
# The shared CLI contract (cli.md), checked on all three tools: parse errors, --version,
# config show with origins, config validation, precedence, completion.
load helpers

setup() { hermetic_setup; }

@test "an unknown option prints one line on stderr, nothing on stdout, exit 2" {
    for tool in bkctl crctl vmctl; do
        run -2 --separate-stderr "$tool" --bogus
        [[ -z $output ]] || fail "$tool printed on stdout: $output"
        [[ $(count_lines "$stderr") -eq 1 ]] || fail "$tool stderr: $stderr"
        [[ $stderr == "$tool: error: "*"--bogus"* ]] || fail "$tool stderr: $stderr"
    done
}

@test "--version names the tool and the library" {
    for tool in bkctl crctl vmctl; do
        run -0 --separate-stderr "$tool" --version
        [[ $output =~ ^$tool\ [0-9]+\.[0-9]+\.[0-9]+\ \(libopskit\ [0-9.]+\)$ ]] || fail "$output"
        [[ -z $stderr ]]
    done
}

@test "--help lists the config subcommand and exits 0 on stdout" {
    for tool in bkctl crctl vmctl; do
        run -0 --separate-stderr "$tool" --help
        [[ $output == *"config"* && $output == *"--output"* ]]
        [[ -z $stderr ]]
    done
    # Every verb with its summary, though no verb's options are built for it.
    run -0 crctl -h
    [[ $output == *"request                     container requests: create, commit,"* ]] || fail "$output"
    [[ $output == *"gc                          delete collections past delete_at"* ]] || fail "$output"
    run -0 vmctl --help
    [[ $(grep -cE '^  (hosts|list|status|start|stop|reboot|snapshot|destroy|recover|expunge|wait|volume) ' <<<"$output") == 12 ]] || fail "$output"
}

@test "a missing subcommand is a usage error" {
    run -2 --separate-stderr vmctl
    [[ $stderr == "vmctl: error: "* ]]
    [[ -z $output ]]
}

@test "only the verb named is built, wherever global options and their values stand" {
    # A global option's value that is also a verb name is a value, not the verb.
    mkdir -p "$T/w" && : >"$T/w/wait"
    cd "$T/w"
    run -0 --separate-stderr crctl --config wait -o json request list
    [[ $output == "[]" ]] || fail "$output $stderr"
    # A short option bundled with its value's flag (-vo json) before the verb.
    run -0 --separate-stderr crctl -vo json request list
    [[ $output == "[]" ]] || fail "$output $stderr"
    run -0 --separate-stderr vmctl --connect-timeout 5s -c test:///default -o json list
    [[ $(jq -r '.[0].name' <<<"$output") == test ]] || fail "$output $stderr"
    # Options after the verb (fallthrough) still reach the tool.
    run -0 --separate-stderr crctl request list -o json
    [[ $output == "[]" ]]
    # Help of one verb is that verb's; a word that is no verb gets the full list in its error.
    run -0 --separate-stderr crctl request --help
    [[ $output == *"create"* && $output == *"commit"* && $output != *"dispatch"* ]] || fail "$output"
    run -2 --separate-stderr crctl --output json requests list
    [[ $stderr == "crctl: error: "*"requests"* ]] || fail "$stderr"
}

@test "config show --origin as JSON parses and every value names its origin" {
    for tool in bkctl crctl vmctl; do
        run -0 --separate-stderr "$tool" --output json config show --origin
        echo "$output" | jq -e . >/dev/null
        # every leaf is {value, origin} with a non-empty origin
        echo "$output" | jq -e '[.[] | .[] | has("origin") and has("value") and (.origin | length > 0)] | all' >/dev/null
        echo "$output" | jq -e --arg t "$tool" 'has("common") and has($t)' >/dev/null
    done
}

@test "precedence: flag > env > user file > system default" {
    user_config <<'YAML'
common:
  output: yaml
vmctl:
  stop_timeout: 5m
YAML
    run -0 --separate-stderr vmctl -o json config show --origin
    [[ $(jq -r '.vmctl.stop_timeout.value' <<<"$output") == 300 ]]
    [[ $(jq -r '.vmctl.stop_timeout.origin' <<<"$output") == "file $XDG_CONFIG_HOME/opskit/config.yaml:4" ]]
    [[ $(jq -r '.common.output.origin' <<<"$output") == "flag --output" ]]

    VMCTL_STOP_TIMEOUT=90s run -0 --separate-stderr vmctl -o json config show --origin
    [[ $(jq -r '.vmctl.stop_timeout.value' <<<"$output") == 90 ]]
    [[ $(jq -r '.vmctl.stop_timeout.origin' <<<"$output") == "env VMCTL_STOP_TIMEOUT" ]]

    # the file's `output: yaml` applies when no flag or env overrides it
    run -0 --separate-stderr vmctl config show
    [[ $output == *"stop_timeout: 300"* ]]
}

@test "an unknown key in the config file: every tool exits 2 naming file, key and line" {
    user_config <<'YAML'
common:
  syslog: false
vmctl:
  conect: qemu:///system
YAML
    for tool in bkctl crctl vmctl; do
        run -2 --separate-stderr "$tool" config show
        [[ -z $output ]]
        [[ $(count_lines "$stderr") -eq 1 ]]
        [[ $stderr == *"$XDG_CONFIG_HOME/opskit/config.yaml:4"* ]] || fail "$stderr"
        [[ $stderr == *"vmctl.conect"* ]] || fail "$stderr"
    done
}

@test "a value of the wrong type names file, key and line" {
    cat > "$T/c.yaml" <<'YAML'
common:
  syslog: perhaps
YAML
    run -2 --separate-stderr crctl --config "$T/c.yaml" config show
    [[ $stderr == *"$T/c.yaml:2"*"common.syslog"*"true or false"* ]] || fail "$stderr"
}

@test "a bad environment value names the variable" {
    VMCTL_STOP_TIMEOUT=soon run -2 --separate-stderr vmctl config show
    [[ $stderr == *"VMCTL_STOP_TIMEOUT=soon"* ]] || fail "$stderr"
}

@test "--config with a missing file exits 4; --config reads only that file" {
    run -4 --separate-stderr bkctl --config "$T/nope.yaml" config show
    [[ $stderr == *"$T/nope.yaml"* ]]
    user_config <<<'common: {output: json}'
    printf 'common:\n  output: yaml\n' > "$T/only.yaml"
    run -0 --separate-stderr bkctl --config "$T/only.yaml" config show --origin
    [[ $output == *"origin: file $T/only.yaml:2"* ]] || fail "$output"
}

@test "a bad --output value is a usage error" {
    run -2 --separate-stderr crctl -o xml config show
    [[ $stderr == *"xml"* ]]
    [[ -z $output ]]
}

@test "bash completion completes subcommands and options from the tool itself" {
    run -0 bash -c "source '$OPSKIT_SOURCE_DIR/completions/bash/vmctl'
        COMP_WORDS=(vmctl co); COMP_CWORD=1; _opskit_vmctl; printf '%s\n' \"\${COMPREPLY[@]}\""
    [[ $output == "config" ]] || fail "$output"
    run -0 bash -c "source '$OPSKIT_SOURCE_DIR/completions/bash/vmctl'
        COMP_WORDS=(vmctl config show --or); COMP_CWORD=3; _opskit_vmctl; printf '%s\n' \"\${COMPREPLY[@]}\""
    [[ $output == "--origin" ]] || fail "$output"
    run -0 bash -c "source '$OPSKIT_SOURCE_DIR/completions/bash/crctl'
        COMP_WORDS=(crctl -o ''); COMP_CWORD=2; _opskit_crctl; printf '%s\n' \"\${COMPREPLY[@]}\""
    [[ $output == $'table\njson\nyaml\njsonl' ]] || fail "$output"
}

@test "usage errors come before any connection: a vmctl verb with nothing selected exits 2" {
    # the URI points nowhere: had vmctl connected first, it would exit 7
    export VMCTL_CONNECT="test+unix:///default?socket=$T/none"
    for verb in stop start reboot destroy recover expunge; do
        run -2 --separate-stderr vmctl "$verb"
        [[ $stderr == "vmctl: error: no VM selected: name one or more VMs or globs, or use --all" ]] || fail "$verb: $stderr"
        [[ -z $output ]]
    done
    run -2 --separate-stderr vmctl stop --all --state Bogus
    [[ $stderr == "vmctl: error: unknown VM state (Bogus): expected "* ]] || fail "$stderr"
}
