#!/usr/bin/env bats
# bkctl parse as a script uses it: the JSON report of a saved dsmc output (file or stdin),
# exit 0 whenever parsing succeeded (the verdict is in the JSON), exit 4 for a missing file.

load helpers

setup() {
    hermetic_setup
    DATA="$OPSKIT_SOURCE_DIR/tests/data/dsmc"
}

@test "parse: sample 01 shows 2 failed objects, 1 retry, 4.51 TiB, ANS1512E error, rc 12" {
    run -0 --separate-stderr bkctl --output json parse "$DATA"/01-*.txt
    [[ -z $stderr ]] || fail "stderr: $stderr"
    [[ $(jq '.summaries[0].objects_failed' <<<"$output") == 2 ]]
    [[ $(jq '.summaries[0].retries' <<<"$output") == 1 ]]
    # 4.51 TB with K = 1024, in bytes.
    [[ $(jq '.summaries[0].bytes_inspected' <<<"$output") == 4958797441270 ]]
    [[ $(jq -r '.messages[] | select(.code == "ANS1512E") | .severity' <<<"$output") == error ]]
    [[ $(jq '.return_code' <<<"$output") == 12 ]]
    [[ $(jq -r '.verdict' <<<"$output") == error ]]
    [[ $(jq -r '.highest_severity' <<<"$output") == error ]]
}

@test "parse: - and no argument read standard input" {
    run -0 --separate-stderr bkctl -o json parse - < "$DATA"/19-query-backup-tsm42-2003-ANS1092E.txt
    [[ $(jq -r '.tables[0].kind' <<<"$output") == query_backup ]]
    [[ $(jq -r '.tables[0].rows[0].backup_date' <<<"$output") == 2003-01-28T00:30:28 ]]
    [[ $(jq '.tables[0].rows[0].size_bytes' <<<"$output") == 4743 ]]
    run -0 --separate-stderr bkctl -o json parse < "$DATA"/25-incremental-summary-8.1.27-successful.txt
    [[ $(jq '.summaries[0].bytes_inspected' <<<"$output") == 4096 ]]
    [[ $(jq -r '.verdict' <<<"$output") == success ]]
    [[ $(jq '.return_code' <<<"$output") == null ]]
}

@test "parse: exit 0 even when dsmc failed; CRLF input parses the same" {
    run -0 --separate-stderr bkctl -o json parse "$DATA"/10-restore-interrupted-ANS1330S.txt
    [[ $(jq -r '.verdict' <<<"$output") == error ]]
    [[ $(jq -r '.messages[1].severity' <<<"$output") == severe ]]
    sed 's/$/\r/' "$DATA"/01-dsmsched-incremental-summary-rc-failed2.txt > "$T/crlf.txt"
    run -0 --separate-stderr bkctl -o json parse "$T/crlf.txt"
    [[ $(jq '.summaries[0].objects_inspected' <<<"$output") == 3220562 ]]
    [[ $(jq -r '.messages[2].text' <<<"$output") == "Scheduled event 'DAILY_MACSERVERS' failed.  Return code = 12." ]]
}

@test "parse: a missing file exits 4 naming it; a directory exits 2; nothing on stdout" {
    run -4 --separate-stderr bkctl parse "$T/no-such-file.txt"
    [[ -z $output ]]
    [[ $stderr == "bkctl: error: "*"($T/no-such-file.txt)"* ]] || fail "stderr: $stderr"
    [[ $(count_lines "$stderr") == 1 ]]
    run -2 --separate-stderr bkctl parse "$T"
    [[ -z $output ]]
    [[ $stderr == *"is a directory"* ]]
}

@test "parse: the table digest is readable and binary input does not break it" {
    run -0 --separate-stderr bkctl parse "$DATA"/02-incremental-summary-first-full-dedup.txt
    [[ $output == *"verdict:"*"success"* ]]
    [[ $output == *"elapsed:"*"24:56:18"* ]]
    [[ $output == *"objects_failed:"*"4999"* ]]
    head -c 20000 /dev/urandom > "$T/noise.bin"
    printf '\nANS1228E Sending of object failed.\n' >> "$T/noise.bin"
    run -0 --separate-stderr bkctl -o json parse "$T/noise.bin"
    jq -e '.messages | map(.code) | index("ANS1228E") != null' <<<"$output"
    run -0 --separate-stderr bkctl -o yaml parse "$T/noise.bin"
    [[ $output == *"ANS1228E"* ]]
}

@test "parse: a pipe streams; jsonl prints one record a line with a kind, and json, yaml and table agree" {
    # Three captures through one pipe, as a log pipeline feeds it.
    cat "$DATA"/01-*.txt "$DATA"/19-*.txt "$DATA"/25-*.txt > "$T/three.txt"
    run -0 --separate-stderr bash -c "cat '$T/three.txt' | bkctl -o jsonl parse"
    [[ -z $stderr ]] || fail "stderr: $stderr"
    # Every line is one JSON object with a kind; the last one ends the report.
    jq -e -s 'all(.[]; type == "object" and has("kind"))' <<<"$output"
    [[ $(jq -r -s 'last | .kind' <<<"$output") == end ]]
    [[ $(jq -s 'last | .return_code' <<<"$output") == 12 ]]
    [[ $(jq -r -s 'map(select(.kind == "message") | .code) | index("ANS1512E") != null' <<<"$output") == true ]]
    [[ $(jq -s 'map(select(.kind == "row" and .table == "query_backup")) | .[0].size_bytes' <<<"$output") == 4743 ]]
    [[ $(jq -s 'map(select(.kind == "return_code")) | length' <<<"$output") -ge 1 ]]
    jsonl=$output
    # The document forms carry the same records.
    run -0 --separate-stderr bash -c "cat '$T/three.txt' | bkctl -o json parse -"
    [[ $(jq '.messages | length' <<<"$output") == $(jq -s 'map(select(.kind == "message")) | length' <<<"$jsonl") ]]
    [[ $(jq '.summaries | length' <<<"$output") == $(jq -s 'map(select(.kind == "summary")) | length' <<<"$jsonl") ]]
    [[ $(jq '.summaries[0].retries' <<<"$output") == 1 ]]
    run -0 --separate-stderr bkctl -o yaml parse "$T/three.txt"
    [[ $output == *"code: ANS1512E"* ]]
    run -0 --separate-stderr bkctl parse "$T/three.txt"
    [[ $output == *"verdict:"*"error"* ]]
    # An unknown form is a usage error naming it.
    run -2 --separate-stderr bkctl -o xml parse "$T/three.txt"
    [[ -z $output ]]
    [[ $stderr == *"(xml)"*"jsonl"* ]] || fail "stderr: $stderr"
}
