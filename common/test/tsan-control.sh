#!/bin/sh
# common/test/tsan-control.sh [--race tail|head] HEADER BINARY [ARGS...]: a
# ThreadSanitizer negative control. BINARY is the stress runner built under
# TSan against HEADER, a stage with one ordering of its protocol weakened (a
# variant). Passes only when TSan reports a data race and every race
# reported is the one that weakening opens, on a slot, between the two
# accesses that the weakened pair no longer orders:
#   --race tail  (the default) the hand-off of a slot by tail is broken (the
#                broken-publish variant: the producer's store of tail
#                relaxed): the consumer's read of the slot in spsc_try_pop
#                races the producer's earlier write of it in spsc_try_push.
#   --race head  the hand-off of a slot back by head is broken (the
#                relaxed-head-load and relaxed-head-store variants): the
#                producer's write of the slot in spsc_try_push races the
#                consumer's earlier read of it in spsc_try_pop.
# "Earlier" is TSan's "Previous" access: the report comes at the later one.
# A race is told by its two accesses' lines in HEADER (TSan's top frame of
# each), which name the functions too. Any other race (another pair, the
# other order, an atomic access, a frame outside those two lines), or none,
# fails the control.
set -u
race="tail"
if [ "${1:-}" = --race ]; then
	race=${2:-}
	shift 2 || true
fi
case "$race" in
tail | head) ;;
*) race=bad ;;
esac
if [ "$race" = bad ] || [ $# -lt 2 ] || [ ! -f "$1" ]; then
	echo "usage: $0 [--race tail|head] HEADER BINARY [ARGS...]" >&2
	exit 2
fi
header=$1
shift
# The variant's folder: the header's own, or, for an extension's header
# (<variant>/extensions/<name>/x.h), the variant's above it.
case $header in
*/extensions/*) name=$(basename "${header%%/extensions/*}") ;;
*) name=$(basename "$(dirname "$header")") ;;
esac
log=$(mktemp)
trap 'rm -f "$log"' EXIT
"$@" >"$log" 2>&1

# The header's two lines where the race must be: the slot write in push, the
# slot read in pop, as the stages write them. A header whose slot accesses
# read otherwise marks each with a comment that begins "the slot write" or
# "the slot read" (the templates of elem/ and slot/, claim/as_stage.h).
write=$(grep -En 'q->slots\[tail & q->mask\] = item;|/\* the slot write' "$header" | cut -d: -f1)
read=$(grep -En '\*item = q->slots\[head & q->mask\];|/\* the slot read' "$header" | cut -d: -f1)
case "$write $read" in
*[!0-9\ ]* | " "* | *" ") echo "== tsan control $name: cannot find the one slot write and the one slot read in $header" >&2; exit 1 ;;
esac
if [ "$race" = tail ]; then
	want="read :$read, previous write :$write"
	says="the consumer's read of a slot (line $read) against the producer's earlier write of it (line $write)"
else
	want="write :$write, previous read :$read"
	says="the producer's write of a slot (line $write) against the consumer's earlier read of it (line $read)"
fi
# Each report as "KIND FUNCTION:LINE, previous KIND FUNCTION:LINE", from its
# two access lines ("Write of size 8 at ... by thread T1:", "Previous read
# of size 8 ...") and the top frame under each.
found=$(awk -v file="$(basename "$header")" '
	/WARNING: ThreadSanitizer: data race/ { inrace = 1; sig = ""; access = ""; next }
	inrace && /^ +(Previous )?([Aa]tomic )?([Rr]ead|[Ww]rite) of size [0-9]+ at / {
		access = $0; sub(/ of size.*/, "", access); sub(/^ +/, "", access)
		access = tolower(access); sub(/^previous /, "", access); next
	}
	inrace && access != "" && /^ +#0 / {
		pos = $3; k = index(pos, file ":"); pos = k ? substr(pos, k + length(file) + 1) : ""; sub(/[^0-9].*/, "", pos)
		sig = sig (sig == "" ? "" : ", previous ") access " :" pos; access = ""
	}
	# TSan may have lost the access'"'"'s stack: then the pair is unknown.
	inrace && access != "" && /failed to restore the stack/ {
		sig = sig (sig == "" ? "" : ", previous ") access " (stack lost)"; access = ""
	}
	/^SUMMARY: ThreadSanitizer/ && inrace { print sig; inrace = 0 }' "$log")
races=$(grep -c 'WARNING: ThreadSanitizer: data race' "$log")
good=$(printf '%s\n' "$found" | grep -cxF "$want")
if [ "$races" -eq 0 ] || [ "$good" -ne "$races" ] || grep -q 'WARNING: ThreadSanitizer: [^d]' "$log"; then
	sed -n '/WARNING: ThreadSanitizer/,/^SUMMARY/p' "$log" >&2
	echo "== negative control FAILED: $name: $races data race(s) reported, $good of them $says; seen: $(printf '%s; ' "$found")" >&2
	echo "== the ThreadSanitizer checks of this suite can no longer be trusted" >&2
	exit 1
fi
echo "== negative control: $name was caught, as it must be: $races data race(s), each $says"
