#!/bin/sh
# common/bench/bench-check.sh DIR STAGE...: what CI asserts after `make
# bench-quick`. Every output exists and parses, with a row for every stage
# measured; no figure is compared with any speed (a shared CI runner's
# speed proves nothing).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
dir=${1:?usage: bench-check.sh RESULTS_DIR STAGE...}
shift
[ $# -gt 0 ] || { echo "usage: bench-check.sh RESULTS_DIR STAGE..." >&2; exit 2; }
stages="$*"
bad=0
check() { printf '%s\n' "$1"; bad=1; }

for f in results.csv progression.md throughput.dat rtt.dat capacity.dat cdf.dat; do
	[ -s "$dir/$f" ] || check "missing or empty: $dir/$f"
done
for chart in throughput rtt capacity cdf; do
	[ -s "$dir/$chart.svg" ] && grep -q '<svg' "$dir/$chart.svg" || check "not an SVG: $dir/$chart.svg"
	# A PNG starts with \211PNG: check the three letters after the first byte.
	[ "$(dd if="$dir/$chart.png" bs=1 skip=1 count=3 2>/dev/null)" = PNG ] || check "not a PNG: $dir/$chart.png"
done
[ "$bad" -eq 0 ] || exit 1

# results.csv: the header block names the machine, compiler, flags, CPUs,
# commit; one column header, then rows of as many fields, each with a
# numeric value; every stage has every workload (stages are known by their
# name, the stage_name column); every timed run of two threads is
# bracketed (a probe before it and one after it).
for key in date machine compiler flags timer cpus commit; do
	grep -q "^# $key: ." "$dir/results.csv" || check "results.csv: no '# $key:' line in the header"
done
[ "$(grep -c '^stage,' "$dir/results.csv")" -eq 1 ] || check "results.csv: expected one column header line"
# (The program comes on stdin: awk reads a program text given after -f as a file name.)
awk -F, -v stages="$stages" -f "$here/csv.awk" -f /dev/stdin "$dir/results.csv" <<'EOF' || bad=1
	csv_skip() { next }
	NF != csv_n { printf "results.csv line %d: %d fields, expected %d\n", NR, NF, csv_n; bad = 1; next }
	col("value") !~ /^-?[0-9.]+([eE][-+]?[0-9]+)?$/ { printf "results.csv line %d: value %s is not a number\n", NR, col("value"); bad = 1; next }
	{ seen[col("stage_name") "," col("workload")] = 1 }
	col("workload") ~ /^(seed-mt|throughput|latency|capacity)$/ && col("run") > 0 && !(col("probe_ns") > 0 && col("probe_after_ns") > 0) {
		printf "results.csv line %d: a %s run without its two probes (%s, %s)\n", NR, col("workload"), col("probe_ns"), col("probe_after_ns"); bad = 1
	}
	END {
		n = split("seed-st seed-mt throughput latency capacity alloc callgrind", w, " ")
		ns = split(stages, st, " ")
		for (s = 1; s <= ns; s++) for (i = 1; i <= n; i++)
			if (!((st[s] "," w[i]) in seen)) { printf "results.csv: no %s rows for %s\n", w[i], st[s]; bad = 1 }
		exit bad
	}
EOF

# progression.md: the placement classes and the moved runs named; every
# table of stages (the first, then one per class) has one row per stage, in
# order, each naming its class; the first has a figure in every column of
# one thread and of the throughput, and a figure or "-" (no run in that
# class) in the others; every class has its section.
awk -F'|' -v stages="$stages" '
	function trim(x) { gsub(/^ +| +$/, "", x); return x }
	function fail(msg) { printf "progression.md: %s\n", msg; bad = 1 }
	BEGIN { ns = split(stages, st, " ") }
	/^Wait policy: .*Placement classes: [A-Z] \(probe .*Moved runs left out: [0-9]+\./ { summary = 1 }
	/^## Class [A-Z] \(probe / { sections++ }
	/^\| stage \|/ { t = 1; tables++; rows = 0; next }
	t && /^\|---/ { next }
	t && /^\|/ {
		rows++
		if (trim($2) != st[rows]) fail(sprintf("table %d, row %d is %s, expected %s", tables, rows, trim($2), st[rows]))
		if (trim($3) !~ /^[A-Z]( \(probe [0-9]+(-[0-9]+)? ns\))?$/) fail(sprintf("table %d, %s: no class (%s)", tables, trim($2), trim($3)))
		for (i = 4; i < NF; i++) {
			if (tables == 1 && (i <= 5 || i == 8 || i == 12 || i == 14) && $i !~ /[0-9]/) fail(sprintf("%s column %d has no figure", trim($2), i - 1))
			if (i != 13 && $i !~ /[0-9]/ && trim($i) != "-") fail(sprintf("table %d, %s column %d is neither a figure nor -", tables, trim($2), i - 1))
		}
		next
	}
	t { t = 0; if (rows != ns) fail(sprintf("table %d has %d stage rows, expected %d", tables, rows, ns)) }
	END {
		if (!summary) fail("no line naming the placement classes and the moved runs")
		if (tables < 2 || sections != tables - 1) fail(sprintf("%d tables of stages and %d class sections", tables, sections))
		exit bad
	}' "$dir/progression.md" || bad=1
sh "$here/placement-test.sh" || bad=1

[ "$bad" -eq 0 ] || { echo "bench-check: FAILED" >&2; exit 1; }
echo "bench-check: results.csv (every run bracketed), progression.md ($(echo $stages | wc -w) stages, $(grep -c '^## Class ' "$dir/progression.md") placement classes), plot data and 4 charts (SVG + PNG) present and parsed"
