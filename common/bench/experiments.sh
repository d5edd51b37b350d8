#!/bin/sh
# common/bench/experiments.sh MODE BINDIR OUTDIR: the measurements the notes quote
# beyond the progression table (make bench-experiments).
#
#   1. What ordering costs: stages 3 and 5 with every ordering seq_cst
#      (common/variants/<stage>/seq-cst.patch) against the acquire/release
#      build (throughput, and seed-st on one thread).
#   2. What padding buys: stage 3 (counters on one line) against stages 4
#      and 5, each padded to 64 and to 128 bytes (-DSPSC_CACHE_LINE=128).
#   3. Who waits and who reloads, under each wait policy (the driver's
#      --wait; its info lists them): the counting build (-DBENCH_COUNT) of
#      every stage counts, per million items, how often the producer found
#      the ring full, the consumer found it empty, and (stage 5) how often
#      each side reloaded the other's counter.
#   4. What the lock costs the kernel: futex system calls, context switches
#      and page faults of stages 1-3, from perf's software events (no PMU
#      needed), where perf is installed.
#
# Variants run in interleaved rounds, like bench-all, every run between
# two probes; every comparison of two-thread runs is a median of per-pair
# ratios within one placement class (common/bench/placement.awk; a run
# that moved is left out), of one-thread runs a median of per-round
# ratios. Writes OUTDIR/experiments.csv (every row, with the variant's name
# first) and OUTDIR/experiments.md.
set -eu

mode=${1:?usage: experiments.sh full|quick BINDIR OUTDIR}
bin=${2:?BINDIR}
out=${3:?OUTDIR}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$here/bench-lib.sh"

case $mode in
full) ROUNDS=12 MIN_MS=200 TRIPS=300000 SEED=1000000 TP_ITEMS=2000000 PROBE_TRIPS=20000 ;;
quick) ROUNDS=2 MIN_MS=20 TRIPS=10000 SEED=100000 TP_ITEMS=100000 PROBE_TRIPS=5000 ;;
*)
	echo "experiments.sh: unknown mode '$mode' (full or quick)" >&2
	exit 2
	;;
esac

rm -rf "$out"
mkdir -p "$out"
rows=$out/experiments.csv
bench_begin bench-experiments
info=$("$bin/bench-stage1-mutex" info)
WAITS=$(field waits)
COUNTED="stage1-mutex-count stage2-ring-count stage3-atomics-count stage4-cache-padded-count stage5-waitfree-count"

bench_machine
{
	echo "$info"
	echo "# make bench-experiments ($mode): $ROUNDS interleaved rounds, throughput >= $MIN_MS ms per run, latency $TRIPS round trips"
	bench_machine_lines
	echo "# date: $date_utc"
	echo "# commit: $commit"
	echo "variant,$(field columns)"
} >"$rows"

# ------------------------------------------------------------ 1-3: interleaved rounds
r=1
while [ "$r" -le "$ROUNDS" ]; do
	say "round $r of $ROUNDS: orderings, padding, counts"
	for v in stage3-atomics stage3-atomics-seq-cst stage4-cache-padded stage4-cache-padded-line128 \
		stage5-waitfree stage5-waitfree-seq-cst stage5-waitfree-line128; do
		run_variant "$v" throughput --runs 1 --min-ms "$MIN_MS" --round "$r"
		run_variant "$v" seed-st --runs 1 --items "$SEED" --round "$r"
	done
	for v in stage3-atomics stage4-cache-padded stage4-cache-padded-line128 stage5-waitfree stage5-waitfree-line128; do
		run_variant "$v" latency --runs 1 --trips "$TRIPS" --round "$r"
	done
	for w in $WAITS; do
		for cap in 65536 1024; do
			for v in $COUNTED; do
				# Stage 1 is unbounded: one run (initial capacity 4, it grows) stands for both.
				[ "$v" = stage1-mutex-count ] && [ "$cap" != 65536 ] && continue
				run_variant "$v" throughput --runs 1 --min-ms "$MIN_MS" --capacity "$cap" --round "$r" --wait "$w"
			done
		done
	done
	r=$((r + 1))
done

# ------------------------------------------------------------ 4: the kernel's view
# perf stat's software events and tracepoints work without a PMU (on a VM).
# One process per measurement, three repetitions (in the run column); a
# `probe` run of two probes (each two threads started and joined, no
# queue) is the baseline: the two probes that bracket every two-thread run.
perf_ok=no
if command -v perf >/dev/null && perf stat -x, -e syscalls:sys_enter_futex true >/dev/null 2>&1; then
	perf_ok=yes
	say "kernel events: futex calls, context switches, page faults"
	kernel() {
		variant=$1 what=$2
		shift 2
		header=$(bench_csv_header "$rows")
		perf stat -x, -e syscalls:sys_enter_futex,context-switches,page-faults -o "$out/perf.tmp" \
			"$bin/bench-$variant" "$@" --quiet >/dev/null
		# perf's own CSV (-x,): value first, event third; into one row of ours each.
		bench_csv_awk 'BEGIN { csv_names(header) }
			$1 ~ /^[0-9]+$/ {
				e = $3; sub(/^syscalls:sys_enter_/, "", e)
				csv_put("variant", v); csv_put("stage_name", v); csv_put("workload", "kernel-" w); csv_put("round", 0)
				csv_put("run", r); csv_put("metric", e); csv_put("value", $1); csv_put("unit", "count")
				csv_put("timer", "perf-stat"); csv_print()
			}' -v header="$header" -v v="$variant" -v w="$what" -v r="$r" <"$out/perf.tmp" >>"$rows"
	}
	for r in 1 2 3; do
		for v in stage1-mutex stage2-ring stage3-atomics; do
			kernel "$v" baseline probe --runs 2 --probe-trips 1000
			kernel "$v" seed-st seed-st --runs 1 --items "$SEED"
			kernel "$v" seed-mt seed-mt --runs 1 --items 100000 --probe-trips 1000
			kernel "$v" throughput throughput --runs 1 --items "$TP_ITEMS" --no-warmup --probe-trips 1000
		done
	done
	rm -f "$out/perf.tmp"
else
	say "perf (linux-perf) is not installed or cannot trace syscalls: the kernel section is skipped"
fi

say "aggregating"
awk -F, -v perf_ok="$perf_ok" -v seed="$SEED" -v tp_items="$TP_ITEMS" -v waits="$WAITS" \
	-f "$here/csv.awk" -f "$here/stats.awk" -f "$here/placement.awk" -f "$here/experiments.awk" "$rows" >"$out/experiments.md"
cat "$out/experiments.md"
say "done: $out"
