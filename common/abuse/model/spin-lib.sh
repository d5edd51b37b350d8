# shellcheck shell=sh disable=SC2154,SC2034 # out, model, depth and failed belong to the caller
# common/abuse/model/spin-lib.sh: what the model checks share (sourced by
# common/abuse/model/check.sh, stage5-waitfree/extensions/wait/check.sh and
# stage5-waitfree/extensions/slot/check.sh). The caller sets
# out (the folder of the runs), model (the .pml file), depth (pan -m) and
# failed=0; check and control set failed=1 when they fail.
#
# Each run works in its own folder under $out, because pan writes its
# counterexample (a .trail file) beside the model it was generated from.

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
