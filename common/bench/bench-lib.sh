# common/bench/bench-lib.sh: what the benchmark scripts share (bench-all.sh,
# experiments.sh, variants.sh, common/peers/bench-peers.sh, and stage 5's
# extensions' bench-wait.sh and demo-ipc.sh). Sourced (POSIX sh), never
# run. Needs $top (the repository) set first. The results CSV is read by
# column name (csv.awk) wherever a script picks a column.
# shellcheck shell=sh disable=SC2034,SC2154 # sets variables for its callers, reads theirs

# The machine and the commit, for every results file's header (the one
# place /proc/cpuinfo is read: no measuring program reads it): sets
# cpu_model (the model name), cpu_vendor, cpu_family and cpu_model_no
# (/proc/cpuinfo's vendor_id, cpu family and model: the model name of a VM
# is often only "Intel(R) Xeon(R) Processor" or "AMD EPYC"), cpu_virt
# ("VM" when the CPU reports a hypervisor), cores, machine_id (a folder
# name for this kind of machine: vendor-family-model-Ncpu, e.g.
# intel-6-207-2cpu), commit (with -dirty when a tracked file differs from
# it: untracked files cannot change what was measured), date_utc and
# perf_status ("available" where the PMU's counters exist: on bare metal,
# rarely on a VM).
bench_machine() {
	cpu_model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)
	[ -n "$cpu_model" ] || cpu_model=$(uname -m)
	cpu_vendor=$(sed -n 's/^vendor_id[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)
	cpu_family=$(sed -n 's/^cpu family[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)
	cpu_model_no=$(sed -n 's/^model[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)
	grep -qw hypervisor /proc/cpuinfo 2>/dev/null && cpu_virt=VM || cpu_virt="bare metal"
	cores=$(getconf _NPROCESSORS_ONLN)
	case $cpu_vendor in
	GenuineIntel) _v=intel ;;
	AuthenticAMD) _v=amd ;;
	'') _v=$(uname -m) ;;
	*) _v=$(echo "$cpu_vendor" | tr 'A-Z' 'a-z' | tr -cd 'a-z0-9') ;;
	esac
	machine_id=$_v-${cpu_family:-x}-${cpu_model_no:-x}-${cores}cpu
	commit=$(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo "no-commit")
	[ -z "$(git -C "$top" status --porcelain --untracked-files=no 2>/dev/null)" ] || commit="$commit-dirty"
	date_utc=$(date -u '+%Y-%m-%d %H:%M UTC')
	if command -v perf >/dev/null && perf stat -x, -e instructions true 2>&1 >/dev/null | grep -q '^[0-9]'; then
		perf_status=available
	else
		perf_status="n/a (no PMU)"
	fi
}

# What every run script shares once it has set mode, bin (the binaries'
# folder), rows (the CSV it appends to), PROBE_TRIPS and info (a driver's
# `info` lines), and called bench_begin LABEL:
#   say TEXT        progress on stderr: "LABEL [mode, Ns]: TEXT"
#   run Q ARGS      one driver call of bench-Q, rows appended to $rows, with
#                   the run's probe size and wait policy ($BENCH_WAIT, the
#                   make variable WAIT: one of the driver's policies, which
#                   `info` lists; empty for the driver's default; a --wait
#                   in ARGS wins)
#   run_variant V ARGS   one driver call of bench-V, its rows appended to
#                   $rows with V as a first column (experiments, variants),
#                   with the same probe size and wait policy as run's
#   field NAME      a line of $info ("compiler", "flags", "cpus", "waits", ...)
#   bench_waits     the driver's wait policies ($info's waits line), the
#                   one in $BENCH_WAIT first
#   bench_machine_lines   the "# machine:" and "# cpu:" header lines
#   bench_header TITLE FLAGS_NOTE CPUS_NOTE
#                   the header lines every results CSV starts with (after
#                   bench_machine)
#   bench_caption   the machine in one line, for the "Machine:" line of a table
#   bench_start NAME LABEL   a fresh OUTDIR/NAME-raw/ (rows=NAME-raw/rows.csv)
#                   without the last run's NAME.csv and NAME.md, then
#                   bench_begin LABEL and bench_machine ($out: OUTDIR)
#   bench_csv_header FILE   FILE's column header (its first line that is not a comment)
bench_begin() {
	bench_label=$1
	bench_started=$(date +%s)
}
say() { printf '%s [%s, %ss]: %s\n' "$bench_label" "$mode" $(($(date +%s) - bench_started)) "$*" >&2; }
run() {
	_q=$1
	shift
	# shellcheck disable=SC2086 # the wait flags are meant to split
	"$bin/bench-$_q" ${BENCH_WAIT:+--wait $BENCH_WAIT} "$@" --probe-trips "$PROBE_TRIPS" --csv "$rows"
}
run_variant() {
	_v=$1
	shift
	# shellcheck disable=SC2086 # the wait flags are meant to split
	"$bin/bench-$_v" ${BENCH_WAIT:+--wait $BENCH_WAIT} "$@" --probe-trips "$PROBE_TRIPS" --quiet |
		bench_csv_awk 'csv_skip() { next } { print v "," $0 }' -v v="$_v" >>"$rows"
}
# bench_csv_awk PROGRAM [AWK-OPTION...]: awk -F, over stdin, csv.awk's functions loaded before PROGRAM.
bench_csv_awk() {
	_prog=$1
	shift
	awk -F, "$@" "$(cat "$top/common/bench/csv.awk")
$_prog"
}
field() { printf '%s\n' "$info" | sed -n "s/^# $1: //p"; }
bench_waits() {
	_ws=""
	for _w in $BENCH_WAIT $(field waits); do
		case " $_ws " in *" $_w "*) ;; *) _ws="${_ws:+$_ws }$_w" ;; esac
	done
	echo "$_ws"
}
bench_machine_lines() {
	echo "# machine: $cpu_model, $cores CPUs online, $(uname -sr)"
	echo "# cpu: vendor $cpu_vendor, family $cpu_family, model $cpu_model_no, $cpu_virt; machine id $machine_id"
}
bench_header() {
	echo "# spsc-ladder benchmark: $1"
	echo "# date: $date_utc"
	bench_machine_lines
	echo "# compiler: $(field compiler)"
	echo "# flags: $(field flags)$2"
	echo "# timer: $(field timer)"
	echo "# cpus: $(field cpus)$3"
	echo "# commit: $commit"
	echo "# perf hardware counters: $perf_status"
}
bench_start() {
	rm -rf "$out/$1-raw"
	rm -f "$out/$1.csv" "$out/$1.md"
	mkdir -p "$out/$1-raw"
	rows=$out/$1-raw/rows.csv
	bench_begin "$2"
	bench_machine
}
bench_caption() { echo "$cpu_model, $cores CPUs ($(uname -r)), CPUs $(field cpus), $(field compiler), $date_utc, commit $commit"; }
bench_csv_header() { grep -m 1 -v -e '^#' -e '^$' "$1"; }

# bench_reference FILE: the committed reference FILE (e.g. progression.md)
# to compare this machine's run with: the folder of this very machine if
# there is one, else one of the same vendor and family, else one of the
# same vendor; prints its path, or nothing. Needs bench_machine first.
bench_reference() {
	_refs=$top/notes/results/reference
	_vf=${machine_id%-*-*}
	_v=${machine_id%%-*}
	for _pat in "$machine_id" "$_vf-*" "$_v-*"; do
		for _d in "$_refs"/$_pat; do
			[ -f "$_d/$1" ] && { echo "$_d/$1"; return; }
		done
	done
}

# bench_instructions BINARY PAIRS LOGPREFIX: one CSV row, instructions per
# push+pop of BINARY (a -callgrind build): valgrind's total for 'pairs' of
# 2N items minus that of N, divided by N. Everything but the loop
# (start-up, dynamic linking, one queue) is the same in both runs, so the
# difference is exactly N iterations. Exits the script if valgrind fails.
bench_instructions() {
	_bin=$1 _n=$2 _log=$3
	_ir1=$(bench_callgrind_ "$_bin" "$_n" "$_log-$_n.txt") || exit 1
	_ir2=$(bench_callgrind_ "$_bin" $((2 * _n)) "$_log-$((2 * _n)).txt") || exit 1
	"$_bin" pairs --items "$_n" --quiet | bench_csv_awk 'csv_skip() { next }
		{
			col_set("workload", "callgrind"); col_set("metric", "instructions_per_pair"); col_set("value", v)
			col_set("unit", "instructions"); col_set("timer", "callgrind"); print
		}' -v OFS=, -v v="$(awk -v a="$_ir1" -v b="$_ir2" -v n="$_n" 'BEGIN { printf "%.2f", (b - a) / n }')"
}

bench_callgrind_() {
	valgrind --tool=callgrind --callgrind-out-file=/dev/null "$1" pairs --items "$2" --quiet >/dev/null 2>"$3" ||
		{ echo "callgrind failed for $1:" >&2; tail -n 5 "$3" >&2; return 1; }
	_ir=$(awk '/Collected :/ { print $NF }' "$3")
	[ -n "$_ir" ] || { echo "callgrind gave no count for $1 (log: $3)" >&2; return 1; }
	echo "$_ir"
}

# bench_charts OUTDIR TITLE GPVARS SCRIPT...: renders each gnuplot SCRIPT
# (after bench-style.gp) as OUTDIR/<name>.svg and .png, <name> being the
# script's file name without .gp. GPVARS is extra gnuplot assignments
# ("names='...'" or empty); every script also gets dir and machine (TITLE).
bench_charts() {
	_out=$1 _title=$2 _vars=$3
	shift 3
	_png=png
	gnuplot -e 'set terminal' 2>&1 | grep -q pngcairo && _png=pngcairo
	for _gp in "$@"; do
		_name=$(basename "$_gp" .gp)
		for _term in svg "$_png"; do
			case $_term in
			svg) _ext=svg _size="900,540 dynamic" ;;
			*) _ext=png _size="900,540" ;;
			esac
			gnuplot -e "dir='$_out'; machine='$_title'; $_vars" \
				-e "set terminal $_term size $_size font 'sans,11'; set output '$_out/$_name.$_ext'" \
				"$top/common/bench/bench-style.gp" "$_gp" || return 1
		done
	done
}

# bench_rotate R WORD...: the words in round R's order, starting from word
# number R (counting round the list), so that every word takes its turn at
# every position across rounds.
bench_rotate() {
	_r=$1
	shift
	echo "$@" | awk -v r="$_r" '{ for (i = 0; i < NF; i++) printf "%s ", $((i + r - 1) % NF + 1) }'
}
