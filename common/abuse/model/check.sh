#!/bin/sh
# common/abuse/model/check.sh OUTDIR MODEL.pml "CAP..."
#
# Model-checks the stage 5 protocol with spin (what it proves and what it
# does not: the comment at the top of the model), then the broken variants,
# which must be caught. `make model` runs it.
#
# For each capacity: a safety search (assertions and invalid end states:
# loss, duplication, order, unwritten reads, overwrites, deadlock) and a
# non-progress-cycle search (livelock), both exhaustive: pan is compiled
# without partial-order reduction (-DNOREDUCE), so every interleaving is
# visited, and a search cut short by the depth limit is a failure.
# Each run works in its own folder under OUTDIR, because pan writes its
# counterexample (a .trail file) beside the model it was generated from.
set -u
if [ $# -ne 3 ] || [ ! -f "$2" ]; then
	echo "usage: $0 OUTDIR MODEL.pml \"CAP...\"" >&2
	exit 2
fi
out=$1
model=$2
caps=$3
depth=100000
failed=0

# run NAME "SPIN -D FLAGS" "PAN CFLAGS" "PAN FLAGS": generate, compile and
# run pan in OUTDIR/NAME; its output is in OUTDIR/NAME/pan.out.
run() {
	dir=$out/$1
	rm -rf "$dir" && mkdir -p "$dir" && cp -p "$model" "$dir/model.pml" || exit 1
	# shellcheck disable=SC2086 # the flag lists are meant to split
	(cd "$dir" && spin $2 -a model.pml >spin.out 2>&1 && gcc -O0 -w $3 -o pan pan.c 2>gcc.out &&
		./pan -m$depth $4 >pan.out 2>&1) || {
		cat "$dir"/*.out >&2
		echo "== model $1: spin or pan did not run" >&2
		exit 1
	}
}

# The figures of a run: states stored, matched, transitions.
stats() {
	awk '/states, stored/ { s = $1 } / states, matched/ { m = $1 } /transitions \(/ { t = $1 }
	     END { printf "%s states stored, %s matched, %s transitions", s, m, t }' "$1/pan.out"
}

# check NAME ...: the run must be complete and find nothing.
check() {
	name=$1
	run "$@"
	dir=$out/$name
	if ! grep -q 'errors: 0$' "$dir/pan.out" || grep -q 'max search depth too small' "$dir/pan.out"; then
		cat "$dir/pan.out" >&2
		echo "== model $name: FAILED (an error, or a search cut short)" >&2
		failed=1
		return
	fi
	echo "== model $name: no error in $(stats "$dir")"
}

# control NAME ERE ...: spin must find the error the pattern describes.
control() {
	name=$1
	expect=$2
	shift 2
	run "$name" "$@"
	dir=$out/$name
	found=$(grep -E "^pan:1: .*($expect)" "$dir/pan.out")
	if [ -z "$found" ] || [ ! -f "$dir/model.pml.trail" ]; then
		cat "$dir/pan.out" >&2
		echo "== model control $name FAILED: spin did not find: $expect" >&2
		echo "== the model checks cannot be trusted to find anything" >&2
		failed=1
		return
	fi
	# The replay needs the model as it was checked: the same -D flags.
	# shellcheck disable=SC2086
	(cd "$dir" && spin -t -p $1 model.pml >counterexample.txt 2>&1)
	steps=$(sed -n 's/^spin: trail ends after \([0-9]*\) steps$/\1/p' "$dir/counterexample.txt")
	echo "== model control $name: caught, as it must be: ${found#pan:1: } ($steps steps: $dir/counterexample.txt)"
}

for cap in $caps; do
	check "cap$cap-safety" "-DCAP=$cap" "-DSAFETY -DNOREDUCE" ""
	check "cap$cap-progress" "-DCAP=$cap" "-DNP -DNOREDUCE" "-l"
done
# Breadth-first where spin can (safety): the counterexample is a shortest one.
control broken-publish 'assertion violated holds' "-DBROKEN_PUBLISH" "-DSAFETY -DBFS" ""
control broken-release 'assertion violated +!\(holds' "-DBROKEN_RELEASE" "-DSAFETY -DBFS" ""
control broken-full-test 'invalid end state' "-DBROKEN_FULL_TEST -DCAP=1" "-DSAFETY -DBFS" ""
control broken-no-reload 'non-progress cycle' "-DBROKEN_NO_RELOAD" "-DNP" "-l"
exit $failed
