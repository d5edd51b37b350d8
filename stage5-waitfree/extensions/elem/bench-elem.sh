#!/bin/sh
# stage5-waitfree/extensions/elem/bench-elem.sh MODE OUTDIR RAWDIR BINARY... [-- FLAG...]:
# `make bench-elem`, payloads of any size.
#
# Each BINARY is a build of bench_elem.c (bench-elem-stage5,
# bench-elem-boost, bench-elem-dpdk: those that were built); its `info` lists the queues it
# has. Every round takes every size (8, 16, 64, 256 bytes), every mode
# (single, burst) and every queue that runs them, the queues of one size
# and mode back to back, in an order that rotates every round: each gets
# runs in every placement of the two vCPUs, and the runs compared within
# a round are seconds apart. Every run is bracketed by two probes.
#
# MODE is full (make bench-elem) or quick (make bench-elem-quick: tiny
# runs, one round; it proves the pipeline and checks that every planned
# run left its rows). ELEM_ROUNDS and ELEM_ITEMS override the mode's
# rounds and items per run. FLAG...: given to every run after the script's
# own (make's ELEM_BENCH_ARGS, e.g. --cpus 2,3). RAWDIR receives the rows
# as they come (rows.csv) and the header; OUTDIR receives elem.csv (the
# header, then every row) and elem.md (elem-table.awk: a table per
# placement class, medians over its runs, ratios as medians of per-pair
# ratios within it, the moved runs left out: common/bench/placement.awk).
set -eu

usage="usage: bench-elem.sh full|quick OUTDIR RAWDIR BINARY... [-- FLAG...]"
mode=${1:?$usage}
out=${2:?$usage}
raw=${3:?$usage}
shift 3
bins=""
while [ $# -gt 0 ] && [ "$1" != -- ]; do
	bins="$bins $1"
	shift
done
[ $# -gt 0 ] && shift
extra="$*"
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
# shellcheck disable=SC1091 # sourced by path at run time; shellcheck it on its own
. "$top/common/bench/bench-lib.sh"

# Full: about 4 minutes on a 2-vCPU VM whose vCPUs sit far apart (probe near 500 ns), less where they sit close.
case $mode in
full) ROUNDS=${ELEM_ROUNDS:-5} ITEMS=${ELEM_ITEMS:-10000000} PROBE_TRIPS=20000 ;;
quick) ROUNDS=${ELEM_ROUNDS:-1} ITEMS=${ELEM_ITEMS:-20000} PROBE_TRIPS=1000 ;;
*)
	echo "bench-elem.sh: unknown mode '$mode' (full or quick)" >&2
	exit 2 ;;
esac
for n in "$ROUNDS" "$ITEMS"; do
	case $n in
	'' | *[!0-9]* | 0*)
		echo "bench-elem.sh: ELEM_ROUNDS and ELEM_ITEMS must be whole numbers from 1, not '$n'" >&2
		exit 2 ;;
	esac
done
[ -n "$bins" ] || { echo "$usage" >&2; exit 2; }

# Each binary's queues into binmap ("queue=binary ..."), its flags into
# the header's lines and the table's; the first binary's info stays in
# $info (its compiler, timer and CPUs head the results). The flags are
# checked (exit 2) before any run: `info` takes them all.
binmap="" flag_lines="" flag_text="" first=""
for bin in $bins; do
	[ -x "$bin" ] || { echo "bench-elem.sh: $bin is missing (make bench-elem builds it)" >&2; exit 2; }
	# shellcheck disable=SC2086 # the flags are meant to split
	info=$("$bin" info $extra) || exit 2
	[ -n "$first" ] || first=$info
	for q in $(field queues); do binmap="$binmap $q=$bin"; done
	name=$(basename "$bin")
	flag_lines="$flag_lines# flags of $name ($(field queues)): $(field flags)
"
	flag_text="${flag_text:+$flag_text; }$name: $(field flags)"
done
info=$first
sizes=$(field sizes)
modes=$(field modes)
queues=""
for q in elem-copy elem-claim slot boost dpdk; do
	case "$binmap " in *" $q="*) queues="$queues $q" ;; esac
done
queues=${queues# }

# bin_of QUEUE: the binary that has it.
bin_of() {
	for _e in $binmap; do
		[ "${_e%%=*}" = "$1" ] && { echo "${_e#*=}"; return; }
	done
}

# The plan: one line per size and mode, "SIZE MODE QUEUE...", the queues
# that run them (each binary says: slot runs single items only).
plan="" planned=0
for s in $sizes; do
	for m in $modes; do
		qs=""
		for q in $queues; do
			"$(bin_of "$q")" info --queue "$q" --size "$s" --mode "$m" --quiet >/dev/null 2>&1 || continue
			qs="$qs $q"
			planned=$((planned + 1))
		done
		[ -z "$qs" ] || plan="$plan$s $m$qs
"
	done
done

rm -rf "$raw"
mkdir -p "$raw" "$out"
rm -f "$out/elem.csv" "$out/elem.md"
rows=$raw/rows.csv
bench_begin bench-elem
bench_machine
title="make bench-elem"
[ "$mode" = full ] || title="$title (quick)"
{
	bench_header "$title" "" " (producer+consumer)"
	printf '%s' "$flag_lines"
	echo "# queues: $queues (in this order; ratios are against elem-copy)"
	echo "# sizes: $sizes bytes; modes: single (one item per call), burst ($(field burst) items per call)"
	echo "# rounds: $ROUNDS; per round every size and mode, and in each every queue that runs it, back to back in an order that rotates every round; $ITEMS items per run at capacity $(field capacity)"
	echo "# slot: $(field slot)"
	echo "# probe: two-cache-line round trip between the two CPUs, $PROBE_TRIPS trips, taken right before and right after every run (probe_ns, probe_after_ns): its placement class (common/bench/placement.awk)"
} >"$raw/header.txt"
say "queues: $queues; $planned runs per round, $ROUNDS rounds; CPUs $(field cpus)"

r=1
while [ "$r" -le "$ROUNDS" ]; do
	say "round $r of $ROUNDS"
	while read -r s m qs; do
		# shellcheck disable=SC2086 # the queue list is meant to split
		for q in $(bench_rotate "$r" $qs); do
			# shellcheck disable=SC2086 # the flags are meant to split
			"$(bin_of "$q")" throughput --queue "$q" --size "$s" --mode "$m" --items "$ITEMS" --round "$r" \
				--probe-trips "$PROBE_TRIPS" --csv "$rows" $extra </dev/null
		done
	done <<EOF
$plan
EOF
	r=$((r + 1))
done

# Every planned run left its two rows: a run that died without failing the script would leave a hole.
got=$(bench_csv_awk 'csv_skip() { next } col("metric") == "mitems_per_s" { n++ } END { print n + 0 }' <"$rows")
[ "$got" -eq $((planned * ROUNDS)) ] || {
	echo "bench-elem.sh: $got runs in $rows, $((planned * ROUNDS)) planned" >&2
	exit 1
}
cat "$raw/header.txt" "$rows" >"$out/elem.csv"
awk -F, -v caption="$(bench_caption)" -v flags="$flag_text" -v queues="$queues" -v sizes="$sizes" -v modes="$modes" \
	-v rounds="$ROUNDS" -v items="$ITEMS" -v burst="$(field burst)" -v capacity="$(field capacity)" \
	-f "$top/common/bench/csv.awk" -f "$top/common/bench/stats.awk" -f "$top/common/bench/placement.awk" \
	-f "$here/elem-table.awk" "$rows" >"$out/elem.md"
echo
cat "$out/elem.md"
say "done: $out/elem.md and elem.csv"
