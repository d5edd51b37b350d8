#!/bin/sh
# common/test/sanitized-run.sh: run a sanitizer build and judge it by what the
# sanitizer printed, not only by the exit status.
#
#   sanitized-run.sh clean  BINARY [ARGS...]
#       Passes when BINARY exits 0 and no sanitizer reported anything.
#   sanitized-run.sh report "ERE;ERE..." BINARY [ARGS...]
#       A negative control: passes only when every extended regular
#       expression matches the output. It proves that `clean` can fail.
#
# Why grep: Criterion runs each test in a worker process and reports the
# test before the worker exits, so a LeakSanitizer report at the worker's
# exit leaves the test "passing" and the exit status 0.
set -u
mode=$1
shift
if [ "$mode" = report ]; then
	patterns=$1
	shift
fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT

"$@" >"$log" 2>&1
status=$?
reports='ERROR: (Address|Leak)Sanitizer|WARNING: ThreadSanitizer|runtime error:'

case "$mode" in
clean)
	cat "$log"
	if [ "$status" -ne 0 ] || grep -Eq "$reports" "$log"; then
		echo "== FAILED: $(basename "$1") exited $status; sanitizer reports: $(grep -Ec "$reports" "$log")" >&2
		exit 1
	fi
	;;
report)
	missing=$(echo "$patterns" | tr ';' '\n' | while read -r p; do grep -Eq "$p" "$log" || echo "$p"; done)
	if [ -n "$missing" ]; then
		cat "$log" >&2
		echo "== negative control FAILED: $(basename "$1") did not report: $missing" >&2
		echo "== the sanitizer checks of this suite can no longer be trusted" >&2
		exit 1
	fi
	echo "== negative control: $(basename "$1") was caught, as it must be:" \
		"$(echo "$patterns" | sed 's/;/; /g')"
	;;
*)
	echo "usage: $0 clean BINARY [ARGS] | report 'ERE;ERE...' BINARY [ARGS]" >&2
	exit 2
	;;
esac
