#!/usr/bin/env bats
# Hostile backup ids: each one is refused with exit 2 by backup, restore and delete, before
# anything exists — no link, no lock file, no dsmc call, no audit line.
load helpers
load bkctl_common

setup() { bkctl_setup; }

hostile_ids() {
    printf '%s\0' "../x" "/etc/passwd" "a/b" "-rf" ".hidden" "$(printf 'a%.0s' {1..200})" "" "." ".." \
        "a b" 'a;rm -rf /' 'a$(id)' 'a`id`' "a*" "a?" $'a\nb' $'a\tb' "é" "a|b"
    # An id read from a file with a NUL byte: the shell drops the NUL, what is left is still refused.
    printf 'x\0/../../etc' > "$T/nul-id"
    printf '%s\0' "$(cat "$T/nul-id")" 2>/dev/null
}

assert_nothing_created() {
    [[ $(find "$T/dev" -mindepth 1 | wc -l) -eq 0 ]] || fail "something was created in $T/dev"
    [[ ! -e $BKCTL_SIM_DIR/calls.log ]] || fail "dsmc was called"
    [[ ! -e $T/audit.log ]] || fail "an audit line was written"
    [[ ! -d $OPSKIT_LOCK_DIR ]] || [[ $(find "$OPSKIT_LOCK_DIR" -name '*.lock' | wc -l) -eq 0 ]] || fail "a lock file was left"
}

@test "20 hostile backup ids are refused with exit 2 and nothing is created" {
    n=0
    while IFS= read -r -d '' id; do
        n=$((n + 1))
        run -2 --separate-stderr bkctl backup "$T/vol.img" "--id=$id"
        # An empty value is already refused by the option parser, naming --id.
        [[ $stderr == "bkctl: error: bad backup id ("* || ( -z $id && $stderr == "bkctl: error: --id"* ) ]] ||
            fail "backup '$id': $stderr"
        [[ $(count_lines "$stderr") -eq 1 ]] || fail "more than one error line for '$id'"
        [[ -z $output ]]
        assert_nothing_created
    done < <(hostile_ids)
    [[ $n -eq 20 ]] || fail "expected 20 ids, had $n"
}

@test "restore and delete refuse them the same way" {
    for id in "../x" "/etc/passwd" "-rf" ".hidden" 'a;rm -rf /'; do
        run -2 --separate-stderr bkctl restore "$T/vol.img" "--id=$id"
        [[ $stderr == "bkctl: error: bad backup id ("* ]] || fail "restore '$id': $stderr"
        run -2 --separate-stderr bkctl delete --yes "--id=$id"
        [[ $stderr == "bkctl: error: bad backup id ("* ]] || fail "delete '$id': $stderr"
    done
    assert_nothing_created
}

@test "a hostile link prefix is refused the same way" {
    for p in "../p" "a/b" ".p" "-p" "p q" "$(printf 'p%.0s' {1..65})"; do
        run -2 --separate-stderr bkctl backup "$T/vol.img" --id ok1 "--prefix=$p"
        [[ $stderr == "bkctl: error: bad link prefix ("* ]]
    done
    assert_nothing_created
}

@test "the longest valid id (128) works, 129 does not" {
    id=$(printf 'k%.0s' {1..128})
    run -0 bkctl backup "$T/vol.img" --id "$id"
    run -2 bkctl backup "$T/vol.img" --id "${id}k"
}
