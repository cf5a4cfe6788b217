#!/bin/bash
# Startup benchmark (not a test): N sequential cycles of create + start + wait + delete of a
# busybox /bin/true bundle — `<runtime> run`, which does exactly that in one command — for
# ward and, when installed, runc and crun, interleaved so that machine noise hits all alike.
# Prints the median and the 90th percentile per runtime, ward's ratios to the others, and
# each runtime's peak RSS.
#
#   tests/bench/startup.sh [-n N] [-w path/to/ward] [-p policy.conf]        (as root)
#
# -p also measures ward with that policy file (`ward --policy FILE`, reported as ward-p), in
# the same interleaving: with `userns = auto` in it, the cost of the user namespace and the
# idmapped root filesystem.
#
# crun 1.8 refuses hybrid cgroup hosts; like the test machines' notes say, it runs in a private
# mount namespace with the unified hierarchy unmounted, which adds an unshare(1) to its time:
# the report says so. runc uses cgroup v1 here; ward uses a cgroup v2 group (the unified mount).
set -euo pipefail
n=100
ward=$(cd "$(dirname "$0")/../.." && pwd)/_build/ward
policy=
while getopts "n:w:p:" o; do
	case $o in
	n) n=$OPTARG ;;
	w) ward=$OPTARG ;;
	p) policy=$(realpath "$OPTARG") ;;
	*) exit 2 ;;
	esac
done
[ "$(id -u)" = 0 ] || { echo "run me as root" >&2; exit 1; }
command -v busybox >/dev/null || { echo "install busybox-static" >&2; exit 1; }
[ -x /usr/bin/time ] || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null

work=$(mktemp -d /tmp/ward-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bundle/rootfs/bin" "$work/bundle/rootfs"/{proc,sys,dev,tmp}
cp "$(command -v busybox)" "$work/bundle/rootfs/bin/busybox"
ln -s busybox "$work/bundle/rootfs/bin/true"
ln -s busybox "$work/bundle/rootfs/bin/sh"
"$ward" spec -b "$work/bundle"
sed -i 's|^\( *\)"sh"$|\1"/bin/true"|' "$work/bundle/config.json"
# crun 1.8 knows runtime-spec versions up to 1.1 only; the config is the same for all three.
sed -i 's|"ociVersion": "[^"]*"|"ociVersion": "1.0.2"|' "$work/bundle/config.json"

runtimes=(ward)
declare -A cmd
cmd[ward]="$ward --root $work/state-ward"
if [ -n "$policy" ]; then
	runtimes+=(ward-p)
	cmd[ward-p]="$ward --policy $policy --root $work/state-ward-p"
fi
if command -v runc >/dev/null; then runtimes+=(runc); cmd[runc]="runc --root $work/state-runc"; fi
if command -v crun >/dev/null; then
	runtimes+=(crun)
	cat >"$work/crun-wrapper" <<WRAP
#!/bin/sh
exec unshare -m sh -c 'umount /sys/fs/cgroup/unified 2>/dev/null; exec crun --root $work/state-crun "\$@"' crun "\$@"
WRAP
	chmod +x "$work/crun-wrapper"
	cmd[crun]="$work/crun-wrapper"
fi

for rt in "${runtimes[@]}"; do
	# warm up, and check that it works at all
	${cmd[$rt]} run -b "$work/bundle" warm-$rt >/dev/null 2>"$work/$rt.err" </dev/null || {
		echo "$rt: cannot run the bundle: $(cat "$work/$rt.err")" >&2
		exit 1
	}
done

for i in $(seq "$n"); do
	for rt in "${runtimes[@]}"; do
		t0=$(date +%s%N)
		/usr/bin/time -f %M -o "$work/$rt.rss.$i" ${cmd[$rt]} run -b "$work/bundle" c$i >/dev/null 2>&1 </dev/null
		t1=$(date +%s%N)
		echo $(((t1 - t0) / 1000)) >>"$work/$rt.us"
	done
done

stat_of() { # stat_of FILE PERCENT: the value at that rank (50 = median)
	sort -n "$1" | awk -v p="$2" '{a[NR]=$1} END {i=int((NR-1)*p/100)+1; print a[i]}'
}
printf '%-6s %12s %12s %14s\n' runtime "median ms" "p90 ms" "peak RSS KiB"
declare -A med
for rt in "${runtimes[@]}"; do
	med[$rt]=$(stat_of "$work/$rt.us" 50)
	p90=$(stat_of "$work/$rt.us" 90)
	cat "$work/$rt".rss.* >"$work/$rt.rss"
	rss=$(sort -n "$work/$rt.rss" | tail -n 1)
	printf '%-6s %12.2f %12.2f %14s\n' "$rt" "$(echo "${med[$rt]} / 1000" | bc -l)" \
		"$(echo "$p90 / 1000" | bc -l)" "$rss"
done
for rt in "${runtimes[@]}"; do
	[ "$rt" = ward ] || [ "$rt" = ward-p ] && continue
	printf 'ward/%s median ratio: %.2f\n' "$rt" "$(echo "${med[ward]} / ${med[$rt]}" | bc -l)"
done
[ -n "$policy" ] && printf 'ward-p/ward median ratio: %.2f (ward-p: --policy %s)\n' \
	"$(echo "${med[ward-p]} / ${med[ward]}" | bc -l)" "$policy"
echo "($n cycles each, interleaved; peak RSS is the runtime process's maximum resident set;"
echo " crun's time includes the unshare wrapper this hybrid-cgroup host needs)"
