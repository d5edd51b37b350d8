#!/bin/sh
# common/bench/bench-all.sh MODE BINDIR OUTDIR STAGE...: every workload on every stage.
#
# MODE is `full` (make bench-all) or `quick` (make bench-quick: the same
# pipeline on small sizes). STAGE... are the stages' folder names in ladder
# order (the Makefile's STAGES); the first is the baseline of every
# speedup. BINDIR holds bench-STAGE and bench-STAGE-callgrind for each;
# OUTDIR (notes/results/latest) receives results.csv, progression.md, the
# plot data and the four charts. POSIX sh, awk, sed, gnuplot, valgrind:
# nothing a fresh Debian lacks after `make deps`.
#
# Why rounds: on a VM the hypervisor moves the two vCPUs, the cost of
# moving a cache line between them jumps from one placement to another
# (within a tenth of a second, on some machines), and a lock-free queue's
# throughput jumps with it. So every run is bracketed by a probe right
# before and right after it, runs are short and many, and the stages take
# turns (each stage in every round, the order rotating): every stage gets
# runs in each placement class the machine shows. The table files each run
# in the class of its probes, leaves out the runs that moved, and compares
# stages only within one class: medians of per-pair ratios, a pair being
# two stages' runs of one round in one class (common/bench/placement.awk,
# common/bench/bench-table.awk).
#
# The knobs, from the environment (make bench-all BENCH_ROUNDS=100 ...):
# BENCH_ROUNDS rounds, BENCH_RUNS throughput runs per stage and round. A
# full run aims at 5 or more unmoved runs per stage in each class; a class
# the machine visits rarely needs more rounds.
set -eu

mode=${1:?usage: bench-all.sh full|quick BINDIR OUTDIR STAGE...}
bin=${2:?BINDIR}
out=${3:?OUTDIR}
shift 3
[ $# -gt 0 ] || { echo "bench-all.sh: no stages given (usage: bench-all.sh full|quick BINDIR OUTDIR STAGE...)" >&2; exit 2; }
stages="$*"
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$here/bench-lib.sh"

# Sizes. Full: about 5 minutes on a quiet 2-vCPU VM (4 min 43 s on the
# AMD reference), most of it the 60 interleaved rounds (per stage and
# round, under a second: seed-st, seed-mt, 2 throughput runs of 100 ms
# after a warm-up, a latency run of 50k round trips, a consumer-slower run
# of 50 ms after a warm-up). That is 120
# throughput and 60 latency runs per stage, where 30 rounds of one 250 ms
# run and 3 latency rounds gave 30 and 3: a class the machine is in 7% of
# the time still gets about 8 and 4 of each stage. A probe of 20k round
# trips takes 2-10 ms. Quick: seconds; it proves the pipeline, not the
# speeds.
case $mode in
full)
	ROUNDS=60 RUNS=2 MIN_MS=100 SEED_ITEMS=1000000 SEED_MT_ITEMS=100000
	TRIPS=50000 CAP_ROUNDS=3 CAP_MAX_LOG2=20 CAP_MIN_MS=60
	PAIRS=200000 PROBE_TRIPS=20000 PERF_ITEMS=20000000 SHAPE_MS=50 ;;
quick)
	ROUNDS=3 RUNS=2 MIN_MS=20 SEED_ITEMS=100000 SEED_MT_ITEMS=10000
	TRIPS=5000 CAP_ROUNDS=1 CAP_MAX_LOG2=8 CAP_MIN_MS=5
	PAIRS=20000 PROBE_TRIPS=5000 PERF_ITEMS=1000000 SHAPE_MS=10 ;;
*)
	echo "bench-all.sh: unknown mode '$mode' (full or quick)" >&2
	exit 2 ;;
esac
ROUNDS=${BENCH_ROUNDS:-$ROUNDS}
RUNS=${BENCH_RUNS:-$RUNS}
# The consumer-slower lens of the table "what each rung buys": this much
# work per item on the consumer (the driver's shape-consumer-slow).
WORK_NS=30
for value in "$ROUNDS" "$RUNS"; do
	case $value in '' | *[!0-9]* | 0) echo "bench-all.sh: BENCH_ROUNDS and BENCH_RUNS must be positive numbers, not '$value'" >&2; exit 2 ;; esac
done

for s in $stages; do
	for b in "$bin/bench-$s" "$bin/bench-$s-callgrind"; do
		[ -x "$b" ] || { echo "bench-all.sh: $b is missing (make bench)" >&2; exit 2; }
	done
	# The tables know a stage by the name its header gives itself: it must be its folder's.
	name=$("$bin/bench-$s" info | sed -n 's/^# stage: //p')
	[ "$name" = "$s" ] || { echo "bench-all.sh: $s/spsc.h calls itself '$name' (SPSC_STAGE_NAME): make it \"$s\"" >&2; exit 2; }
done
command -v gnuplot >/dev/null || { echo "bench-all.sh: gnuplot is missing (make deps)" >&2; exit 2; }
command -v valgrind >/dev/null || { echo "bench-all.sh: valgrind is missing (make deps)" >&2; exit 2; }

# A fresh run replaces the previous one, but not the experiments beside it
# (make bench-experiments writes $out/experiments/)
rm -rf "$out/raw"
# (and not the files of make bench-peers, bench-stage5-variants, bench-wait, demo-ipc and bench-shapes either)
find "$out" -maxdepth 1 -type f ! -name 'peers*' ! -name 'stage5-variants*' ! -name 'wait*' ! -name 'ipc*' ! -name 'shapes*' \
	\( -name '*.csv' -o -name '*.md' -o -name '*.dat' -o -name '*.svg' -o -name '*.png' \) -exec rm -f {} + 2>/dev/null || true
mkdir -p "$out/raw"
rows=$out/raw/rows.csv
bench_begin bench-all

# ------------------------------------------------------------ the machine
first=${stages%% *}
info=$("$bin/bench-$first" info)
bench_machine
cpus=$(field cpus)
[ "$cpus" = unpinned ] && say "only one CPU available: threads run UNPINNED, results are marked so"

{
	bench_header "make bench-$([ "$mode" = full ] && echo all || echo quick)" "" ' (producer+consumer; "unpinned" when only one CPU is available)'
	cat <<EOF
# stages: $stages (in this order; speedups are against the first)
# rounds: $ROUNDS, the order of the stages rotating; per stage and round: seed-st ($SEED_ITEMS items), seed-mt ($SEED_MT_ITEMS items), $RUNS throughput runs (>= $MIN_MS ms each, after a warm-up), latency ($TRIPS round trips), shape-consumer-slow (a warm-up, then one run of >= $SHAPE_MS ms, $WORK_NS ns of work per item on the consumer); then capacity sweep 2^1..2^$CAP_MAX_LOG2 x $CAP_ROUNDS rounds (>= $CAP_MIN_MS ms per point)
# probe: cache-line round trip between the two CPUs, $PROBE_TRIPS trips, median over batches of 100, taken right before and right after every timed run (probe_ns, probe_after_ns): its placement class (common/bench/placement.awk)
# stage 1 is unbounded: created with an initial capacity of 4 (Rust's VecDeque<u64> first allocation) and grows; in the capacity sweep its initial capacity is the swept value
# instructions per push+pop: valgrind --tool=callgrind total instructions of 'pairs --items 2N' minus 'pairs --items N', divided by N (N=$PAIRS); includes the loop and the sequence check (same code for every stage); built with: $("$bin/bench-$first-callgrind" info | sed -n 's/^# flags: //p') (valgrind cannot decode AVX-512)
EOF
} >"$out/raw/header.txt"
say "machine: $cpu_model, CPUs $cpus; on a VM the placement of the two vCPUs may change between runs and during one"

# ------------------------------------------------------------ interleaved rounds
r=1
while [ "$r" -le "$ROUNDS" ]; do
	# shellcheck disable=SC2086 # one stage per word
	order=$(bench_rotate "$r" $stages)
	say "round $r of $ROUNDS: seed-st, seed-mt, throughput x $RUNS, latency on $order"
	for s in $order; do
		run "$s" seed-st --items "$SEED_ITEMS" --runs 1 --round "$r" --quiet
		run "$s" seed-mt --items "$SEED_MT_ITEMS" --runs 1 --round "$r" --quiet
		run "$s" throughput --min-ms "$MIN_MS" --runs "$RUNS" --round "$r" --quiet
		run "$s" latency --trips "$TRIPS" --runs 1 --round "$r" --hist "$out/raw/hist-$s-$r.txt" --quiet
		run "$s" shape-consumer-slow --work-ns "$WORK_NS" --min-ms "$SHAPE_MS" --runs 1 --round "$r" --quiet
	done
	r=$((r + 1))
done

r=1
while [ "$r" -le "$CAP_ROUNDS" ]; do
	say "capacity sweep round $r of $CAP_ROUNDS (2^1 .. 2^$CAP_MAX_LOG2)"
	for s in $stages; do
		run "$s" capacity --cap-max-log2 "$CAP_MAX_LOG2" --min-ms "$CAP_MIN_MS" --runs 1 --round "$r" --quiet
	done
	r=$((r + 1))
done

say "allocations (counted through the wrapped allocator)"
for s in $stages; do
	run "$s" alloc --items "$SEED_ITEMS" --quiet
done

# ------------------------------------------------------------ deterministic cost
say "instructions per push+pop under callgrind"
for s in $stages; do
	bench_instructions "$bin/bench-$s-callgrind" "$PAIRS" "$out/raw/callgrind-$s" >>"$rows"
done

# perf stat over a fixed-size throughput run, where the PMU exists.
if [ "$perf_status" = available ]; then
	say "perf stat: cycles, instructions, cache misses per item"
	header=$(bench_csv_header "$rows")
	for s in $stages; do
		perf stat -x, -e cycles,instructions,cache-misses -o "$out/raw/perf-$s.txt" \
			"$bin/bench-$s" throughput --items "$PERF_ITEMS" --runs 1 --no-warmup --quiet >/dev/null
		# perf's own CSV (-x,): value first, event third; into one row of ours each.
		bench_csv_awk 'BEGIN { csv_names(header) }
			$3 ~ /^(cycles|instructions|cache-misses)/ && $1 ~ /^[0-9]/ {
				sub(/:.*/, "", $3)
				csv_put("stage", s); csv_put("stage_name", s); csv_put("workload", "perf"); csv_put("round", 0)
				csv_put("run", 1); csv_put("metric", "perf_" $3 "_per_item"); csv_put("value", $1 / n)
				csv_put("unit", "per item"); csv_put("items", n); csv_put("cpus", cpus); csv_put("timer", "perf")
				csv_put("wait", wait); csv_print()
			}' -v header="$header" -v s="$s" -v n="$PERF_ITEMS" -v cpus="$cpus" \
			-v wait="$(field wait)" <"$out/raw/perf-$s.txt" >>"$rows"
	done
fi

# ------------------------------------------------------------ results
{
	cat "$out/raw/header.txt"
	cat "$rows"
} >"$out/results.csv"

say "aggregating"
: >"$out/raw/cdf-runs.txt"
awk -F, -v dir="$out" -v caption="$(bench_caption)" -v perf="$perf_status" -v stages="$stages" \
	-v rounds="$ROUNDS" -v work_ns="$WORK_NS" -v chart="$out/raw/chart-class.txt" -v cdf_runs="$out/raw/cdf-runs.txt" \
	-f "$here/csv.awk" -f "$here/stats.awk" -f "$here/placement.awk" -f "$here/bench-table.awk" "$rows"

# The latency CDF, of the main class (the first table's): the histograms of
# a stage's latency runs in that class (bench-table.awk lists them, stage
# and round) merged, bins in order, equal bins added, then accumulated.
for s in $stages; do
	files=$(awk -v s="$s" -v d="$out/raw" '$1 == s { print d "/hist-" s "-" $2 ".txt" }' "$out/raw/cdf-runs.txt")
	printf '# stage %s: bin_low_ns cumulative_fraction (%s)\n' "$s" "$(cat "$out/raw/chart-class.txt")"
	# shellcheck disable=SC2086 # one file name per word
	[ -z "$files" ] || grep -hv '^#' $files | sort -n -k1,1 | awk '
		$1 != last && NR > 1 { bin[++n] = last; count[n] = c; c = 0 }
		{ last = $1; c += $2; total += $2 }
		END {
			bin[++n] = last; count[n] = c
			for (i = 1; i <= n; i++) { sum += count[i]; printf "%s %.9f\n", bin[i], sum / total }
		}'
	printf '\n\n'
done >"$out/cdf.dat"

say "charts"
# The subtitle: the machine, the pair of CPUs without where they sit (the header says it), the class.
bench_charts "$out" "$cpu_model, CPUs ${cpus%% (*}, $date_utc; $(cat "$out/raw/chart-class.txt")" "names='$stages'" \
	"$here/throughput.gp" "$here/rtt.gp" "$here/capacity.gp" "$here/cdf.gp"

# ------------------------------------------------------------ the table, beside the reference
echo
cat "$out/progression.md"
ref=$(bench_reference progression.md)
echo
sed -n 's/^Wait policy: /Your run: wait policy /p' "$out/progression.md"
if [ -n "$ref" ]; then
	echo "The reference it is compared with: ${ref#"$top"/} ($(basename "$(dirname "$ref")"); this machine is $machine_id)"
	sed -n 's/^Wait policy: /  its wait policy /p' "$ref"
	echo
	sh "$here/bench-compare.sh" "$out/progression.md" "$ref"
else
	echo "(no reference of a ${machine_id%%-*} machine yet under notes/results/reference/; make bench-record creates one for this machine)"
fi
say "done: $out"
