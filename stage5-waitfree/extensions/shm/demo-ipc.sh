#!/bin/sh
# stage5-waitfree/extensions/shm/demo-ipc.sh MODE OUTDIR BINARY... [FLAG...]:
# `make demo-ipc`, stage 5's ring between two processes.
#
# Each BINARY is the one driver (demo_driver.h) over one queue: spsc_shm.h
# first (between processes, then threads: its process row is the base of
# every ratio), then Boost.Interprocess's message_queue, spinning and
# blocking. They take turns in every round, in a rotating order, as
# bench-all's stages do, so each gets runs in every placement of the two
# vCPUs the machine shows; every run is bracketed by two probes, and
# ipc.md compares queues only within one placement class
# (common/bench/placement.awk).
# MODE is `full` (make demo-ipc) or `quick` (IPC_MODE=quick: small sizes,
# proves the pipeline). FLAG...: given to every run after the script's own
# (make's IPC_ARGS, e.g. --capacity 65536; a binary's --help lists them).
# OUTDIR (notes/results/latest) receives ipc.csv (bench-all's header, then
# every row) and ipc.md (ipc-table.awk). Exit status: 0, 1 when a run
# failed, 2 on bad usage.
set -eu

usage() {
	echo "usage: make demo-ipc [IPC_MODE=quick] [IPC_ARGS='--capacity N --cpus A,B ...']"
	echo "   or: $0 full|quick OUTDIR BINARY... [FLAG...]"
	echo "  throughput (Mitems/s) and round trip (p50, p99 ns) between processes and threads, the binaries"
	echo "  in turns round by round; the table in OUTDIR/ipc.md, every run in OUTDIR/ipc.csv"
}
case "${1:-}" in -h | --help) usage; exit 0 ;; esac
[ $# -ge 3 ] || { usage >&2; exit 2; }
mode=$1 out=$2
shift 2
bins=""
while [ $# -gt 0 ] && [ -f "$1" ] && [ -x "$1" ]; do
	bins="$bins $1"
	shift
done
[ -n "$bins" ] || { echo "demo-ipc: no driver binary given" >&2; usage >&2; exit 2; }
extra="$*"
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
. "$top/common/bench/bench-lib.sh"

# Full: about a minute on a 2-vCPU VM, most of it Boost's blocking round trips.
case $mode in
full) ROUNDS=5 ITEMS=10000000 TRIPS=100000 PROBE_TRIPS=20000 ;;
quick) ROUNDS=2 ITEMS=200000 TRIPS=5000 PROBE_TRIPS=5000 ;;
*)
	echo "demo-ipc: unknown mode '$mode' (full or quick)" >&2
	exit 2 ;;
esac
# Each binary checks the flags (exit 2) before any run: `info` takes them all.
for b in $bins; do
	# shellcheck disable=SC2086 # the flags are meant to split
	"$b" info $extra >/dev/null || exit 2
done
first=${bins# }
first=${first%% *}
# shellcheck disable=SC2086
info=$("$first" info $extra)
base="$(field stage)-process"

bench_start ipc demo-ipc
{
	bench_header "make demo-ipc$([ "$mode" = quick ] && echo " (quick)" || true)" " (each binary's own below)" " (producer+consumer)"
	for b in $bins; do
		# shellcheck disable=SC2086
		"$b" info $extra | sed -n 's/^# flags: /# '"$(basename "$b")"' flags: /p; s/^# what: /# queue /p'
	done
	echo "# rounds: $ROUNDS; per binary and round, between processes (and threads, for $(field stage)): a warm-up, then one throughput run ($ITEMS items; a slow queue moves a fraction, its items column says) and one round-trip run ($TRIPS trips); the order of the binaries rotates every round; ratios are against $base"
	echo "# probe: two-cache-line round trip between the two CPUs, $PROBE_TRIPS trips, taken right before and right after every run (probe_ns, probe_after_ns): its placement class (common/bench/placement.awk)"
} >"$out/ipc-raw/header.txt"
say "binaries:$bins; CPUs $(field cpus)"

r=1
while [ "$r" -le "$ROUNDS" ]; do
	# shellcheck disable=SC2086
	order=$(bench_rotate "$r" $bins)
	say "round $r of $ROUNDS"
	for b in $order; do
		# shellcheck disable=SC2086
		"$b" --runs 1 --round "$r" --items "$ITEMS" --trips "$TRIPS" --probe-trips "$PROBE_TRIPS" --csv "$rows" $extra ||
			exit 1
	done
	r=$((r + 1))
done

cat "$out/ipc-raw/header.txt" "$rows" >"$out/ipc.csv"
{
	awk -F, -v caption="$(bench_caption)" -v base="$base" -v rounds="$ROUNDS" -f "$top/common/bench/csv.awk" \
		-f "$top/common/bench/stats.awk" -f "$top/common/bench/placement.awk" -f "$here/ipc-table.awk" "$rows"
	echo
	echo "The queues:"
	echo
	sed -n 's/^# queue \([^:]*\): /- `\1`: /p' "$out/ipc-raw/header.txt"
} >"$out/ipc.md"
echo
cat "$out/ipc.md"
say "done: $out/ipc.md and ipc.csv"
