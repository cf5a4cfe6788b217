#!/bin/bash
# The layer rules of docs/architecture.md ("Layers"), checked on every #include of src/ and
# include/ward/. Each source file and header belongs to one layer; a layer may include only
# its own headers and those of the layers its row names; the private headers of a directory
# (src/container/internal.h, src/spec/reader.h, ...) only from that directory. A header or
# directory that no row names is an error, so a new one has to be placed deliberately.
#
#   tests/layers.sh            TAP: today's tree, the self-tests, the doc's table (make check)
#   tests/layers.sh --tree DIR checks the tree at DIR only; one line per violation, exit 1
#                              (make check-layers)
#
# The tables below mirror docs/architecture.md; a test point fails when they differ.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
srcdir=$(cd "$here/.." && pwd)

# layer | sources | headers in include/ward/ | may include (besides itself)
LAYERS='
cli | src/main.c src/cli/ src/cmd/ | cli.h inspect_output.h | container policy plan spec util
container | src/container/ | container.h inspect.h state.h verify.h | policy plan linux spec util
policy | src/policy/ | policy.h | plan linux spec util
plan | - | plan.h | linux spec util
linux | src/linux/ | cgroup.h console.h hooks.h hostpath.h idmap_rootfs.h loopback.h lsm.h mounts.h namespaces.h netdev.h passwd.h process.h procview.h rootfs.h rootless.h safepath.h seccomp.h seccomp_learn.h selfprotect.h spawn.h sync.h syscalls.h systemd.h systemd_dbus.h userns_pool.h | plan spec util
spec | src/spec/ | spec.h | util
util | src/util/ | cleanup.h cpulist.h error.h json.h json_gen.h log.h sha256.h util.h | -
'

# file | header it may include against the rules (each one is explained in the doc)
EXCEPTIONS='
src/main.c | selfprotect.h
src/main.c | rootless.h
src/cmd/events.c | cgroup.h
'

# Generated in the build directory (-I$(top_builddir)/src): a build fact anyone may include, and
# the default seccomp profile's bytes, which only the seccomp code includes.
declare -A GENERATED=([commit.h]=util [default-profile.inc]=linux)

declare -A HEADER_LAYER DIR_LAYER ALLOWED EXCEPT

# Reads the tables into the maps above.
load_tables() {
	local layer sources headers allows s h f
	while IFS='|' read -r layer sources headers allows; do
		layer=$(echo "$layer" | xargs)
		[ -n "$layer" ] || continue
		for s in $sources; do [ "$s" = - ] || DIR_LAYER[$s]=$layer; done
		for h in $headers; do HEADER_LAYER[$h]=$layer; done
		allows=$(echo "$allows" | xargs)
		[ "$allows" = - ] && allows=""
		ALLOWED[$layer]=" $layer $allows "
	done <<<"$LAYERS"
	while IFS='|' read -r f h; do
		f=$(echo "$f" | xargs)
		[ -n "$f" ] || continue
		EXCEPT["$f|$(echo "$h" | xargs)"]=1
	done <<<"$EXCEPTIONS"
}

# Sets LAYER to the layer of file $1 (a path relative to the tree's top), or "" when no row
# places it.
layer_of() {
	local f=$1 d
	LAYER=""
	case $f in
	include/ward/*) LAYER=${HEADER_LAYER[${f#include/ward/}]:-} ;;
	src/main.c) LAYER=${DIR_LAYER[src/main.c]:-} ;;
	src/*/*)
		d=${f#src/}
		LAYER=${DIR_LAYER[src/${d%%/*}/]:-}
		;;
	esac
}

# check_include TOP FILE LINE QUOTE NAME: one #include; prints a violation and returns 1.
check_include() {
	local top=$1 file=$2 lineno=$3 quote=$4 name=$5 dir=${2%/*} target="" tlayer=""
	# System headers are not ward's.
	[ "$quote" = '<' ] && [[ $name != ward/* ]] && return 0
	layer_of "$file"
	if [[ $name == ward/* ]]; then
		target=include/$name
		tlayer=${HEADER_LAYER[${name#ward/}]:-}
	elif [ -f "$top/$dir/$name" ]; then
		# A private header: only its own directory may include it.
		[[ $name != */* ]] && return 0
		target=$(realpath -m --relative-to="$top" "$top/$dir/$name")
		[ "${target%/*}" = "$dir" ] && return 0
		echo "$file:$lineno: includes \"$name\", a private header of ${target%/*}/"
		return 1
	elif [ -n "${GENERATED[$name]:-}" ]; then
		target=$name
		tlayer=${GENERATED[$name]}
	fi
	if [ -z "$target" ] || { [[ $target == include/* ]] && [ ! -f "$top/$target" ]; }; then
		echo "$file:$lineno: includes \"$name\", which is not in the tree"
	elif [ -z "$tlayer" ]; then
		echo "$file:$lineno: includes \"$name\", which belongs to no layer (add it to the table of tests/layers.sh and docs/architecture.md)"
	elif [[ ${ALLOWED[$LAYER]} != *" $tlayer "* ]] && [ -z "${EXCEPT["$file|${name#ward/}"]:-}" ]; then
		echo "$file:$lineno: $LAYER includes \"$name\" of $tlayer, which $LAYER may not include"
	else
		return 0
	fi
	return 1
}

# check_tree DIR: prints one line per violation; returns 1 when there is any.
check_tree() {
	local top=$1 bad=0 file lineno quote name
	local -a files
	local -A placed
	mapfile -t files < <(cd "$top" && find src include -type f \( -name '*.c' -o -name '*.h' \) |
		LC_ALL=C sort)
	for file in "${files[@]}"; do
		layer_of "$file"
		if [ -n "$LAYER" ]; then
			placed[$file]=1
		else
			echo "$file: belongs to no layer (add it to the table of tests/layers.sh and docs/architecture.md)"
			bad=1
		fi
	done
	[ ${#files[@]} -gt 0 ] || return 0
	while IFS=: read -r file lineno quote name; do
		[ -n "${placed[$file]:-}" ] || continue
		check_include "$top" "$file" "$lineno" "$quote" "$name" || bad=1
	done < <(cd "$top" && awk 'match($0, /^[ \t]*#[ \t]*include[ \t]*["<][^">]*[">]/) {
		s = substr($0, RSTART, RLENGTH); sub(/^[^"<]*/, "", s)
		print FILENAME ":" FNR ":" substr(s, 1, 1) ":" substr(s, 2, length(s) - 2) }' "${files[@]}")
	return $bad
}

load_tables

if [ "${1:-}" = --tree ]; then
	check_tree "${2:?--tree needs a directory}" || exit 1
	echo "every include of $2/src and $2/include keeps the layer rules of docs/architecture.md"
	exit 0
fi

# ---- TAP ----------------------------------------------------------------------------------
n=0
failed=0
ok() {
	n=$((n + 1))
	echo "ok $n - $1"
}
not_ok() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $1"
	shift
	printf '%s\n' "$@" | sed 's/^/# /'
}

name="every include of src/ and include/ keeps the layer rules"
if out=$(check_tree "$srcdir"); then ok "$name"; else not_ok "$name" "$out"; fi

# The self-tests: a copy of the tree with one deliberate violation each must be refused, with
# the file and the rule named.
work=$(mktemp -d "${TMPDIR:-/tmp}/ward-layers.XXXXXX")
trap 'rm -rf "$work"' EXIT

# refused NAME FILE LINE EXPECTED: FILE (relative to the copy) gets LINE; the check must fail
# with a message matching EXPECTED (a grep -E pattern).
refused() {
	local name=$1 file=$2 line=$3 expected=$4 got
	rm -rf "$work/t"
	mkdir -p "$work/t"
	cp -R "$srcdir/src" "$srcdir/include" "$work/t/"
	mkdir -p "$(dirname "$work/t/$file")"
	printf '%s\n' "$line" >>"$work/t/$file"
	if got=$(check_tree "$work/t"); then
		not_ok "$name" "the check passed a tree with: $file: $line"
	elif echo "$got" | grep -qE "$expected"; then
		ok "$name"
	else
		not_ok "$name" "got:      $got" "expected: /$expected/"
	fi
}

refused "refuses linux including container (upward)" src/linux/caps.c '#include "ward/container.h"' \
	'^src/linux/caps.c:[0-9]+: linux includes "ward/container.h" of container'
refused "refuses spec including linux (upward)" src/spec/spec.c '#include "ward/mounts.h"' \
	'^src/spec/spec.c:[0-9]+: spec includes "ward/mounts.h" of linux'
refused "refuses util including spec (upward)" src/util/json.c '#include "ward/spec.h"' \
	'^src/util/json.c:[0-9]+: util includes "ward/spec.h" of spec'
refused "refuses policy including container" src/policy/checks.c '#include "ward/state.h"' \
	'^src/policy/checks.c:[0-9]+: policy includes "ward/state.h" of container'
refused "refuses a linux header including policy" include/ward/cgroup.h '#include "ward/policy.h"' \
	'^include/ward/cgroup.h:[0-9]+: linux includes "ward/policy.h" of policy'
refused "refuses a command reaching linux directly" src/cmd/kill.c '#include "ward/cgroup.h"' \
	'^src/cmd/kill.c:[0-9]+: cli includes "ward/cgroup.h" of linux'
refused "refuses another directory's private header" src/cmd/start.c '#include "../container/internal.h"' \
	'^src/cmd/start.c:[0-9]+: includes "../container/internal.h", a private header of src/container/'
refused "refuses a header that belongs to no layer" include/ward/newthing.h '#include "ward/error.h"' \
	'^include/ward/newthing.h: belongs to no layer'
refused "refuses a directory that belongs to no layer" src/extra/x.c '#include "ward/util.h"' \
	'^src/extra/x.c: belongs to no layer'
refused "refuses an include that is not in the tree" src/linux/caps.c '#include "ward/nosuch.h"' \
	'^src/linux/caps.c:[0-9]+: includes "ward/nosuch.h", which is not in the tree'
refused "refuses an indented, spaced include" src/linux/caps.c '  #  include   <ward/policy.h>' \
	'^src/linux/caps.c:[0-9]+: linux includes "ward/policy.h" of policy'

# docs/architecture.md shows the same tables (the rows between its markers).
rows() { # rows TEXT: the table rows, normalised
	sed -e 's/`//g' -e 's/^[[:space:]]*|//' -e 's/|[[:space:]]*$//' -e 's/[[:space:]]*|[[:space:]]*/ | /g' \
		-e 's/[[:space:]][[:space:]]*/ /g' -e 's/^ //' -e 's/ $//' <<<"$1" |
		grep -vE '^[-| ]*$|^layer \||^file \|' || true
}
doc_block() { # doc_block DOC NAME: the lines between <!-- NAME:begin --> and <!-- NAME:end -->
	sed -n "/<!-- $2:begin -->/,/<!-- $2:end -->/p" "$1" | sed '1d;$d'
}
# doc_agrees DOC: prints the differences and returns 1 when DOC's tables are not this script's.
doc_agrees() {
	local doc mine rc=0
	doc=$(rows "$(doc_block "$1" layers)")
	mine=$(rows "$LAYERS")
	if [ -z "$doc" ] || [ "$doc" != "$mine" ]; then
		echo "layers:"
		diff <(echo "$mine") <(echo "$doc")
		rc=1
	fi
	# The exceptions table has a third column (why): compare file and header.
	doc=$(rows "$(doc_block "$1" layer-exceptions)" | awk -F' [|] ' '{print $1 " | " $2}')
	mine=$(rows "$EXCEPTIONS")
	if [ -z "$doc" ] || [ "$doc" != "$mine" ]; then
		echo "layer-exceptions:"
		diff <(echo "$mine") <(echo "$doc")
		rc=1
	fi
	return $rc
}
name="docs/architecture.md's tables are this script's"
if out=$(doc_agrees "$srcdir/docs/architecture.md"); then ok "$name"; else not_ok "$name" "$out"; fi
# ... and that comparison can fail.
sed 's/^| spec | src\/spec\/ | spec.h | util |$/| spec | src\/spec\/ | spec.h | linux util |/' \
	"$srcdir/docs/architecture.md" >"$work/rule.md"
sed '/^| src\/cmd\/events.c |/d' "$srcdir/docs/architecture.md" >"$work/exception.md"
for f in rule exception; do
	name="notices a doc whose $f table differs"
	if cmp -s "$work/$f.md" "$srcdir/docs/architecture.md"; then
		not_ok "$name" "the test did not change the doc's $f table"
	elif doc_agrees "$work/$f.md" >/dev/null; then
		not_ok "$name" "a changed $f table was taken for the script's"
	else
		ok "$name"
	fi
done

echo "1..$n"
[ "$failed" -eq 0 ]
