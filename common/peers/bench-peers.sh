#!/bin/sh
# common/peers/bench-peers.sh MODE BINDIR OUTDIR SUBJECT BASELINE: stage 5
# beside the peers.
#
# MODE is `full` (make bench-peers) or `quick` (PEERS_MODE=quick: small
# sizes, proves the pipeline). SUBJECT is the stage measured against the
# peers (stage5-waitfree), BASELINE the origin's queue, for scale
# (stage1-mutex). BINDIR holds bench-SUBJECT, bench-BASELINE and whichever
# bench-peer-* the install could build; OUTDIR
# (notes/results/latest) receives peers.csv, peers.md, peers-*.dat and the
# two charts. Every queue runs the same driver and workloads; the queues
# take turns in every round (in a rotating order), so each gets runs in
# every placement of the two vCPUs the machine shows; every run is
# bracketed by two probes, filed in their placement class, left out if it
# moved; and every target is a median of per-pair ratios within one class
# (common/bench/placement.awk, common/peers/peers-table.awk).
set -eu

mode=${1:-full}
bin=${2:?usage: bench-peers.sh full|quick BINDIR OUTDIR SUBJECT BASELINE}
out=${3:?OUTDIR}
subject=${4:?SUBJECT (stage5-waitfree)}
baseline=${5:?BASELINE (stage1-mutex)}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$top/common/bench/bench-lib.sh"

# Full: about 5 minutes on a 2-vCPU VM.
case $mode in
full)
	ROUNDS=20 MIN_MS=250 BULK_MS=150 TRIPS=200000 SEED_ITEMS=1000000 PAIRS=200000 PROBE_TRIPS=20000 ;;
quick)
	ROUNDS=2 MIN_MS=20 BULK_MS=20 TRIPS=10000 SEED_ITEMS=100000 PAIRS=20000 PROBE_TRIPS=5000 ;;
*)
	echo "bench-peers.sh: unknown mode '$mode' (full or quick)" >&2
	exit 2 ;;
esac

for b in "$subject" "$baseline"; do
	[ -x "$bin/bench-$b" ] && [ -x "$bin/bench-$b-callgrind" ] ||
		{ echo "bench-peers.sh: $bin/bench-$b is missing (make bench-peers builds it)" >&2; exit 2; }
done
command -v gnuplot >/dev/null || { echo "bench-peers.sh: gnuplot is missing (make deps)" >&2; exit 2; }
command -v valgrind >/dev/null || { echo "bench-peers.sh: valgrind is missing (make deps)" >&2; exit 2; }

# The wait policies: every one the driver knows (its info's waits line),
# WAIT's first (the default), unless PEERS_WAITS names some. Every queue
# runs under each, in every round; the tables and targets are the first's,
# and the others get a table each.
info=$("$bin/bench-$subject" info)
waits=${PEERS_WAITS:-$(bench_waits)}
default_wait=${waits%% *}
unset BENCH_WAIT # the policy is given run by run here

# The peers, as name:header:package words (PEER_TABLE in peers.mk).
peer_table=${PEER_TABLE:?bench-peers.sh: PEER_TABLE is unset (make bench-peers sets it)}

# The subject first, then its extensions with the same API (PEERS_EXTRA:
# bench-<name> each), then each peer that was built, then the baseline.
queues=$subject extras=''
for x in ${PEERS_EXTRA:-}; do
	if [ ! -x "$bin/bench-$x" ] || [ ! -x "$bin/bench-$x-callgrind" ]; then
		echo "bench-peers.sh: $bin/bench-$x is missing (make bench-peers builds it)" >&2
		exit 2
	fi
	queues="$queues $x"
	extras="$extras${extras:+ }$("$bin/bench-$x" info | sed -n 's/^# stage: //p')"
done
for entry in $peer_table; do
	p=${entry%%:*}
	if [ -x "$bin/bench-peer-$p" ]; then
		queues="$queues peer-$p"
	else
		echo "bench-peers: $p is not built (its package is missing): left out of this run" >&2
	fi
done
queues="$queues $baseline"
nq=$(echo $queues | wc -w)

bench_start peers bench-peers
rm -f "$out"/peers-*.dat "$out"/peers-*.svg "$out"/peers-*.png
has_bulk() { "$bin/bench-$1" info | grep -q '^# bulk: yes'; }

# ------------------------------------------------------------ the header, as bench-all writes it
[ "$perf_status" = available ] && perf_status="available (not used here)"
{
	bench_header "make bench-peers$([ "$mode" = quick ] && echo " (quick)" || true)" " (every queue's own flags below)" " (producer+consumer)"
	for q in $queues; do
		echo "# $("$bin/bench-$q" info | sed -n 's/^# stage: //p'): $("$bin/bench-$q" info | sed -n 's/^# flags: //p')"
	done
	for entry in $peer_table; do
		pkg=${entry##*:}
		echo "# package $pkg: $(dpkg-query -W -f='${Version}' "$pkg" 2>/dev/null || echo 'not installed')"
	done
	echo "# rounds: $ROUNDS; per queue and round, under each wait policy ($waits; the first is the default): throughput at capacity 65536 and 1024 (>= $MIN_MS ms each, after a warm-up), latency ($TRIPS round trips); then seed-st ($SEED_ITEMS items) and, under the default policy, bulk batches 1/8/32/256 (>= $BULK_MS ms each, queues with bulk operations); the order of the queues rotates every round"
	echo "# probe: two-cache-line round trip between the two CPUs, $PROBE_TRIPS trips, taken right before and right after every timed run (probe_ns, probe_after_ns): its placement class (common/bench/placement.awk)"
	echo "# $baseline is unbounded (initial capacity 4, grows): one throughput run per round stands for both capacities"
	echo "# instructions per push+pop: callgrind, 'pairs' for 2N minus N items, / N (N=$PAIRS), built without -march=native"
} >"$out/peers-raw/header.txt"
say "queues: $queues; CPUs $(field cpus)"

# ------------------------------------------------------------ interleaved rounds
r=1
while [ "$r" -le "$ROUNDS" ]; do
	# Rotate: round r starts with queue number r mod n.
	order=$(bench_rotate "$r" $queues)
	say "round $r of $ROUNDS: $order"
	for q in $order; do
		for w in $waits; do
			run "$q" throughput --capacity 65536 --min-ms "$MIN_MS" --runs 1 --round "$r" --wait "$w" --quiet
			[ "$q" = "$baseline" ] || run "$q" throughput --capacity 1024 --min-ms "$MIN_MS" --runs 1 --round "$r" --wait "$w" --quiet
			run "$q" latency --trips "$TRIPS" --runs 1 --round "$r" --wait "$w" --quiet
		done
		run "$q" seed-st --items "$SEED_ITEMS" --runs 1 --round "$r" --quiet
		if has_bulk "$q"; then
			run "$q" bulk --min-ms "$BULK_MS" --runs 1 --round "$r" --wait "$default_wait" --quiet
		fi
	done
	r=$((r + 1))
done

# ------------------------------------------------------------ deterministic cost
say "instructions per push+pop under callgrind"
for q in $queues; do
	bench_instructions "$bin/bench-$q-callgrind" "$PAIRS" "$out/peers-raw/callgrind-$q" >>"$rows"
done

# ------------------------------------------------------------ results
cat "$out/peers-raw/header.txt" "$rows" >"$out/peers.csv"
awk -F, -v dir="$out" -v caption="$(bench_caption)" -v subject="$subject" -v baseline="$baseline" -v waits="$waits" \
	-v extras="$extras" \
	-v rounds="$ROUNDS" -v chart="$out/peers-raw/chart-class.txt" \
	-f "$top/common/bench/csv.awk" -f "$top/common/bench/stats.awk" -f "$top/common/bench/placement.awk" \
	-f "$here/peers-table.awk" "$rows"

cpus=$(field cpus)
bench_charts "$out" "$cpu_model, CPUs ${cpus%% (*}, $date_utc; $(cat "$out/peers-raw/chart-class.txt")" "" \
	"$here/peers-throughput.gp" "$here/peers-rtt.gp"

echo
cat "$out/peers.md"
say "done: $out/peers.md ($nq queues)"
