#!/bin/sh
# stage5-waitfree/extensions/shm/demo-ipc.sh SHM_BINARY BOOST_BINARY... [options]: `make demo-ipc`.
#
# Runs the driver (demo_driver.h) over spsc_shm.h (processes,
# then threads) and over Boost.Interprocess's message_queue (processes;
# one binary per way of waiting),
# and prints one Markdown table with the machine, compiler, flags and
# commit above it. The compiler and flags come from the environment
# (DEMO_COMPILER, DEMO_FLAGS: shm.mk sets them).
#   --items N, --trips N, --runs N, --capacity N, --unpinned: passed on
#       (Boost gets a tenth of the items: it is that much slower)
#   --record FILE: also write the table to FILE (make demo-ipc IPC_RECORD=1
#       writes notes/results/latest/ipc.md)
# Exit status: 0, 1 when a run failed, 2 on bad usage.
set -u
usage() {
	echo "usage: make demo-ipc [IPC_ARGS='--items N --trips N --runs N --capacity N --unpinned'] [IPC_RECORD=1]"
	echo "   or: $0 SHM_BINARY BOOST_BINARY... [--items N] [--trips N] [--runs N] [--capacity N] [--unpinned] [--record FILE]"
	echo "  throughput (Mitems/s) and round trip (p50, p99 ns) between processes and threads,"
	echo "  median of the runs (min-max); defaults: 10000000 items, 100000 trips, 5 runs, capacity 1024"
}
case "${1:-}" in -h | --help) usage; exit 0 ;; esac
if [ $# -lt 2 ] || [ ! -x "$1" ] || [ ! -x "$2" ]; then
	usage >&2
	exit 2
fi
shm=$1 boost=""
shift
while [ $# -gt 0 ] && [ -x "$1" ] && [ -f "$1" ]; do
	boost="$boost $1"
	shift
done
args="" boost_args="" record=""
while [ $# -gt 0 ]; do
	case "$1" in
	-h | --help) usage; exit 0 ;;
	--unpinned) args="$args $1" boost_args="$boost_args $1" ;;
	--items)
		[ $# -ge 2 ] || { echo "demo-ipc: --items needs a value" >&2; exit 2; }
		case "$2" in '' | *[!0-9]*) echo "demo-ipc: --items '$2' is not a positive decimal number" >&2; exit 2 ;; esac
		args="$args --items $2" boost_args="$boost_args --items $(($2 / 10 < 10 ? 10 : $2 / 10))"
		shift ;;
	--trips | --runs | --capacity)
		[ $# -ge 2 ] || { echo "demo-ipc: $1 needs a value" >&2; exit 2; }
		args="$args $1 $2" boost_args="$boost_args $1 $2"
		shift ;;
	--record)
		[ $# -ge 2 ] || { echo "demo-ipc: --record needs a file" >&2; exit 2; }
		record=$2
		shift ;;
	*) echo "demo-ipc: unknown option '$1'" >&2; usage >&2; exit 2 ;;
	esac
	shift
done
# The drivers check their own values (exit 2): ask them before the long runs.
# shellcheck disable=SC2086 # word splitting of the option lists is wanted
"$shm" $args --help >/dev/null || exit 2

out=$(mktemp) || exit 1
trap 'rm -f "$out"' EXIT
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
fam=$(sed -n 's/^cpu family[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
model=$(sed -n 's/^model[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
{
	echo "# Between processes: spsc_shm.h beside threads and Boost.Interprocess message_queue"
	echo
	echo "- machine: $cpu (family $fam model $model), $(nproc) CPUs online, $(uname -sr)"
	echo "- compiler: ${DEMO_COMPILER:-unknown}; flags: ${DEMO_FLAGS:-unknown}"
	echo "- commit: $(git -C "$(dirname "$0")" describe --always --dirty 2>/dev/null || echo unknown); $(date -u +%Y-%m-%dT%H:%MZ)"
	echo "- options:${args:- defaults}; Boost:${boost_args:- defaults, a tenth of the items}"
	echo "- producer (pinger) on CPU 0, consumer (ponger) on CPU 1 unless --unpinned; one warm-up run, then median (min-max) of the runs."
	echo "  A round trip is timed with two clock_gettime calls (some tens of ns of it are the clock)."
	echo
	echo "| queue | between | throughput, Mitems/s | round trip p50, ns | round trip p99, ns |"
	echo "|---|---|---|---|---|"
} >"$out"
cat "$out"
# shellcheck disable=SC2086
"$shm" $args | tee -a "$out" || exit 1
for b in $boost; do
	# shellcheck disable=SC2086
	"$b" $boost_args | tee -a "$out" || exit 1
done
if [ -n "$record" ]; then
	mkdir -p "$(dirname "$record")" && cp "$out" "$record" || exit 1
	echo "demo-ipc: table written to $record"
fi
