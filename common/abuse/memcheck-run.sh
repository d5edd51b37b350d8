#!/bin/sh
# common/abuse/memcheck-run.sh MODE LOGDIR TEST-BINARY [CRITERION ARGS...]
#
# Runs a Criterion test binary under valgrind memcheck and judges it.
#   clean    passes when every test passed and every process valgrind saw
#            reported zero errors; a definite or indirect leak counts as an
#            error (--errors-for-leak-kinds), and so fails.
#   control  a negative control (common/test/asan_control.c built without
#            sanitizers): passes only when memcheck reported both the
#            invalid write and the definite leak planted there.
#
# Criterion runs every test in a worker process that it starts by
# re-executing the binary, so valgrind must follow children
# (--trace-children=yes) and writes one log per process (%p). A worker's
# errors reach its exit status (--error-exitcode), which Criterion reports
# as a crashed test; the logs are read as well, so a report cannot pass
# unseen, and a run that traced no worker, or ran no test, fails.
set -u
if [ $# -lt 3 ] || { [ "$1" != clean ] && [ "$1" != control ]; }; then
	echo "usage: $0 clean|control LOGDIR TEST-BINARY [CRITERION ARGS...]" >&2
	exit 2
fi
mode=$1
logs=$2
shift 2
name=$(basename "$1")

rm -rf "$logs" && mkdir -p "$logs" || exit 1
valgrind --tool=memcheck --trace-children=yes --leak-check=full \
	--show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect \
	--error-exitcode=99 --log-file="$logs/valgrind.%p.log" "$@" >"$logs/criterion.out" 2>&1
status=$?

processes=$(ls "$logs"/valgrind.*.log | wc -l)
dirty=$(grep -L 'ERROR SUMMARY: 0 errors' "$logs"/valgrind.*.log)
errors=$(cat "$logs"/valgrind.*.log | sed -n 's/.*ERROR SUMMARY: \([0-9]*\) errors.*/\1/p' | awk '{ n += $1 } END { print n + 0 }')
synthesis=$(grep 'Synthesis:' "$logs/criterion.out" | sed 's/ *$//')
tested=$(echo "$synthesis" | sed -n 's/.*Tested: \([0-9]*\).*/\1/p')

case "$mode" in
clean)
	if [ "$status" -ne 0 ] || [ -n "$dirty" ] || [ "$processes" -lt 2 ] || [ "${tested:-0}" -eq 0 ]; then
		cat "$logs/criterion.out" >&2
		for f in $dirty; do cat "$f" >&2; done
		echo "== memcheck $name: FAILED: exit status $status, $errors errors in $processes processes," \
			"${tested:-no} tests (logs: $logs)" >&2
		exit 1
	fi
	echo "== memcheck $name: ${synthesis#*Synthesis: }; $processes processes, 0 errors, no definite or indirect leak"
	;;
control)
	if ! grep -q 'Invalid write of size 1' "$logs"/valgrind.*.log ||
		! grep -Eq 'definitely lost: [1-9]' "$logs"/valgrind.*.log || [ "$errors" -eq 0 ]; then
		cat "$logs/criterion.out" "$logs"/valgrind.*.log >&2
		echo "== negative control FAILED: memcheck did not report the planted write and leak in $name" >&2
		echo "== a clean \`make memcheck\` can no longer be trusted" >&2
		exit 1
	fi
	echo "== negative control: memcheck caught $name, as it must: the invalid write and the definite leak" \
		"($errors errors)"
	;;
esac
