#!/bin/sh
# common/test/tsan-control.sh HEADER BINARY [ARGS...]: the ThreadSanitizer
# negative control. BINARY is the stress runner built under TSan against
# HEADER, a stage with its publish of tail made relaxed (the broken-publish
# variant). Passes only when TSan reports a data race and the race is the
# one the variant opens: between spsc_try_push and spsc_try_pop, at the
# slot (the producer's write, the consumer's read) or at tail (the relaxed
# store, the consumer's load). Any other race, or none, fails the control.
set -u
if [ $# -lt 2 ] || [ ! -f "$1" ]; then
	echo "usage: $0 HEADER BINARY [ARGS...]" >&2
	exit 2
fi
header=$1
shift
name=$(basename "$(dirname "$header")")
log=$(mktemp)
trap 'rm -f "$log"' EXIT
"$@" >"$log" 2>&1

# The lines of the header where the race may be: the slot write and read, the publish and the load of tail.
lines=$(grep -n 'q->slots\[tail & q->mask\] = item;\|\*item = q->slots\[head & q->mask\];\|atomic_store_explicit(&q->tail, tail + 1\|atomic_load_explicit(&q->tail, memory_order_acquire)' \
	"$header" | cut -d: -f1 | tr '\n' ' ')
[ -n "$lines" ] || { echo "== tsan control $name: cannot find the slot and tail lines in $header" >&2; exit 1; }
found=$(awk -v lines="$lines" '
	BEGIN { n = split(lines, l, " "); for (i = 1; i <= n; i++) ok[l[i]] = 1 }
	/WARNING: ThreadSanitizer: data race/ { races++; inrace = 1; frames = 0; next }
	# Each of the two accesses: its "... of size N at ... by thread" line, then its top frame.
	inrace && /(Read|Write|read|write) of size [0-9]+ at / { access = 1; next }
	inrace && access && /^ +#0 / {
		access = 0
		fn = $2; pos = $3; sub(/.*spsc\.h:/, "", pos); sub(/[^0-9].*/, "", pos)
		if ((fn == "spsc_try_push" || fn == "spsc_try_pop") && (pos in ok)) frames++
		else bad = bad " " fn ":" pos
	}
	/^SUMMARY: ThreadSanitizer/ { if (frames >= 2) good++; inrace = 0 }
	END { printf "%d %d%s\n", races, good, bad }' "$log")
races=${found%% *}
rest=${found#* }
good=${rest%% *}
if [ "${races:-0}" -eq 0 ] || [ "${good:-0}" -eq 0 ] || [ "$rest" != "$good" ]; then
	sed -n '/WARNING: ThreadSanitizer/,/^SUMMARY/p' "$log" >&2
	echo "== negative control FAILED: $name: $races races reported, $good between push and pop at the slot or tail (lines $lines); other frames:${rest#"$good"}" >&2
	echo "== the ThreadSanitizer checks of this suite can no longer be trusted" >&2
	exit 1
fi
echo "== negative control: $name was caught, as it must be: $races data race(s), each between spsc_try_push and spsc_try_pop at the slot or tail"
