#!/bin/sh
# common/abuse/driver-flags-test.sh BINARY...
#
# Hostile command lines for the measuring programs, whose command line is
# the harness's (common/support/harness.h): the benchmark driver
# (common/bench/bench.c, bench-<stage>), and as well bench-wait, bench-elem
# and the demo-ipc drivers when they are given. Every one must be refused with exit
# status 2, a message on stderr that names what was wrong, and nothing on
# stdout; never a silent default, a crash or a run. Every case names the
# cheap `info` workload, so a flag that is wrongly accepted costs nothing,
# and is caught by its exit status 0. Every numeric flag a program's --help
# lists (`--name N`) gets every bad value, so a new flag is tested the day
# it is documented. Valid command lines must pass, so the test cannot pass
# by refusing everything.
set -u
if [ $# -eq 0 ]; then
	echo "usage: $0 BENCH-BINARY..." >&2
	exit 2
fi
out=$(mktemp)
err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
failed=0
cases=0

# expect STATUS WORDS-THE-MESSAGE-MUST-CONTAIN BINARY ARGS...
expect() {
	want=$1
	says=$2
	shift 2
	cases=$((cases + 1))
	"$@" >"$out" 2>"$err"
	status=$?
	why=""
	if [ "$status" -ne "$want" ]; then
		why="exit status $status, expected $want"
	elif [ "$want" -eq 2 ] && ! grep -qF -- "$says" "$err"; then
		why="the message does not mention '$says'"
	elif [ "$want" -eq 2 ] && [ -s "$out" ]; then
		why="it wrote to stdout"
	fi
	if [ -n "$why" ]; then
		echo "== FAILED: $*: $why; stderr: $(head -c 300 "$err")" >&2
		failed=1
	fi
}

for bin in "$@"; do
	[ -x "$bin" ] || { echo "$0: $bin is not an executable" >&2; exit 2; }
	help=$("$bin" --help 2>/dev/null) || { echo "$0: $bin --help failed" >&2; exit 2; }
	numbers=$(printf '%s\n' "$help" | sed -n 's/^  \(--[a-z0-9-]*\) N .*/\1/p')
	[ -n "$numbers" ] || { echo "$0: $bin --help lists no numeric flag (--name N)" >&2; exit 2; }
	# Negative, zero (every one has a minimum of 1 or more, but --round's
	# is 0), huge, beyond 2^64, not a number, a suffix, hexadecimal, a
	# space, empty, missing.
	for flag in $numbers; do
		for value in -1 -0 0 99999999999999999999999 18446744073709551616 abc 12abc 1e3 0x10 " 7" ""; do
			[ "$flag$value" = --round0 ] && continue
			expect 2 "$flag" "$bin" info "$flag" "$value"
		done
		expect 2 "$flag" "$bin" info "$flag"
	done
	expect 2 "--round" "$bin" info --round -3
	# The benchmark driver (it has --wait): just past each upper limit, and wait policies that do not exist, or none.
	if printf '%s\n' "$help" | grep -q -- '--wait POLICY'; then
		expect 2 "--capacity" "$bin" info --capacity 268435457
		expect 2 "--cap-max-log2" "$bin" info --cap-max-log2 25
		expect 2 "--runs" "$bin" info --runs 1001
		expect 2 "--trips" "$bin" info --trips 9
		expect 2 "--wait" "$bin" info --wait
		expect 2 "--wait" "$bin" info --wait ""
		expect 2 "unknown policy 'sleep'" "$bin" info --wait sleep
		expect 2 "unknown policy 'Spin'" "$bin" info --wait Spin
		expect 0 "" "$bin" info --items 5 --capacity 4 --quiet
		expect 0 "" "$bin" info --wait batch --wait-items 4 --wait-ns 100 --quiet
	fi
	# The load list of latency-load (--load LIST): empty, out of (0, 1], not a plain decimal, a stray comma, too long.
	if printf '%s\n' "$help" | grep -q -- '--load LIST'; then
		for value in "" 0 1.5 -0.5 abc "0.5," ,0.5 " 0.5" inf nan 0x0.8 1e-1 \
			0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1; do
			expect 2 "--load" "$bin" info --load "$value"
		done
		expect 2 "--load" "$bin" info --load
		expect 0 "" "$bin" info --load 0.1,0.5,1 --quiet
	fi
	# bench-wait and bench-elem (they have --queue): a queue that does not exist, or none.
	if printf '%s\n' "$help" | grep -q -- '--queue NAME'; then
		expect 2 "--queue" "$bin" info --queue
		expect 2 "unknown queue 'spin'" "$bin" info --queue spin
	fi
	if printf '%s\n' "$help" | grep -q -- '--gap-us'; then
		expect 2 "--queue is missing" "$bin" idle
		expect 2 "--gap-us" "$bin" info --gap-us 99
	fi
	# bench-elem: a run needs a queue, a size it measures and a mode; one of the build's own queues for the rest.
	if printf '%s\n' "$help" | grep -q -- '--size BYTES'; then
		queue=$("$bin" info --quiet 2>/dev/null | sed -n 's/^# queues: \([^ ]*\).*/\1/p')
		expect 2 "--queue is missing" "$bin" throughput --size 8 --mode single
		expect 2 "--size" "$bin" throughput --queue "$queue" --mode single
		expect 2 "not a size measured" "$bin" info --queue "$queue" --size 12 --mode single
		expect 2 "--mode" "$bin" throughput --queue "$queue" --size 8
		expect 2 "unknown mode 'both'" "$bin" info --queue "$queue" --size 8 --mode both
		expect 0 "" "$bin" info --queue "$queue" --size 8 --mode single --quiet
	fi
	# A program that must be told what to run (the driver, bench-wait), told nothing.
	if printf '%s\n' "$help" | head -n 1 | grep -q ' WORKLOAD\.\.\.'; then
		expect 2 "no workload" "$bin"
	fi
	# CPUs: not a pair, not numbers, the same twice, one that does not exist.
	expect 2 "--cpus" "$bin" info --cpus 0
	expect 2 "--cpus" "$bin" info --cpus a,b
	expect 2 "--cpus" "$bin" info --cpus 0,0
	expect 2 "does not exist" "$bin" info --cpus 0,1000
	expect 2 "--cpus" "$bin" info --cpus 0,99999
	expect 2 "does not exist" env CPUS=1000,1001 "$bin" info
	# Flags and workloads that do not exist, a file that cannot be written.
	expect 2 "unknown flag '--frobnicate'" "$bin" info --frobnicate
	expect 2 "unknown flag '-x'" "$bin" info -x
	expect 2 "unknown workload 'everything'" "$bin" everything
	expect 2 "--csv" "$bin" info --csv /nonexistent/folder/out.csv
	expect 2 "--csv" "$bin" info --csv ""
	# Valid lines pass: the test can tell good from bad.
	expect 0 "" "$bin" info --quiet
	expect 0 "" "$bin" info --round 0 --probe-trips 100 --quiet
	expect 0 "" "$bin" --help
done
if [ "$failed" -ne 0 ]; then
	echo "== driver flags: FAILED (see above)" >&2
	exit 1
fi
echo "== driver flags: $cases command lines over $# binaries: every bad one refused with exit 2 and a message, the good ones accepted"
