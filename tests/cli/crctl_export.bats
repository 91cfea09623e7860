#!/usr/bin/env bats
# crctl container export: each engine's view of a container as a script or a user deploying
# with their own tooling reads it — the swarm ServiceSpec, the podman argv, the sbatch argv,
# script and batch file (submitted to a private Slurm where one can start) — checked with
# jq; exit codes and the one stderr line of each refusal; and no file written anywhere.
load helpers
load slurm_cluster

setup() {
    hermetic_setup
    export CRCTL_STORE="$T/store/crctl.db" CRCTL_SPOOL="$T/spool"
    mkdir -p "$T/spool"
    user_config <<'YAML'
crctl:
  swarm_constraint: node.labels.rack==%P
  runtime_program: /opt/podman/bin/podman
  engine_args: [--runtime, crun]
  slurm_sbatch_args: ["--mem=%M", "--partition=%P", "--comment=by crctl #%U"]
  slurm_crctl: /usr/bin/crctl
YAML
}

teardown() {
    [[ -n ${SLURM_TEST_DIR:-} ]] && slurm_cluster_stop "$SLURM_TEST_DIR" || true
}

# new_container [flags…] -- COMMAND: the uuid of the container of a committed request.
new_container() {
    run -0 --separate-stderr crctl -o json request create --priority 1 --commit "$@"
    jq -r .container_uuid <<<"$output"
}

# Every file under the store's folder (data dir included) and the spool.
files_now() {
    find "$T/store" "$T/spool" -printf '%P %y\n' | sort
}

@test "--format swarm: the ServiceSpec, its output bound from the spool's work folder; the table form is the same JSON" {
    c=$(new_container --image bb:1 --partitions gpu --ram 268435456 --vcpus 2 -- sh -c 'echo hi')
    before=$(files_now)
    run -0 --separate-stderr crctl -o json container export "$c" --format swarm
    [[ -z $stderr ]]
    spec=$output
    jq -e --arg c "$c" '.Name == "crctl-\($c)" and .Labels["opskit.crctl.container"] == $c' <<<"$spec"
    jq -e '.TaskTemplate.ContainerSpec.Image == "bb:1" and .TaskTemplate.ContainerSpec.Args == ["sh","-c","echo hi"]' <<<"$spec"
    jq -e '.TaskTemplate.Placement.Constraints == ["node.labels.rack==gpu"]' <<<"$spec"
    jq -e '.TaskTemplate.Resources.Limits == {"NanoCPUs": 2000000000, "MemoryBytes": 268435456}' <<<"$spec"
    jq -e --arg src "$T/spool/$c/work/mounts/0" \
        '.TaskTemplate.ContainerSpec.Mounts == [{"Type": "bind", "Source": $src, "Target": "/out"}]' <<<"$spec"
    run -0 --separate-stderr crctl container export "$c" --format swarm
    jq -e --argjson want "$spec" '. == $want' <<<"$output"
    [[ $(files_now) == "$before" ]]
}

@test "--format podman: the argv with crctl.runtime_program and crctl.engine_args; the table form is one shell line of the same words" {
    c=$(new_container --image bb:1 --ram 268435456 -- sh -c "echo it's \$HOME")
    before=$(files_now)
    run -0 --separate-stderr crctl -o json container export "$c" --format podman
    argv=$output
    jq -e --arg c "$c" '.argv[0:7] == ["/opt/podman/bin/podman", "run", "--rm", "--name", "crctl-\($c)", "--runtime", "crun"]' <<<"$argv"
    jq -e --arg v "$T/store/data/work/$c/mounts/0:/out:rw" '.argv | index($v) != null' <<<"$argv"
    jq -e '.argv[-4:] == ["bb:1", "sh", "-c", "echo it'"'"'s $HOME"]' <<<"$argv"
    run -0 --separate-stderr crctl container export "$c" --format podman
    [[ $(count_lines "$output") == 1 ]]
    eval "words=($output)"
    jq -e --argjson words "$(printf '%s\n' "${words[@]}" | jq -R . | jq -s .)" '.argv == $words' <<<"$argv"
    [[ $(files_now) == "$before" ]]
}

@test "--format sbatch: the engine's argv and script; the table form is a batch file with an #SBATCH line per option" {
    c=$(new_container --ram 3145728 -- true)
    before=$(files_now)
    run -0 --separate-stderr crctl -o json container export "$c" --format sbatch
    dir="$T/spool/$c"
    jq -e --arg c "$c" --arg d "$dir" '.argv == ["sbatch", "--parsable", "--job-name=\($c)", "--nice=0", "--no-requeue",
        "--mem=3", "--comment=by crctl #\($c)", "--chdir=\($d)", "--output=\($d)/slurm.out"]' <<<"$output"
    exec_line="exec /usr/bin/crctl container exec $c --spool $T/spool"
    jq -e --arg e "$exec_line" '.script == "#!/bin/sh\n\($e)\n"' <<<"$output"
    run -0 --separate-stderr crctl container export "$c" --format sbatch
    mapfile -t lines <<<"$output"
    [[ ${#lines[@]} == 9 ]]
    [[ ${lines[0]} == '#!/bin/sh' ]]
    [[ ${lines[1]} == "#SBATCH --job-name=$c" ]]
    [[ ${lines[2]} == '#SBATCH --nice=0' && ${lines[3]} == '#SBATCH --no-requeue' && ${lines[4]} == '#SBATCH --mem=3' ]]
    [[ ${lines[5]} == "#SBATCH \"--comment=by crctl #$c\"" ]]
    [[ ${lines[6]} == "#SBATCH --chdir=$dir" && ${lines[7]} == "#SBATCH --output=$dir/slurm.out" ]]
    [[ ${lines[8]} == "$exec_line" ]]
    [[ $(files_now) == "$before" ]]
}

@test "--format sbatch: Slurm reads the batch file's options back as the engine passes them" {
    SLURM_TEST_DIR="$T/slurm"
    slurm_cluster_start "$SLURM_TEST_DIR" || skip "private Slurm cannot start here: $SLURM_CLUSTER_WHY"
    export SLURM_CONF="$SLURM_TEST_DIR/slurm.conf" CRCTL_SPOOL="$T/spool with space"
    c=$(new_container -- true)
    crctl container export "$c" --format sbatch > "$T/job.sh"
    run -0 --separate-stderr sbatch --hold "$T/job.sh"
    run -0 --separate-stderr squeue -h --name="$c" -o '%j|%Z|%k'
    [[ $output == "$c|$T/spool with space/$c|by crctl #$c" ]]
    scancel --name="$c"
}

@test "refusals: one stderr line naming the field, the setting or the value" {
    c=$(new_container -- true)   # image host: only the host runtime can run it
    run -2 --separate-stderr crctl container export "$c" --format swarm
    [[ -z $output && $(count_lines "$stderr") == 1 ]]
    [[ $stderr == "crctl: error: cannot run on swarm ($c): container_image: 'host' is not an image"* ]]
    run -2 --separate-stderr crctl container export "$c" --format podman
    [[ $(count_lines "$stderr") == 1 && $stderr == *"cannot run on podman ($c): container_image: 'host'"* ]]

    unset CRCTL_SPOOL
    run -2 --separate-stderr crctl container export "$c" --format sbatch
    [[ $(count_lines "$stderr") == 1 && $stderr == "crctl: error: missing setting (crctl.spool): --format sbatch"* ]]
    run -0 --separate-stderr crctl container export "$c" --format sbatch --spool "$T/spool"

    run -2 --separate-stderr crctl container export "$c" --format helm
    [[ $stderr == "crctl: error: invalid --format (helm): expected swarm, podman or sbatch" ]]
    run -4 --separate-stderr crctl container export zzzzz-dz642-000000000000000 --format podman
    [[ $(count_lines "$stderr") == 1 && $stderr == *"no such container (zzzzz-dz642-000000000000000)"* ]]
    run -4 --separate-stderr crctl container export "$c" --format podman --store "$T/none/crctl.db"
    [[ ! -e $T/none ]]
}

@test "completion: container UUIDs and the library's format list" {
    c=$(new_container -- true)
    run -0 crctl __complete -- container export ""
    [[ $output == *"$c"* ]]
    run -0 crctl __complete -- container export "$c" --format ""
    [[ $output == $'swarm\npodman\nsbatch' ]]
}
