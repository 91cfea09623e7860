#!/usr/bin/env bats
# crctl and Docker Swarm specs through the CLI: --from-swarm turns a ServiceSpec (inspect
# output included) into a request, and refuses what a request cannot express by field name.
load helpers

setup() {
    hermetic_setup
    export CRCTL_STORE="$T/store/crctl.db"
}

@test "--from-swarm reads docker service inspect output into a request" {
    cat >"$T/svc.json" <<'JSON'
[{"ID":"x","Spec":{"Name":"hello","TaskTemplate":{"ContainerSpec":{"Image":"bb:1","Args":["sh","-c","echo hi"],
 "Mounts":[{"Type":"bind","Source":"/srv","Target":"/srv","ReadOnly":true}]},
 "RestartPolicy":{"Condition":"none"},"Placement":{"Constraints":["node.labels.partition==big"]}},
 "Mode":{"ReplicatedJob":{}}}}]
JSON
    run -0 --separate-stderr crctl -o json request create --from-swarm "$T/svc.json" --priority 3
    [[ $(jq -c .command <<<"$output") == '["sh","-c","echo hi"]' ]]
    [[ $(jq -r .container_image <<<"$output") == bb:1 ]]
    [[ $(jq -c '.mounts["/srv"]' <<<"$output") == '{"kind":"host","path":"/srv","writable":false}' ]]
    [[ $(jq -r .output_path <<<"$output") == /out ]]
    [[ $(jq -c .scheduling_parameters.partitions <<<"$output") == '["big"]' ]]
    [[ $(jq .container_count_max <<<"$output") == 1 ]]
    [[ $(jq .priority <<<"$output") == 3 ]]
}

@test "--from-swarm refuses a global service and an untagged image by field name, stores nothing" {
    run -2 --separate-stderr crctl request create --from-swarm - \
        <<<'Mode: {Global: {}}
TaskTemplate: {ContainerSpec: {Image: busybox, Args: [true]}}'
    [[ $stderr == *"cannot convert service spec (stdin): Mode.Global:"* ]]
    [[ $stderr == *"TaskTemplate.ContainerSpec.Image: 'busybox' has no tag"* ]]
    run -0 --separate-stderr crctl -o json request list
    [[ $(jq length <<<"$output") == 0 ]]
}
