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
# name, the stage_name column).
for key in date machine compiler flags timer cpus commit; do
	grep -q "^# $key: ." "$dir/results.csv" || check "results.csv: no '# $key:' line in the header"
done
[ "$(grep -c '^stage,' "$dir/results.csv")" -eq 1 ] || check "results.csv: expected one column header line"
awk -F, -v stages="$stages" -f "$here/csv.awk" '
	csv_skip() { next }
	NF != csv_n { printf "results.csv line %d: %d fields, expected %d\n", NR, NF, csv_n; bad = 1; next }
	col("value") !~ /^-?[0-9.]+([eE][-+]?[0-9]+)?$/ { printf "results.csv line %d: value %s is not a number\n", NR, col("value"); bad = 1; next }
	{ seen[col("stage_name") "," col("workload")] = 1 }
	END {
		n = split("seed-st seed-mt throughput latency capacity alloc callgrind", w, " ")
		ns = split(stages, st, " ")
		for (s = 1; s <= ns; s++) for (i = 1; i <= n; i++)
			if (!((st[s] "," w[i]) in seen)) { printf "results.csv: no %s rows for %s\n", w[i], st[s]; bad = 1 }
		exit bad
	}' "$dir/results.csv" || bad=1

# progression.md: one row per stage, in order, a number in every measured column.
awk -F'|' -v stages="$stages" '
	function trim(x) { gsub(/^ +| +$/, "", x); return x }
	BEGIN { ns = split(stages, st, " ") }
	/^\| stage \|/ { t = 1; next }
	t && /^\|---/ { next }
	t && /^\|/ {
		rows++
		if (trim($2) != st[rows]) { printf "progression.md: row %d is %s, expected %s\n", rows, trim($2), st[rows]; bad = 1 }
		for (i = 3; i <= 14; i++) if (i != 12 && $i !~ /[0-9]/) { printf "progression.md: %s column %d has no figure\n", $2, i - 1; bad = 1 }
		next
	}
	t { t = 0 }
	END { if (rows != ns) { printf "progression.md: %d stage rows, expected %d\n", rows, ns; bad = 1 } exit bad }' \
	"$dir/progression.md" || bad=1

[ "$bad" -eq 0 ] || { echo "bench-check: FAILED" >&2; exit 1; }
echo "bench-check: results.csv, progression.md ($(echo $stages | wc -w) stages), plot data and 4 charts (SVG + PNG) present and parsed"
