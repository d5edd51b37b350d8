#!/bin/sh
# common/bench/placement-test.sh: placement.awk's classes, moved runs and
# per-pair ratios, on synthetic rows and on the committed references (run
# by bench-check.sh, so by make bench-quick and make check). Each case
# states what the module must find; a negative control runs one case with
# the split switched off and must see it fail, so the checks can fail.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0
control=""

# rows FILE SPEC...: a results CSV of throughput runs, one per SPEC
# "queue:round:value:before:after" (after "-": the column is absent).
rows() {
	_f=$1
	shift
	case $1 in
	*:-) echo "stage,stage_name,workload,round,run,metric,value,unit,capacity,items,probe_ns,cpus,timer,wait" ;;
	*) echo "stage,stage_name,workload,round,run,metric,value,unit,capacity,items,probe_ns,cpus,timer,wait,probe_after_ns" ;;
	esac >"$_f"
	for _spec in "$@"; do
		echo "$_spec" | awk -F: '{ printf "%s,%s,throughput,%s,1,mitems_per_s,%s,Mitems/s,1024,1,%s,0+1,t,spin%s\n", $1, $1, $2, $3, $4, ($5 == "-" ? "" : "," $5) }'
	done >>"$_f"
}

# report FILE [AWK-FILE...]: what the module makes of FILE's runs, one fact a line.
report() {
	_f=$1
	shift
	awk -F, -f "$here/csv.awk" -f "$here/stats.awk" -f "$here/placement.awk" "$@" -f /dev/stdin "$_f" <<'EOF'
csv_skip() { next }
{ place_put("tp/" col("stage_name"), col("value")); queues[col("stage_name")] = 1 }
END {
	place_decide()
	printf "classes %d:", place_n
	for (c = 1; c <= place_n; c++) printf " [%s]", place_name[c]
	printf "\nmoved %d unbracketed %d\n", place_moved_runs, place_unbracketed_runs
	for (c = 1; c <= place_n; c++) {
		for (q in queues) printf "class %d %s median %s runs %s\n", c, q, fmt("%g", stat_median(place_sample("tp/" q, c))), place_runs_note("tp/" q, c)
		k = place_ratio("tp/b", "tp/a", c)
		printf "class %d ratio b/a %s pairs %d\n", c, fmt("%g", stat_median(k)), stat_n(k)
	}
}
EOF
}

# expect NAME FILE LINE... : every LINE is in FILE's report.
expect() {
	_name=$1 _f=$2
	shift 2
	report "$_f" ${control:+"$control"} >"$tmp/report"
	for _line in "$@"; do
		grep -qxF -- "$_line" "$tmp/report" && continue
		echo "placement-test: $_name: expected '$_line'; the report:" >&2
		sed 's/^/  /' "$tmp/report" >&2
		return 1
	done
}

# Three placements, made up (28-53, 89-116, 381-509 ns). Round 1:
# a and b in A; round 2: both in B; round 3: a in B, b in C (no pair); round
# 4: both in C, and a third run of a that moved from B to C (left out: its
# 999 must not be a's median in C, nor in any ratio).
rows "$tmp/three.csv" a:1:400:28:30 b:1:800:52:53 a:2:100:89:95 b:2:150:116:110 \
	a:3:100:90:100 b:3:20:381:400 a:4:20:450:509 b:4:30:420:430 a:4:999:100:480
three_classes() {
	expect "$1" "$tmp/three.csv" "classes 3: [probe 28-53 ns] [probe 89-116 ns] [probe 381-509 ns]" \
		"moved 1 unbracketed 0" "class 1 ratio b/a 2 pairs 1" "class 2 ratio b/a 1.5 pairs 1" \
		"class 3 ratio b/a 1.5 pairs 1" "class 3 a median 20 runs 1" "class 2 a median 100 runs 2"
}
three_classes "three classes, one moved run" || failed=1

# The negative control: with no split at all, the same checks must fail.
printf 'BEGIN { PLACE_GAP = 1e9 }\n' >"$tmp/nosplit.awk"
control=$tmp/nosplit.awk
if three_classes "negative control" 2>/dev/null; then
	echo "placement-test: the negative control passed: the checks cannot fail" >&2
	failed=1
fi
control=""

# A step of 1.40 is within one placement, one of 1.50 starts another (PLACE_GAP 1.45).
rows "$tmp/steps.csv" a:1:1:100:100 b:1:2:100:100 a:2:1:140:140 b:2:2:140:140 \
	a:3:1:210:210 b:3:2:210:210
expect "steps of 1.40 and 1.50" "$tmp/steps.csv" "classes 2: [probe 100-140 ns] [probe 210 ns]" || failed=1

# A stray probe is not a placement: one run's probe far off, among 200 probes, joins the nearest class.
i=1 specs=""
while [ $i -le 50 ]; do specs="$specs a:$i:1:10$((i % 10)):10$((i % 7)) b:$i:2:10$((i % 9)):10$((i % 5))"; i=$((i + 1)); done
# shellcheck disable=SC2086 # one spec per word
rows "$tmp/stray.csv" $specs a:51:1:900:100
expect "a stray probe" "$tmp/stray.csv" "classes 1: [probe 100-900 ns]" "moved 0 unbracketed 0" || failed=1

# A file without probe_after_ns (before that column existed): read, every run unbracketed and said so.
rows "$tmp/old.csv" a:1:10:100:- b:1:20:102:- a:2:10:101:- b:2:30:99:-
expect "a file without probe_after_ns" "$tmp/old.csv" "classes 1: [probe 99-102 ns]" "moved 0 unbracketed 4" \
	"class 1 a median 10 runs 2 (2 unbracketed)" "class 1 ratio b/a 2.5 pairs 2" || failed=1

# The committed references: every file reads; every run with a probe is in a class; a file with
# probe_after_ns has no unbracketed run, one without it (written before it existed) only those.
for f in "$top"/notes/results/reference/*/*.csv "$top"/notes/results/reference/*/experiments/*.csv; do
	head -n 30 "$f" | grep -q '^\(variant,\)\{0,1\}stage,stage_name,' || continue # a summary, not the driver's rows
	awk -F, -f "$here/csv.awk" -f "$here/stats.awk" -f "$here/placement.awk" -f /dev/stdin "$f" <<'EOF' || { echo "placement-test: $f" >&2; failed=1; }
csv_skip() { next }
col("probe_ns") > 0 { place_put(col("workload") "/" col("metric"), col("value")); n++ }
END {
	place_decide()
	for (c = 1; c <= place_n; c++) in_class += place_runs[c]
	if (!n || !place_n || in_class + place_moved_runs == 0 || \
	    place_unbracketed_runs != (csv_index("probe_after_ns") ? 0 : in_class)) {
		printf "%d classes, %d runs in them, %d moved, %d unbracketed\n", place_n, in_class, place_moved_runs, place_unbracketed_runs
		exit 1
	}
}
EOF
done
# The Zen 5 peers file saw two placements: 100-142 ns (its first two rounds) and 414-831 ns.
f=$top/notes/results/reference/amd-26-x-2cpu/peers.csv
if [ -f "$f" ]; then
	awk -F, -f "$here/csv.awk" -f "$here/stats.awk" -f "$here/placement.awk" -f /dev/stdin "$f" <<'EOF' || failed=1
csv_skip() { next }
col("probe_ns") > 0 { place_put(col("workload") "/" col("metric"), col("value")) }
END {
	place_decide()
	if (place_n != 2 || place_name[1] != "probe 100-142 ns" || place_name[2] != "probe 414-831 ns") {
		printf "placement-test: amd-26-x-2cpu/peers.csv: %d classes (%s, %s), expected probe 100-142 ns and 414-831 ns\n", place_n, place_name[1], place_name[2]
		exit 1
	}
}
EOF
fi

[ "$failed" -eq 0 ] || { echo "placement-test: FAILED" >&2; exit 1; }
echo "placement-test: classes, moved and unbracketed runs, per-pair ratios and the negative control as expected; the committed references read"
