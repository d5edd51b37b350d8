#!/bin/sh
# common/bench/topology.sh MODE BINDIR OUTDIR: the probe on every pair of
# CPUs (make topology). Runs BINDIR/topology (common/bench/topology.c), and
# writes into OUTDIR:
#   topology.csv      one row per sample (sample,round,t_s,cpu_a,cpu_b,kind,
#                     probe_ns,cluster) under the header every results file has
#   topology.md       each pair (kind, median, min-max) and the clusters of
#                     all samples (also printed)
#   topology-time.svg/.png   the probe over time, coloured by cluster
#   topology-heat.svg/.png   with more than one pair: CPU x CPU, colour = median
#   topology-raw/     the charts' data
# Two CPUs (a 2-vCPU VM) make one pair: it is sampled over time, to show
# the clusters the hypervisor moves it between. More make every pair,
# fewer samples each.
#
#   MODE full    one pair: 200 samples 50 ms apart (about 10 s on an idle
#                machine); more: 20 rounds over every pair, back to back, of
#                5000 round trips per sample (about 25 s for 64 CPUs' 2016 pairs)
#   MODE quick   one pair: 40 samples 50 ms apart (about 2 s); more: 3 rounds
# Environment: CPUS=A,B, that pair alone (over time, as one pair is).
# shellcheck disable=SC2034,SC2154 # bench-lib.sh reads top and info, and sets the machine's variables
set -eu
mode=${1:-full}
bin=${2:?usage: topology.sh full|quick BINDIR OUTDIR}
out=${3:?OUTDIR}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$here/bench-lib.sh"

ncpu=$(nproc) # the CPUs this process may use
[ -n "${CPUS:-}" ] && ncpu=2
case $mode-$ncpu in
full-2) SAMPLES=200 INTERVAL=50 TRIPS=20000 ;;
full-*) SAMPLES=20 INTERVAL=0 TRIPS=5000 ;;
quick-2) SAMPLES=40 INTERVAL=50 TRIPS=5000 ;;
quick-*) SAMPLES=3 INTERVAL=0 TRIPS=5000 ;;
*) echo "topology.sh: unknown mode '$mode' (full or quick)" >&2; exit 2 ;;
esac
pairs=$((ncpu * (ncpu - 1) / 2))

mkdir -p "$out"
bench_start topology make-topology
info=$("$bin/topology" info)
csv=$out/topology.csv
raw=$out/topology-raw
bench_header "the probe on every pair of CPUs (make topology, $mode): $SAMPLES rounds ${INTERVAL} ms apart (or back to back), $TRIPS round trips per sample" \
	"" ", the benchmark's default pair; every pair is probed below" >"$csv"
echo "# columns: $(field columns)" >>"$csv"
say "$pairs pair(s), $SAMPLES samples each, rounds $INTERVAL ms apart, $TRIPS round trips per sample"
"$bin/topology" --samples "$SAMPLES" --interval-ms "$INTERVAL" --trips "$TRIPS" ${CPUS:+--cpus "$CPUS"} \
	--csv "$csv" --plot "$raw" >"$raw/tables.md"

charts="$here/topology-time.gp"
[ -f "$raw/heat.dat" ] && charts="$charts $here/topology-heat.gp"
say "charts"
# shellcheck disable=SC2086 # one word per chart script
bench_charts "$out" "$cpu_model ($machine_id), $date_utc" "" $charts
{
	echo "# The probe on every pair of CPUs ($mode)"
	echo
	echo "Machine: $(bench_caption)."
	echo "The probe: common/support/harness.h's two cache lines bounced between two pinned threads,"
	echo "as make bench-all takes it right before and right after every run."
	echo
	cat "$raw/tables.md"
	echo
	for gp in $charts; do
		name=$(basename "$gp" .gp)
		echo "Chart: $name.svg (and .png)."
	done
} >"$out/topology.md"

# The outputs exist and parse: one row per sample, every chart drawn.
nrows=$(bench_csv_awk 'csv_skip() { next } { n++ } END { print n + 0 }' <"$csv")
[ "$nrows" -eq $((SAMPLES * pairs)) ] || { echo "topology.sh: $csv has $nrows samples, not $((SAMPLES * pairs))" >&2; exit 1; }
for gp in $charts; do
	name=$(basename "$gp" .gp)
	if [ ! -s "$out/$name.svg" ] || [ ! -s "$out/$name.png" ]; then
		echo "topology.sh: $name.svg or .png is missing" >&2
		exit 1
	fi
done
cat "$out/topology.md"
