# Minimal TAP producer for the integration scripts (automake's tap-driver reads it).
# shellcheck shell=bash

TAP_N=0
TAP_FAILED=0
TAP_PLANNED=0
# A command the script calls that does not exist (a misspelt helper) would only print to
# stderr and silently take its test point with it: each one is recorded, and done_testing
# fails a point for them. The file, not a variable: the call may be in a subshell.
TAP_MISSING=$(mktemp /tmp/ward-tap-missing.XXXXXX)
command_not_found_handle() {
	echo "$1" >>"$TAP_MISSING"
	echo "$(basename "$0"): $1: command not found" >&2
	return 127
}

# The plan comes last ("1..N" after the last test point, which TAP allows), so adding a test
# never means counting: every script ends with done_testing. A script that dies before its end
# prints no plan, and automake's tap-driver reports a missing plan as an ERROR.
done_testing() {
	if [ "$TAP_N" = 0 ]; then
		echo "Bail out! $(basename "$0") reached its end without a single test point"
		exit 1
	fi
	if [ -s "$TAP_MISSING" ]; then
		not_ok every_command_the_script_calls_exists "missing: $(sort -u "$TAP_MISSING" | tr '\n' ' ')"
	fi
	rm -f "$TAP_MISSING"
	[ "$TAP_PLANNED" = 1 ] || echo "1..$TAP_N"
}

# plan N: a plan known before the first test point (vm.sh re-emits a guest's fixed plan); a
# script that counts its own tests uses done_testing instead.
plan() {
	echo "1..$1"
	TAP_PLANNED=1
}

ok() { # ok NAME: the last check passed
	TAP_N=$((TAP_N + 1))
	echo "ok $TAP_N - $1"
}

not_ok() { # not_ok NAME [diagnostic...]
	TAP_N=$((TAP_N + 1))
	TAP_FAILED=$((TAP_FAILED + 1))
	echo "not ok $TAP_N - $1"
	shift
	for line in "$@"; do diag "$line"; done
}

diag() { printf '%s\n' "$@" | sed 's/^/# /'; }

# check NAME COMMAND...: one test point from a command's exit status.
check() {
	local name=$1
	shift
	if "$@"; then ok "$name"; else not_ok "$name" "command failed: $*"; fi
}

# is NAME GOT EXPECTED
is() {
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "got:      '$2'" "expected: '$3'"; fi
}

# like NAME GOT REGEX: an extended regular expression matched against the whole text (so "."
# and a literal newline in REGEX can span lines).
like() {
	if [[ $2 =~ $3 ]]; then ok "$1"; else not_ok "$1" "got:      '$2'" "expected to match: /$3/"; fi
}

# isnt NAME GOT UNEXPECTED
isnt() {
	if [ "$2" != "$3" ]; then ok "$1"; else not_ok "$1" "got what it must not be: '$2'"; fi
}

# unlike NAME GOT REGEX
unlike() {
	if [[ $2 =~ $3 ]]; then not_ok "$1" "got:      '$2'" "expected not to match: /$3/"; else ok "$1"; fi
}
