# Shared setup for the bats suites: every test runs the built tools hermetically, as a cron
# job or script would — private XDG folders, lock folder and HOME, C locale, no colour — so
# nothing on the machine leaks in and nothing a test does leaks out.
bats_require_minimum_version 1.5.0

: "${OPSKIT_BUILD_DIR:?run through ctest, or set OPSKIT_BUILD_DIR to the build folder}"
: "${OPSKIT_SOURCE_DIR:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
export OPSKIT_BUILD_DIR OPSKIT_SOURCE_DIR

hermetic_setup() {
    export T="$BATS_TEST_TMPDIR"
    export HOME="$T/home" XDG_CONFIG_HOME="$T/config" XDG_STATE_HOME="$T/state" \
           XDG_DATA_HOME="$T/data" XDG_CACHE_HOME="$T/cache" XDG_RUNTIME_DIR="$T/run" \
           OPSKIT_LOCK_DIR="$T/locks"
    mkdir -p "$HOME" "$XDG_CONFIG_HOME" "$XDG_STATE_HOME" "$XDG_DATA_HOME"
    mkdir -m 0700 -p "$XDG_RUNTIME_DIR"
    export LC_ALL=C NO_COLOR=1
    export PATH="$OPSKIT_BUILD_DIR/bin:$PATH"
    # Keep test runs out of the machine's syslog; the audit file is what tests read.
    export BKCTL_SYSLOG=false CRCTL_SYSLOG=false VMCTL_SYSLOG=false
    # As root crctl's default store is /var/lib/crctl/crctl.db, shared by every run: each test
    # gets its own, where a non-root user's default would be (a test may still override it).
    export CRCTL_STORE="$XDG_STATE_HOME/crctl/crctl.db"
}

# Writes stdin to the user config file.
user_config() {
    mkdir -p "$XDG_CONFIG_HOME/opskit"
    cat > "$XDG_CONFIG_HOME/opskit/config.yaml"
}

# Number of lines in a string (0 for empty).
count_lines() {
    if [[ -z $1 ]]; then echo 0; else printf '%s\n' "$1" | wc -l; fi
}

# Fails the test with a message.
fail() {
    echo "$@" >&2
    return 1
}

# Skips the whole file's tests with a printed reason unless running as root.
require_root() {
    [[ $EUID -eq 0 ]] || skip "needs root: $*"
}
