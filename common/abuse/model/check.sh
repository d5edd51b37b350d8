#!/bin/sh
# common/abuse/model/check.sh OUTDIR MODEL.pml "SC CAPS" "WEAK CAPS"
#
# Model-checks the stage 5 protocol with spin under two memory models (what
# each abstracts: the comment at the top of the model): sequential
# consistency (sc) and a weak model with store buffers and load-load
# reordering (weak). Then the controls, each of which spin must catch; and
# the one the sc model must pass, to show what it cannot see. Every line
# printed names the model and the variant, and gives the states explored.
#
# For each capacity: a safety search (assertions and invalid end states:
# loss, duplication, order, unwritten reads, overwrites, deadlock) and, under
# sc, a non-progress-cycle search (livelock), both exhaustive: pan is
# compiled without partial-order reduction (-DNOREDUCE), so every
# interleaving is visited, and a search cut short by the depth limit is a
# failure. Each run works in its own folder under OUTDIR, because pan writes
# its counterexample (a .trail file) beside the model it was generated from.
set -u
if [ $# -ne 4 ] || [ ! -f "$2" ]; then
	echo "usage: $0 OUTDIR MODEL.pml \"SC CAPS\" \"WEAK CAPS\"" >&2
	exit 2
fi
out=$1
model=$2
sc_caps=$3
weak_caps=$4
depth=1000000
failed=0

# run NAME "SPIN -D FLAGS" "PAN CFLAGS" "PAN FLAGS": generate, compile and
# run pan in OUTDIR/NAME; its output is in OUTDIR/NAME/pan.out.
run() {
	dir=$out/$1
	rm -rf "$dir" && mkdir -p "$dir" && cp -p "$model" "$dir/model.pml" || exit 1
	# shellcheck disable=SC2086 # the flag lists are meant to split
	(cd "$dir" && spin $2 -a model.pml >spin.out 2>&1 && gcc -O2 -w $3 -o pan pan.c 2>gcc.out &&
		./pan -m$depth $4 >pan.out 2>&1) || {
		cat "$dir"/*.out >&2
		echo "== model $1: spin or pan did not run" >&2
		exit 1
	}
}

# The figures of a run: states stored, transitions.
stats() {
	awk '/states, stored/ { s = $1 } /transitions \(/ { t = $1 }
	     END { printf "%s states stored, %s transitions", s, t }' "$1/pan.out"
}

# check MODEL NAME "SPIN FLAGS" "PAN CFLAGS" "PAN FLAGS": the run must be complete and find nothing.
check() {
	mm=$1 name=$2
	shift 2
	run "$mm-$name" "$@"
	dir=$out/$mm-$name
	if ! grep -q 'errors: 0$' "$dir/pan.out" || grep -q 'max search depth too small' "$dir/pan.out"; then
		cat "$dir/pan.out" >&2
		echo "== model $mm $name: FAILED (an error, or a search cut short)" >&2
		failed=1
		return
	fi
	echo "== model $mm $name: no error in $(stats "$dir")"
}

# control MODEL NAME ERE "SPIN FLAGS" "PAN CFLAGS" "PAN FLAGS": spin must find the error the pattern describes.
control() {
	mm=$1 name=$2 expect=$3
	shift 3
	run "$mm-$name" "$@"
	dir=$out/$mm-$name
	found=$(grep -E "^pan:1: .*($expect)" "$dir/pan.out")
	if [ -z "$found" ] || [ ! -f "$dir/model.pml.trail" ]; then
		cat "$dir/pan.out" >&2
		echo "== model control $mm $name FAILED: spin did not find: $expect" >&2
		echo "== the model checks cannot be trusted to find anything" >&2
		failed=1
		return
	fi
	# The replay needs the model as it was checked: the same -D flags.
	# shellcheck disable=SC2086
	(cd "$dir" && spin -t -p $1 model.pml >counterexample.txt 2>&1)
	steps=$(sed -n 's/^spin: trail ends after \([0-9]*\) steps$/\1/p' "$dir/counterexample.txt")
	echo "== model control $mm $name: caught, as it must be: ${found#pan:1: } ($steps steps, after $(stats "$dir"): ${dir#"$PWD/"}/counterexample.txt)"
}

for cap in $sc_caps; do
	check sc "cap$cap-safety" "-DCAP=$cap" "-DSAFETY -DNOREDUCE" ""
	check sc "cap$cap-progress" "-DCAP=$cap" "-DNP -DNOREDUCE" "-l"
done
for cap in $weak_caps; do
	check weak "cap$cap-safety" "-DWEAK -DCAP=$cap" "-DSAFETY -DNOREDUCE" ""
done
# What the sc model cannot see: the relaxed publish passes there.
check sc "relaxed-publish-cap2-passes" "-DRELAXED_PUBLISH -DCAP=2" "-DSAFETY -DNOREDUCE" ""
# Breadth-first where spin can (safety): the counterexample is a shortest one.
control weak relaxed-publish 'assertion violated' "-DWEAK -DRELAXED_PUBLISH -DCAP=2" "-DSAFETY -DBFS" ""
control weak relaxed-acquire 'assertion violated' "-DWEAK -DRELAXED_ACQUIRE -DCAP=2" "-DSAFETY -DBFS" ""
control sc publish-before-write 'assertion violated' "-DPUBLISH_BEFORE_WRITE" "-DSAFETY -DBFS" ""
control sc release-before-read 'assertion violated' "-DRELEASE_BEFORE_READ" "-DSAFETY -DBFS" ""
control sc full-test-off 'invalid end state' "-DFULL_TEST_OFF -DCAP=1" "-DSAFETY -DBFS" ""
control sc outer-test-off 'assertion violated' "-DOUTER_TEST_OFF" "-DSAFETY -DBFS" ""
control sc no-reload 'non-progress cycle' "-DNO_RELOAD" "-DNP" "-l"
exit $failed
