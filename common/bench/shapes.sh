#!/bin/sh
# common/bench/shapes.sh MODE BINDIR OUTDIR STAGE...: the load shapes (make
# bench-shapes). Flat out is one shape of many; a queue's users mostly live
# in the others. On every stage, through the one driver (common/bench/bench.c):
#
#   shape-consumer-slow   the consumer works W ns per item, the producer none: the ring runs full
#   shape-producer-slow   the producer works W ns per item: the ring runs empty
#   shape-both            both work W ns per item
#   shape-burst           the producer pushes B items back to back every P ns; no work
#   latency-load          the producer paced at fractions of a rate, each item stamped when
#                         pushed: its time in the queue, p50 p99 p99.9
#
# The work is a chain of dependent multiply-adds, calibrated in ns by each
# driver at start on the producer's CPU (its rows say how many iterations
# and ns). Interleaved rounds, the order of the stages rotating; every run
# between two probes; the table (common/bench/shapes-table.awk) files each
# run in its placement class (common/bench/placement.awk), leaves out the
# runs that moved, and compares stages only within one class. Writes
# OUTDIR/shapes.csv (header, then the rows), OUTDIR/shapes.md and the
# chart OUTDIR/shapes.svg and .png (common/bench/shapes.gp: per policy, the
# shapes' items/s over their bound in the main class); the raw rows in
# OUTDIR/shapes-raw/.
#
# Environment: SHAPES_ROUNDS (rounds, instead of the mode's), SHAPES_WORK_NS
# (W, default 30), SHAPES_BURST (B, 32), SHAPES_PERIOD_NS (P, 1000),
# SHAPES_RATE (the full rate, Mitems/s; unset: what stage 5, or the last
# queue given, sustains in latency-load itself, measured before the rounds)
# and SHAPES_LOADS (its fractions, 0.1,0.5,0.9); SHAPES_WAITS, the wait
# policies every queue runs under in every round, a table each (default
# "spin batch": the plainest loop, and the one that waits for a batch at
# growing gaps; an entry batch:ITEMS/NS is batch with those parameters);
# SHAPES_NAME, the files' name (shapes: OUTDIR/shapes.csv ...);
# SHAPES_CAPACITY, the ring's slots in every run (65536); SHAPES_VS, what
# the ratio column divides by: "before" (the stage before, for the ladder)
# or "first" (the first queue given, for stage 5 beside the peers).
# shellcheck disable=SC1091,SC2034,SC2154 # bench-lib.sh, sourced, reads top and info and sets rows
set -eu
mode=${1:-quick}
bin=${2:?usage: shapes.sh full|quick BINDIR OUTDIR STAGE...}
out=${3:?OUTDIR}
shift 3
[ $# -gt 0 ] || { echo "shapes.sh: no stages given" >&2; exit 2; }
stages="$*"
# Quick: about 30 s on a quiet 2-vCPU VM; it proves the pipeline, not the
# speeds. Full: a few minutes (per stage and round: 4 shapes of a warm-up
# and one run each, then the loads).
case $mode in
full) ROUNDS=30 MIN_MS=50 LAT_ITEMS=200000 PROBE_TRIPS=20000 ;;
quick) ROUNDS=6 MIN_MS=20 LAT_ITEMS=20000 PROBE_TRIPS=5000 ;;
*) echo "shapes.sh: unknown mode '$mode' (full or quick)" >&2; exit 2 ;;
esac
ROUNDS=${SHAPES_ROUNDS:-$ROUNDS}
WORK_NS=${SHAPES_WORK_NS:-30} BURST=${SHAPES_BURST:-32} PERIOD_NS=${SHAPES_PERIOD_NS:-1000}
RATE=${SHAPES_RATE:-} LOADS=${SHAPES_LOADS:-0.1,0.5,0.9}
WAITS=${SHAPES_WAITS:-spin batch} name=${SHAPES_NAME:-shapes} vs=${SHAPES_VS:-before}
CAPACITY=${SHAPES_CAPACITY:-65536}
case $vs in before | first) ;; *) echo "shapes.sh: SHAPES_VS must be before or first, not '$vs'" >&2; exit 2 ;; esac
case $name in '' | *[!a-z0-9-]*) echo "shapes.sh: SHAPES_NAME must be lower-case letters, digits and -" >&2; exit 2 ;; esac
case $ROUNDS in '' | *[!0-9]* | 0) echo "shapes.sh: SHAPES_ROUNDS must be a positive number" >&2; exit 2 ;; esac
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$here/bench-lib.sh"
# The tables know a queue by the name its driver gives itself (a peer's
# may differ from its binary's: bench-peer-ck is peer-ck_ring).
names=
for s in $stages; do
	[ -x "$bin/bench-$s" ] || { echo "shapes.sh: $bin/bench-$s is missing (make bench-shapes builds it)" >&2; exit 2; }
	names="$names${names:+ }$("$bin/bench-$s" info | sed -n 's/^# stage: //p')"
done
command -v gnuplot >/dev/null || { echo "shapes.sh: gnuplot is missing (make deps)" >&2; exit 2; }
SHAPES="shape-consumer-slow shape-producer-slow shape-both shape-burst"
# The driver refuses a bad value before any run: checked once, here.
"$bin/bench-${stages%% *}" info --work-ns "$WORK_NS" --burst "$BURST" --period-ns "$PERIOD_NS" --rate "${RATE:-1}" \
	--load "$LOADS" --capacity "$CAPACITY" >/dev/null
[ -n "$WAITS" ] || { echo "shapes.sh: SHAPES_WAITS is empty" >&2; exit 2; }
# A wait is a policy's name, or batch:ITEMS/NS (the driver's own label):
# batch with --wait-items ITEMS and --wait-ns NS. wait_flags W prints the
# driver's flags for W.
wait_flags() {
	case $1 in
	batch:*/*) _i=${1#batch:} && echo "--wait batch --wait-items ${_i%%/*} --wait-ns ${_i#*/}" ;;
	*) echo "--wait $1" ;;
	esac
}
# shellcheck disable=SC2046 # the flags are meant to split
for w in $WAITS; do "$bin/bench-${stages%% *}" info $(wait_flags "$w") >/dev/null; done
unset BENCH_WAIT # the policy is given run by run here
info=$("$bin/bench-${stages%% *}" info)
bench_start "$name" "bench-$name"

# The full rate of latency-load: unless SHAPES_RATE gives it, what stage 5
# (or the last queue) sustains in that workload itself, its producer never
# waiting on the clock (offered far more than it can take): 3 runs, their
# median, rounded down to whole Mitems/s. The clock read and the stamp on
# each side are part of it, so the loads are fractions of a rate the
# pipeline can reach, not of flat-out throughput.
if [ -z "$RATE" ]; then
	pace=stage5-waitfree
	case " $stages " in *" $pace "*) ;; *) pace=${stages##* } ;; esac
	RATE=$("$bin/bench-$pace" latency-load --rate 10000 --load 1 --items "$LAT_ITEMS" --runs 3 --probe-trips 1000 \
		--capacity "$CAPACITY" --quiet |
		awk -F, -v metric=load100_mitems_per_s -f "$here/csv.awk" -f "$here/stats.awk" -f "$here/median.awk")
	RATE=${RATE%%.*}
	case $RATE in '' | 0) RATE=1 ;; esac
	rate_note="what $pace sustains in latency-load at start (median of 3 runs, rounded down)"
else
	rate_note="SHAPES_RATE"
fi
say "latency-load: the full rate is $RATE Mitems/s ($rate_note)"
{
	bench_header "make bench-shapes ($mode)" "" " (producer+consumer)"
	echo "# stages: $stages"
	echo "# rounds: $ROUNDS, the order of the stages rotating; per stage and round: $SHAPES (a warm-up, then one run of >= $MIN_MS ms each, capacity $CAPACITY, work $WORK_NS ns per item, bursts of $BURST items every $PERIOD_NS ns), then latency-load ($LAT_ITEMS items at each of $LOADS of $RATE Mitems/s: $rate_note)"
	echo "# probe: $PROBE_TRIPS round trips right before and right after every run (probe_ns, probe_after_ns)"
	echo "# waits: $WAITS, each queue under each in every round (column wait)"
} >"$out/$name-raw/header.txt"

r=1
while [ "$r" -le "$ROUNDS" ]; do
	# shellcheck disable=SC2086 # one stage per word
	order=$(bench_rotate "$r" $stages)
	say "round $r of $ROUNDS: $order"
	for s in $order; do
		for w in $WAITS; do
			flags=$(wait_flags "$w")
			# shellcheck disable=SC2086 # one workload per word; the wait's flags split
			run "$s" $SHAPES --work-ns "$WORK_NS" --burst "$BURST" --period-ns "$PERIOD_NS" --min-ms "$MIN_MS" \
				--capacity "$CAPACITY" --runs 1 --round "$r" $flags --quiet
			# shellcheck disable=SC2086 # the wait's flags split
			run "$s" latency-load --rate "$RATE" --load "$LOADS" --items "$LAT_ITEMS" --capacity "$CAPACITY" \
				--runs 1 --round "$r" $flags --quiet
		done
	done
	r=$((r + 1))
done

cat "$out/$name-raw/header.txt" "$rows" >"$out/$name.csv"
# One table per wait policy, each over that policy's runs only, and the
# chart's data for each (the main class): OUTDIR/NAME-raw/<policy>.dat.
sep='' files=''
for w in $WAITS; do
	printf '%s' "$sep"
	sep='
'
	dat=$(printf '%s' "$w" | tr ':/' '__').dat
	files="$files${files:+ }$dat"
	awk -F, -v stages="$names" -v rounds="$ROUNDS" -v caption="$(bench_caption)" -v mode="$mode" \
		-v want_wait="$w" -v vs="$vs" -v target="make bench-$name" -v capacity="$CAPACITY" \
		-v dat="$out/$name-raw/$dat" \
		-f "$here/csv.awk" -f "$here/stats.awk" -f "$here/placement.awk" -f "$here/shapes-table.awk" "$rows"
done >"$out/$name.md"
cat "$out/$name.md"
# The chart, named after the files (bench_charts names a chart after its script).
cp "$here/shapes.gp" "$out/$name-raw/$name.gp"
bench_charts "$out" "$(bench_caption)" "raw='$out/$name-raw'; files='$files'; waits='$WAITS'; names='$names'" \
	"$out/$name-raw/$name.gp"
say "done: $out/$name.csv, $out/$name.md, $out/$name.svg and .png"
