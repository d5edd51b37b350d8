#!/bin/sh
# common/bench-record.sh RESULTS README...: promote RESULTS/latest to
# RESULTS/reference and put its progression table (with the machine line)
# into each README between <!-- progression:begin --> and <!-- progression:end -->.
set -eu
results=${1:?usage: bench-record.sh RESULTS_DIR README.md...}
shift
[ $# -gt 0 ] || { echo "usage: bench-record.sh RESULTS_DIR README.md..." >&2; exit 2; }
latest=$results/latest
ref=$results/reference

[ -s "$latest/progression.md" ] || { echo "bench-record: no $latest/progression.md (run make bench-all first)" >&2; exit 1; }
if grep -q '^# spsc-ladder benchmark: make bench-quick' "$latest/results.csv"; then
	echo "bench-record: $latest comes from make bench-quick; the reference must be a bench-all run" >&2
	exit 1
fi
for readme in "$@"; do
	grep -q '<!-- progression:begin -->' "$readme" && grep -q '<!-- progression:end -->' "$readme" ||
		{ echo "bench-record: $readme lacks the <!-- progression:begin/end --> markers" >&2; exit 1; }
done

# The reference keeps what a reader needs to trust it: the CSV, the table,
# the plot data and the charts (raw/ stays behind: results.csv holds its
# rows), and the experiments' CSV and tables.
rm -rf "$ref"
mkdir -p "$ref"
for f in "$latest"/*; do
	[ -f "$f" ] && cp "$f" "$ref/"
done
# make bench-experiments' results, if there are any, go along with them.
if [ -s "$latest/experiments/experiments.md" ]; then
	if grep -q '^# make bench-experiments (quick)' "$latest/experiments/experiments.csv"; then
		echo "bench-record: $latest/experiments comes from a quick run; not recorded" >&2
	else
		mkdir -p "$ref/experiments"
		cp "$latest/experiments/experiments.md" "$latest/experiments/experiments.csv" "$ref/experiments/"
	fi
fi

# The machine line and the first table of progression.md, between the markers.
table=$(mktemp)
trap 'rm -f "$table"' EXIT
awk '/^Machine: / { print; print ""; next } /^\| stage \|/ { t = 1 } t && !/^\|/ { exit } t' \
	"$ref/progression.md" >"$table"
for readme in "$@"; do
	awk -v table="$table" '
		/<!-- progression:begin -->/ { print; while ((getline line < table) > 0) print line; close(table); skip = 1; next }
		/<!-- progression:end -->/ { skip = 0 }
		!skip' "$readme" >"$readme.tmp"
	mv "$readme.tmp" "$readme"
done
echo "bench-record: $ref updated; the table replaced in $*"
