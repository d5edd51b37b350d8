#!/bin/sh
# common/peers/variants.sh MODE BINDIR OUTDIR: what separates a fast stage 5
# from a slow one (make bench-stage5-variants). Each variant changes one
# thing; the headers are generated from stage5-waitfree/spsc.h into build/
# by common/peers/peers.mk (never committed):
#
#   stage5           the stage as it is
#   stage4           no cached copies: every push loads head, every pop loads tail
#   stage5-private   each side keeps its own counter in a plain private copy
#                    too (beside its cached copy, on the line of the counter
#                    it publishes), and never loads the atomic it publishes
#   stage5-ownline   the same, with the private copy and the cached copy on
#                    a line of their own: the other side never reads it
#   stage5-padslots  the slot array gets a cache line of padding at both ends
#                    (and starts on a line), so no neighbour shares its lines
#   stage5-nopause   the driver's wait loops spin without the PAUSE hint
#
# Interleaved rounds (rotating order), throughput at capacities 65536 and
# 1024 and the RTT; every comparison is a median of per-round ratios
# against stage5. Writes OUTDIR/stage5-variants.csv and .md.
#
# Environment, for a closer look at a few: VARIANTS (a subset, stage5
# first), ROUNDS_OVERRIDE (rounds, instead of the mode's) and TAG (the output becomes
# stage5-variants-TAG.csv and .md).
set -eu
mode=${1:-full}
bin=${2:?usage: variants.sh full|quick BINDIR OUTDIR}
out=${3:?OUTDIR}
case $mode in
full) ROUNDS=10 MIN_MS=250 TRIPS=200000 ;;
quick) ROUNDS=2 MIN_MS=20 TRIPS=10000 ;;
*) echo "variants.sh: unknown mode '$mode' (full or quick)" >&2; exit 2 ;;
esac
variants=${VARIANTS:-stage5 stage4 stage5-private stage5-ownline stage5-padslots stage5-nopause}
ROUNDS=${ROUNDS_OVERRIDE:-$ROUNDS}
case $variants in stage5\ *) ;; *) echo "variants.sh: VARIANTS must start with stage5 (the base of every ratio)" >&2; exit 2 ;; esac
case $ROUNDS in '' | *[!0-9]* | 0) echo "variants.sh: ROUNDS must be a positive number" >&2; exit 2 ;; esac
for v in $variants; do
	[ -x "$bin/bench-$v" ] || { echo "variants.sh: $bin/bench-$v is missing (make bench-stage5-variants builds it)" >&2; exit 2; }
done
mkdir -p "$out"
name=stage5-variants${TAG:+-$TAG}
rows=$out/$name.csv
common=$(cd "$(dirname "$0")/.." && pwd)
top=$(dirname "$common")
. "$common/bench-lib.sh"
bench_machine
{
	"$bin/bench-stage5" info
	echo "# make bench-stage5-variants ($mode): $ROUNDS rounds, throughput >= $MIN_MS ms per run at capacities 65536 and 1024, latency $TRIPS round trips; commit $commit; $date_utc"
	echo "variant,stage,stage_name,workload,round,run,metric,value,unit,capacity,items,probe_ns,cpus,timer"
} >"$rows"
started=$(date +%s)
run() {
	v=$1
	shift
	"$bin/bench-$v" "$@" --quiet | awk -v v="$v" -F, '!/^(#|stage,)/ { print v "," $0 }' >>"$rows"
}
r=1
while [ "$r" -le "$ROUNDS" ]; do
	order=$(bench_rotate "$r" $variants)
	printf 'bench-stage5-variants [%s, %ss]: round %d of %d: %s\n' "$mode" $(($(date +%s) - started)) "$r" "$ROUNDS" "$order" >&2
	for v in $order; do
		for cap in 65536 1024; do
			run "$v" throughput --capacity "$cap" --runs 1 --min-ms "$MIN_MS" --round "$r"
		done
		run "$v" latency --trips "$TRIPS" --runs 1 --round "$r"
	done
	r=$((r + 1))
done

# Columns: 1 variant, 4 workload, 5 round, 7 metric, 8 value, 10 capacity, 12 probe_ns.
awk -F, -v variants="$variants" -v rounds="$ROUNDS" '
function med(list,    n, v, i, j, t) {
	n = split(list, v, " ")
	if (n == 0) return ""
	for (i = 2; i <= n; i++) { t = v[i]; for (j = i - 1; j >= 1 && v[j] + 0 > t + 0; j--) v[j + 1] = v[j]; v[j + 1] = t }
	return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}
function f(fmt, x) { return x == "" ? "-" : sprintf(fmt, x) }
/^#/ || $1 == "variant" { next }
$4 == "throughput" && $7 == "mitems_per_s" { x[$1, "tp" $10, $5] = $8; all[$1, "tp" $10] = all[$1, "tp" $10] " " $8 }
$4 == "latency" && $7 == "rtt_p50_ns" { x[$1, "p50", $5] = $8; all[$1, "p50"] = all[$1, "p50"] " " $8; pr = pr " " $12 }
END {
	n = split(variants, v, " ")
	print "# What separates a fast stage 5 from a slow one\n"
	printf "From `make bench-stage5-variants` (common/peers/variants.sh): %d interleaved rounds; medians over rounds; every ratio the median of per-round ratios against stage5. Probe (two-line round trip) median over the latency runs: %.0f ns.\n\n", rounds, med(pr)
	print "| variant | Mitems/s, 65536 | / stage5 | Mitems/s, 1024 | / stage5 | RTT p50 ns | / stage5 |"
	print "|---|--:|--:|--:|--:|--:|--:|"
	for (i = 1; i <= n; i++) {
		line = "| " v[i]
		split("tp65536 tp1024 p50", m, " ")
		for (k = 1; k <= 3; k++) {
			list = ""
			for (r = 1; r <= rounds; r++)
				if (((v[i], m[k], r) in x) && x["stage5", m[k], r] > 0) list = list " " x[v[i], m[k], r] / x["stage5", m[k], r]
			line = line sprintf(" | %s | %s", f(k == 3 ? "%.0f" : "%.1f", med(all[v[i], m[k]])), f("%.2f", med(list)))
		}
		print line " |"
	}
}' "$rows" >"$out/$name.md"
cat "$out/$name.md"
