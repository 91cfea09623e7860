#!/usr/bin/env bats
# Man pages: generated roff matches its scdoc source, renders without warnings, and every
# visible subcommand of each tool is documented in its page.
load helpers

setup() { hermetic_setup; }

@test "committed man pages are not stale against their sources" {
    command -v scdoc >/dev/null || skip "scdoc not installed"
    run -0 "$OPSKIT_SOURCE_DIR/scripts/gen-man" --check
}

@test "every page renders with man --warnings and no warning" {
    for page in bkctl.1 crctl.1 vmctl.1 opskit.7; do
        run -0 --separate-stderr man --warnings -l "$OPSKIT_SOURCE_DIR/man/$page"
        [[ -z $stderr ]] || fail "$page: $stderr"
        [[ -n $output ]]
    done
}

@test "every subcommand appears in its tool's man page" {
    for tool in bkctl crctl vmctl; do
        page="$OPSKIT_SOURCE_DIR/man/$tool.1.scd"
        # the page as scripts/gen-man expands it (@include NAME pulls man/common/NAME.scd)
        text=$(awk -v dir="$OPSKIT_SOURCE_DIR/man/common" '
            /^@include / { f = dir "/" $2 ".scd"; while ((getline line < f) > 0) print line; close(f); next }
            { print }' "$page")
        for verb in $("$tool" __complete -- ""); do
            grep -q "^\*$verb[ *]" <<<"$text" || grep -q "^\*$verb\*" <<<"$text" || fail "$tool $verb missing from $page"
        done
    done
}
