#!/bin/sh
# stage5-waitfree/extensions/wait/bench-wait.sh MODE BINARY OUTDIR [FLAG...]:
# `make bench-wait`, what a blocking wait costs.
#
# BINARY is bench-wait (bench_wait.c): one queue per run, its rows in the
# harness's CSV. The queues (plain stage 5, spsc_wait.h in both orderings,
# moodycamel's blocking ring: the binary's `info` lists them) take turns in
# every round, in a rotating order, as bench-all's stages do, so each gets
# runs in every placement of the two vCPUs the machine shows; every run is
# bracketed by two probes; after the rounds, one idle run of each. MODE is `full` (make bench-wait) or `quick` (WAIT_MODE=quick: small
# sizes, proves the pipeline). FLAG...: given to every run after the
# script's own (make's WAIT_BENCH_ARGS, e.g. --cpus 2,3). OUTDIR
# (notes/results/latest) receives wait.csv (bench-all's header, then every
# row) and wait.md (wait-table.awk: a table per placement class, medians
# over its runs, the ratios to plain stage 5 as medians of per-pair ratios
# within it, the moved runs left out: common/bench/placement.awk).
set -eu

mode=${1:?usage: bench-wait.sh full|quick BINARY OUTDIR [FLAG...]}
bin=${2:?BINARY}
out=${3:?OUTDIR}
shift 3
extra="$*"
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
. "$top/common/bench/bench-lib.sh"

# Full: about a minute on a 2-vCPU VM.
case $mode in
full) ROUNDS=5 ITEMS=10000000 SAMPLES=400 GAP_US=2000 IDLE_MS=1000 PROBE_TRIPS=20000 ;;
quick) ROUNDS=2 ITEMS=200000 SAMPLES=20 GAP_US=1000 IDLE_MS=100 PROBE_TRIPS=5000 ;;
*)
	echo "bench-wait.sh: unknown mode '$mode' (full or quick)" >&2
	exit 2 ;;
esac
[ -x "$bin" ] || { echo "bench-wait.sh: $bin is missing (make bench-wait builds it)" >&2; exit 2; }
# The flags are checked (exit 2) before any run: `info` takes them all.
# shellcheck disable=SC2086 # the flags are meant to split
info=$("$bin" info $extra) || exit 2
queues=$(field queues)
base=${queues%% *}

bench_start wait bench-wait
{
	bench_header "make bench-wait$([ "$mode" = quick ] && echo " (quick)" || true)" "" " (producer+consumer)"
	echo "# queues: $queues (in this order; ratios are against $base)"
	echo "# rounds: $ROUNDS; per queue and round: throughput ($ITEMS items at capacity $(field capacity)), then $SAMPLES wake-ups $GAP_US us apart; the order of the queues rotates every round; after the rounds, one idle run of each ($IDLE_MS ms, round 0)"
	echo "# spins: $(field spins)"
	echo "# probe: two-cache-line round trip between the two CPUs, $PROBE_TRIPS trips, taken right before and right after every run (probe_ns, probe_after_ns): its placement class (common/bench/placement.awk)"
} >"$out/wait-raw/header.txt"
say "queues: $queues; CPUs $(field cpus)"

# run ARGS: one run of bench-wait, its rows appended to $rows.
run() {
	# shellcheck disable=SC2086 # the flags are meant to split
	"$bin" "$@" --probe-trips "$PROBE_TRIPS" --csv "$rows" $extra
}

r=1
while [ "$r" -le "$ROUNDS" ]; do
	order=$(bench_rotate "$r" $queues)
	say "round $r of $ROUNDS: $order"
	for q in $order; do
		run throughput wakeup --queue "$q" --items "$ITEMS" --samples "$SAMPLES" --gap-us "$GAP_US" --round "$r"
	done
	r=$((r + 1))
done
say "idle consumers, $IDLE_MS ms each"
for q in $queues; do
	run idle --queue "$q" --idle-ms "$IDLE_MS" --round 0
done

cat "$out/wait-raw/header.txt" "$rows" >"$out/wait.csv"
awk -F, -v caption="$(bench_caption)" -v queues="$queues" -v rounds="$ROUNDS" -f "$top/common/bench/csv.awk" \
	-f "$top/common/bench/stats.awk" -f "$top/common/bench/placement.awk" -f "$here/wait-table.awk" "$rows" >"$out/wait.md"
echo
cat "$out/wait.md"
say "done: $out/wait.md and wait.csv"
