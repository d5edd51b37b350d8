#!/bin/sh
# common/bench/variants.sh MODE BINDIR OUTDIR: what separates a fast stage 5
# from a slow one (make bench-stage5-variants). Each variant changes one
# thing; the headers are made from stage5-waitfree/ and a patch in
# common/variants/stage5-waitfree/ into build/ (never committed):
#
#   stage5-waitfree                the stage as it is
#   stage4-cache-padded            no cached copies: every push loads head, every pop loads tail
#   stage5-waitfree-beside         each cached copy beside its owner's published
#                                  counter, on one line (beside.patch)
#   stage5-waitfree-private        each side also keeps its own counter in a private
#                                  field on its private line, and only stores the
#                                  one it publishes (private.patch)
#   stage5-waitfree-private-tail   the same for the producer alone (private-tail.patch)
#   stage5-waitfree-padslots       the slot array gets a cache line of padding at
#                                  both ends (and starts on a line) (padslots.patch)
#   stage5-waitfree-cached-unpadded  the cached copies without stage 4's padding: with
#                                  stage 3 (neither), stage 4 (padding) and stage 5
#                                  (both), the four combinations (cached-unpadded.patch)
#   stage3-atomics                 neither padding nor cached copies
#   stage5-waitfree-nopause        the driver's wait loops spin without the PAUSE hint
#
# Interleaved rounds (rotating order), throughput at capacities 65536 and
# 1024 and the RTT, every run between two probes; every comparison is a
# median of per-pair ratios against stage5-waitfree within one placement
# class (common/bench/placement.awk; a run that moved is left out). Writes
# OUTDIR/stage5-variants.csv and .md.
#
# Environment, for a closer look at a few: VARIANTS (a subset,
# stage5-waitfree first), ROUNDS_OVERRIDE (rounds, instead of the mode's) and TAG (the output becomes
# stage5-variants-TAG.csv and .md).
set -eu
mode=${1:-full}
bin=${2:?usage: variants.sh full|quick BINDIR OUTDIR}
out=${3:?OUTDIR}
case $mode in
full) ROUNDS=10 MIN_MS=250 TRIPS=200000 PROBE_TRIPS=20000 ;;
quick) ROUNDS=2 MIN_MS=20 TRIPS=10000 PROBE_TRIPS=5000 ;;
*) echo "variants.sh: unknown mode '$mode' (full or quick)" >&2; exit 2 ;;
esac
base=stage5-waitfree
variants=${VARIANTS:-$base stage4-cache-padded $base-beside $base-private $base-private-tail $base-padslots $base-cached-unpadded stage3-atomics $base-nopause}
ROUNDS=${ROUNDS_OVERRIDE:-$ROUNDS}
case "$variants " in "$base "*) ;; *) echo "variants.sh: VARIANTS must start with $base (the base of every ratio)" >&2; exit 2 ;; esac
case $ROUNDS in '' | *[!0-9]* | 0) echo "variants.sh: ROUNDS must be a positive number" >&2; exit 2 ;; esac
for v in $variants; do
	[ -x "$bin/bench-$v" ] || { echo "variants.sh: $bin/bench-$v is missing (make bench-stage5-variants builds it)" >&2; exit 2; }
done
mkdir -p "$out"
name=stage5-variants${TAG:+-$TAG}
rows=$out/$name.csv
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$here/bench-lib.sh"
bench_machine
info=$("$bin/bench-$base" info)
{
	echo "$info"
	echo "# make bench-stage5-variants ($mode): $ROUNDS rounds, throughput >= $MIN_MS ms per run at capacities 65536 and 1024, latency $TRIPS round trips; a probe of $PROBE_TRIPS round trips right before and right after every run; commit $commit; $date_utc"
	bench_machine_lines
	echo "variant,$(field columns)"
} >"$rows"
bench_begin bench-stage5-variants
r=1
while [ "$r" -le "$ROUNDS" ]; do
	order=$(bench_rotate "$r" $variants)
	say "round $r of $ROUNDS: $order"
	for v in $order; do
		for cap in 65536 1024; do
			run_variant "$v" throughput --capacity "$cap" --runs 1 --min-ms "$MIN_MS" --round "$r"
		done
		run_variant "$v" latency --trips "$TRIPS" --runs 1 --round "$r"
	done
	r=$((r + 1))
done

awk -F, -v variants="$variants" -v rounds="$ROUNDS" -v base="$base" \
	-f "$here/csv.awk" -f "$here/stats.awk" -f "$here/placement.awk" -f "$here/variants-table.awk" "$rows" >"$out/$name.md"
cat "$out/$name.md"
