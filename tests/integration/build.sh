#!/bin/bash
# Building from a fresh tree: `make ward`, which contrib/quickstart (the README's first command)
# runs, does not go through BUILT_SOURCES, so the objects that include a generated header must
# make it themselves. Configures a new build directory and compiles just those objects.
set -u
. "$(dirname "$0")/lib/tap.sh"
: "${WARD_SRCDIR:?WARD_SRCDIR must point at the source tree (make check sets it)}"

work=$(mktemp -d "${TMPDIR:-/tmp}/ward-build.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Every source file that includes a generated header, as the object make would build.
objects=$(cd "$WARD_SRCDIR" && grep -rlE '#include "(commit\.h|default-profile\.inc)"' src |
	sed 's/\.c$/.o/' | sort | tr '\n' ' ')
like finds_the_objects_that_include_generated_headers "$objects" 'src/cli/version\.o.*src/linux/seccomp\.o'

if (cd "$work" && "$WARD_SRCDIR/configure" --quiet) >"$work/configure.log" 2>&1; then
	# shellcheck disable=SC2086 # one word per object
	out=$(cd "$work" && make $objects 2>&1)
	rc=$?
	if [ $rc = 0 ]; then ok objects_with_generated_headers_build_on_a_fresh_tree; else
		not_ok objects_with_generated_headers_build_on_a_fresh_tree "$(echo "$out" | tail -n 5)"
	fi
else
	not_ok objects_with_generated_headers_build_on_a_fresh_tree "configure failed: $(tail -n 5 "$work/configure.log")"
fi
done_testing
