#!/bin/sh
# common/abuse/fuzz-run.sh clean SECONDS HARNESS WORKDIR [SEEDS]
# common/abuse/fuzz-run.sh control=ERE SECONDS HARNESS WORKDIR
#
# Runs one libFuzzer harness (common/abuse/fuzz_queue.c built against a stage)
# for SECONDS and judges it.
#   clean        passes when libFuzzer ran for the time and found nothing:
#                no divergence from the model, no sanitizer report, no leak.
#   control=ERE  a negative control (a stage with a planted bug): passes
#                only when the fuzzer stops on a finding whose report
#                matches ERE (DIVERGENCE: the model check; LeakSanitizer:
#                the leak check) within SECONDS.
# The working corpus grows in WORKDIR/corpus (new inputs go to the first
# corpus folder libFuzzer is given); SEEDS, the committed seed folder, is
# only read. Crash inputs and the log go to WORKDIR too.
set -u
case "${1:-}" in
clean) expect="" ;;
control=?*) expect=${1#control=} ;;
*) set -- ;;
esac
if [ $# -lt 4 ] || [ $# -gt 5 ]; then
	echo "usage: $0 clean|control=ERE SECONDS HARNESS WORKDIR [SEEDS]" >&2
	exit 2
fi
mode=${1%%=*}
seconds=$2
harness=$3
work=$4
seeds=${5:-}
name=$(basename "$harness")
log=$work/fuzz.log

mkdir -p "$work/corpus" || exit 1
rm -f "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-*
start=$(date +%s)
# -timeout: an input that runs for 10 s is a hang, reported as a crash.
# shellcheck disable=SC2086 # $seeds is one folder or nothing
"$harness" -max_total_time="$seconds" -timeout=10 -print_final_stats=1 \
	-artifact_prefix="$work/" "$work/corpus" $seeds >"$log" 2>&1
status=$?
took=$(($(date +%s) - start))
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
crash=$(ls "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-* 2>/dev/null | head -n 1)

case "$mode" in
clean)
	if [ "$status" -ne 0 ] || [ -n "$crash" ] || [ -z "$execs" ]; then
		grep -E 'DIVERGENCE|ERROR:|runtime error|SUMMARY' "$log" >&2 || tail -n 30 "$log" >&2
		echo "== fuzz $name: FAILED (libFuzzer exit status $status; log $log)" >&2
		[ -n "$crash" ] && echo "== reproduce: $harness $crash" >&2
		exit 1
	fi
	echo "== fuzz $name: $execs executions in $took s, corpus of $(ls "$work/corpus" | wc -l) inputs;" \
		"no divergence from the model, no sanitizer report, no leak"
	;;
control)
	found=$(grep -E -m 1 "$expect" "$log")
	if [ -z "$found" ] || [ -z "$crash" ]; then
		tail -n 30 "$log" >&2
		echo "== negative control FAILED: the fuzzer did not catch $name ($expect) in $seconds s" >&2
		echo "== a clean \`make fuzz\` can no longer be trusted" >&2
		exit 1
	fi
	echo "== negative control: the fuzzer caught $name after $execs executions, as it must:"
	echo "   $found"
	;;
esac
