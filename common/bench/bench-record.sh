#!/bin/sh
# common/bench/bench-record.sh RESULTS README...: promote RESULTS/latest to
# RESULTS/reference/MACHINE (MACHINE: the machine id its results.csv names,
# vendor-family-model-Ncpu) and put its progression table (with the machine
# line) into each README between <!-- progression:MACHINE:begin --> and
# <!-- progression:MACHINE:end -->; a README without those markers is left
# alone, with a message.
set -eu
results=${1:?usage: bench-record.sh RESULTS_DIR README.md...}
shift
[ $# -gt 0 ] || { echo "usage: bench-record.sh RESULTS_DIR README.md..." >&2; exit 2; }
latest=$results/latest

[ -s "$latest/progression.md" ] || { echo "bench-record: no $latest/progression.md (run make bench-all first)" >&2; exit 1; }
if grep -q '^# spsc-ladder benchmark: make bench-quick' "$latest/results.csv"; then
	echo "bench-record: $latest comes from make bench-quick; the reference must be a bench-all run" >&2
	exit 1
fi
machine=$(sed -n 's/^# cpu: .*machine id \([A-Za-z0-9_-]*\)$/\1/p' "$latest/results.csv" | head -n 1)
[ -n "$machine" ] || { echo "bench-record: $latest/results.csv names no machine id (# cpu: line); run make bench-all again" >&2; exit 1; }
ref=$results/reference/$machine

# The reference keeps what a reader needs to trust it: the CSV, the table,
# the plot data and the charts (raw/ stays behind: results.csv holds its
# rows), and the experiments' CSV and tables. It is only ever added to:
# this run's files replace the files of the same name, and everything else
# under the reference (archived runs, other machines' results) stays.
mkdir -p "$ref"
# quick FILE: the run that wrote this CSV was a quick one (small sizes, not a measurement).
quick() { head -n 20 "$1" | grep -q '^# .*(quick)'; }
for f in "$latest"/*; do
	[ -f "$f" ] || continue
	base=$(basename "$f")
	case $base in
	peers*) group=$latest/peers.csv ;;
	stage5-variants* | shapes*) group=$latest/${base%.*}.csv ;;
	wait*) group=$latest/wait.csv ;;
	ipc*) group=$latest/ipc.csv ;;
	*) group="" ;;
	esac
	if [ -n "$group" ] && [ -f "$group" ] && quick "$group"; then
		echo "bench-record: $base comes from a quick run; not recorded" >&2
		continue
	fi
	cp "$f" "$ref/"
done
# make bench-experiments' results, if there are any, go along with them.
if [ -s "$latest/experiments/experiments.md" ]; then
	if quick "$latest/experiments/experiments.csv"; then
		echo "bench-record: $latest/experiments comes from a quick run; not recorded" >&2
	else
		mkdir -p "$ref/experiments"
		cp "$latest/experiments/experiments.md" "$latest/experiments/experiments.csv" "$ref/experiments/"
	fi
fi

# The machine line and the first two tables of progression.md (what each
# rung buys, then every figure of the main class), between the markers.
table=$(mktemp)
trap 'rm -f "$table"' EXIT
awk '/^(Machine|Wait policy): / { print; print ""; next }
	/^\| (step|stage) \|/ { t = 1 }
	t && !/^\|/ { if (++tables == 2) exit; t = 0; print ""; next }
	t' "$ref/progression.md" >"$table"
updated=""
for readme in "$@"; do
	if ! grep -q "<!-- progression:$machine:begin -->" "$readme" || ! grep -q "<!-- progression:$machine:end -->" "$readme"; then
		echo "bench-record: $readme has no <!-- progression:$machine:begin/end --> markers: its tables are left as they are" >&2
		continue
	fi
	awk -v table="$table" -v begin="<!-- progression:$machine:begin -->" -v end="<!-- progression:$machine:end -->" '
		index($0, begin) { print; while ((getline line < table) > 0) print line; close(table); skip = 1; next }
		index($0, end) { skip = 0 }
		!skip' "$readme" >"$readme.tmp"
	mv "$readme.tmp" "$readme"
	updated="$updated $readme"
done
echo "bench-record: $ref updated${updated:+; the $machine table replaced in$updated}"
