# common/bench/bench-table.awk: the driver's CSV rows -> progression table + plot data.
#
#   awk -F, -v dir=OUTDIR -v caption=TEXT -v perf=STATUS -v stages="NAME..." \
#       -v rounds=N -v work_ns=NS -v chart=FILE -v cdf_runs=FILE \
#       -f csv.awk -f stats.awk -f placement.awk -f bench-table.awk rows.csv
#
# stages: the stages measured, in ladder order (the Makefile's STAGES); the
# first is the baseline every "speedup" is against, and each stage's step
# is against the one before it in the list. rounds: how many rounds ran.
# The rows are read by column name (csv.awk): stage_name, workload, round,
# run, metric, value, capacity, probe_ns, probe_after_ns, wait.
#
# Every run of two threads is filed in the placement class of its probes
# (placement.awk); a run that moved is left out. Every figure of two
# threads is a median over the runs of one class, and a speedup is the
# median of per-pair ratios (both stages' runs in the same round and the
# same class), never a ratio of medians and never across classes. The
# first table is what each step buys in every class (flat out, the round
# trip, the consumer slower: work_ns of work per item on the consumer);
# then the main class's figures (the class where the stage with the
# fewest throughput runs has the most), with the one-thread figures,
# which have no class; then a section per class; then the ratios. The
# plot data are the main class's: `chart` receives the class and runs for
# the charts' titles, `cdf_runs` the stage and round of each of its
# latency runs (bench-all.sh merges their histograms).

# items/s as 7.19M: the origin quotes "~10M ops/sec".
function mega(v) { return v == "" ? "-" : sprintf("%.2fM", v / 1e6) }

BEGIN { n = split(stages, st, " ") }
csv_skip() { next }
{
	s = col("stage_name"); w = col("workload"); m = col("metric"); v = col("value") + 0
	if (w == "seed-st") stat_add(w "/" m "/" s, v)
	else if (w == "seed-mt" && (m == "total_ms" || m == "items_per_s")) place_put("smt/" m "/" s, v)
	else if (w == "throughput" && col("run") > 0 && m == "mitems_per_s") {
		place_put("tp/" s, v); place_put("probe/" s, col("probe_ns")); wait = col("wait")
	}
	else if (w == "latency" && m ~ /^rtt_p(50|90|99|99\.9)_ns$/) place_put("lat/" m "/" s, v)
	else if (w == "shape-consumer-slow" && col("run") > 0 && m == "mitems_per_s") place_put("cs/" s, v)
	else if (w == "shape-consumer-slow" && col("run") > 0 && m == "of_work_bound") place_put("csb/" s, v)
	else if (w == "latency" && m == "clock_overhead_ns") place_put("latrun/" s, col("round"))
	else if (w == "capacity") place_put("cap/" s "/" col("capacity"), v)
	else if (w == "alloc") alloc[m, s] = v
	else if (w == "callgrind") ir[s] = v
	else if (w == "perf") perfv[m, s] = v
}

# Stage i's throughput speedup in class c: over the first stage, and over the one before it.
function over_first(i, c) { return stat_median(place_ratio("tp/" st[i], "tp/" st[1], c)) }
function over_before(i, c) { return stat_median(place_ratio("tp/" st[i], "tp/" st[i - 1], c)) }
function med(f, key, c) { return place_med(f, key, c) }
function tp_mmm(s, c) { return place_mmm("%.1f", "tp/" s, c) }
function runs(key, c) { return stat_n(place_sample(key, c)) }
# Every stage's key PRE/stage, space-separated: "tp/stage1-mutex tp/stage2-ring ...".
function each(pre) { return place_keys(pre, st, n, "") }

# The one-thread and counted figures of stage s, which have no class.
function growths(s) {
	if (("seed-st_growths", s) in alloc) return alloc["seed-st_growths", s] " / " alloc["throughput_growths", s]
	if (("seed-st_allocs", s) in alloc) return sprintf("%d / %d (counted)", alloc["seed-st_allocs", s], alloc["throughput_allocs", s])
	return "-"
}
function perf_cell(s) {
	if (perf != "available") return perf
	return sprintf("%.1f / %.1f / %.3f", perfv["perf_cycles_per_item", s], perfv["perf_instructions_per_item", s], \
		perfv["perf_cache-misses_per_item", s])
}

function summary_table(md, c,    i, s) {
	print "| stage | class | seed-st send ms | seed-st receive ms | seed-mt total ms | seed-mt items/s | throughput Mitems/s median (min-max) | speedup over " st[1] " | RTT p50 ns | RTT p99 ns | instr per push+pop | perf cycles / instr / cache-misses per item | growths seed-st / throughput | probe median ns | runs: throughput / RTT | moved runs left out: throughput / RTT |" > md
	print "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|" > md
	for (i = 1; i <= n; i++) {
		s = st[i]
		printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s / %s | %d / %d |\n", s, \
			place_label(c), fmt("%.2f", stat_median("seed-st/send_ms/" s)), fmt("%.2f", stat_median("seed-st/receive_ms/" s)), \
			med("%.2f", "smt/total_ms/" s, c), mega(stat_median(place_sample("smt/items_per_s/" s, c))), tp_mmm(s, c), \
			(i == 1 ? "1.0x" : fmt("%.1fx", over_first(i, c))), med("%.0f", "lat/rtt_p50_ns/" s, c), \
			med("%.0f", "lat/rtt_p99_ns/" s, c), ((s in ir) ? ir[s] : "-"), perf_cell(s), growths(s), \
			med("%.0f", "probe/" s, c), place_runs_note("tp/" s, c), place_runs_note("lat/rtt_p50_ns/" s, c), \
			place_moved["tp/" s], place_moved["lat/rtt_p50_ns/" s] > md
	}
	print "\nThe class is the placement class (below) of every figure of two threads in the row: seed-mt, " \
	      "throughput, speedup, RTT, probe. seed-st, instructions, perf and growths run on one thread or count " \
	      "events: they have no class. Every figure of the class is the median over its runs (min-max over " \
	      "them); a speedup is the median of per-pair ratios. The probe is a ping-pong of two cache lines (each " \
	      "written by one CPU), in ns per round trip. RTT: ping-pong over two queues, timed with the monotonic " \
	      "clock. Instructions: callgrind, per push+pop pair on one thread, loop and check included. results.csv " \
	      "has every run." > md
}

function class_section(md, c,    i, s, range, lo_hi) {
	range = place_range(each("tp/"), c)
	split(range, lo_hi, "-")
	printf "\n## Class %s: %d runs of two threads (every workload); %s throughput runs per stage%s\n\n", \
		place_label(c), place_runs[c], range, (lo_hi[1] < 5 ? "; fewer than 5 for a stage: too thin to judge a target by" : "") > md
	print "| stage | class | throughput runs | throughput Mitems/s median (min-max) | / " st[1] " | / the stage before | RTT runs | RTT p50 ns | RTT p99 ns | seed-mt items/s | probe median ns |" > md
	print "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|" > md
	for (i = 1; i <= n; i++) {
		s = st[i]
		printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", s, place_tag(c), place_runs_note("tp/" s, c), \
			tp_mmm(s, c), (i == 1 ? "1.0" : fmt("%.2f", over_first(i, c))), (i == 1 ? "-" : fmt("%.2f", over_before(i, c))), \
			place_runs_note("lat/rtt_p50_ns/" s, c), med("%.0f", "lat/rtt_p50_ns/" s, c), med("%.0f", "lat/rtt_p99_ns/" s, c), \
			mega(stat_median(place_sample("smt/items_per_s/" s, c))), med("%.0f", "probe/" s, c) > md
	}
}

# What step i (stage i over stage i-1) buys in class c through one lens:
# the median of per-pair ratios of key pre/stage, a over b; lower_better
# turns it round (a round trip). "1.23 (n)", "-" without a pair.
function buys(i, pre, lower_better, c,    k, m, b) {
	k = lower_better ? place_ratio(pre st[i - 1], pre st[i], c) : place_ratio(pre st[i], pre st[i - 1], c)
	if (!stat_n(k)) return "-"
	m = stat_median(k); b = m >= 1.10 ? "**" : ""
	return sprintf("%s%.2f (%d)%s", b, m, stat_n(k), b)
}

# The table the progression leads with: every step, in every class, through each lens.
function buys_table(md,    c, i) {
	print "## What each rung buys\n" > md
	print "Each step of the ladder through three lenses, in each placement class: flat out (throughput), the " \
	      "round trip (RTT p50, the stage before's over this one's: above 1 is faster), and the consumer slower " \
	      "(" work_ns " ns of work per item on the consumer, the producer none: the ring runs full; items/s). Medians " \
	      "of per-pair ratios (pairs); **bold**: 1.10 or more. A step that buys nothing flat out may buy in " \
	      "another lens, and a lens may cost: read the whole row.\n" > md
	print "| step | class | flat out | round trip | consumer slower | consumer slower: this stage / its work bound |" > md
	print "|---|---|--:|--:|--:|--:|" > md
	for (c = 1; c <= place_n; c++)
		for (i = 2; i <= n; i++)
			printf "| %s / %s | %s | %s | %s | %s | %s |\n", st[i], st[i - 1], place_tag(c), buys(i, "tp/", 0, c), \
				buys(i, "lat/rtt_p50_ns/", 1, c), buys(i, "cs/", 0, c), med("%.2f", "csb/" st[i], c) > md
	print "" > md
}

# One row of the ratios: a's throughput over b's in class c.
function ratio_row(md, a, b, c, target,    k) {
	k = place_ratio("tp/" a, "tp/" b, c)
	if (stat_n(k)) printf "| %s / %s | %s | %s | %d | %s |\n", a, b, place_label(c), fmt("%.2f", stat_median(k)), stat_n(k), target > md
}

function ratios_table(md,    c, i) {
	print "\n## Acceptance ratios (medians of per-pair throughput ratios, within one class)\n" > md
	print "| ratio | class | median | pairs | target |" > md
	print "|---|---|--:|--:|--:|" > md
	for (c = 1; c <= place_n; c++) {
		ratio_row(md, st[n], st[1], c, ">= 10")
		for (i = 2; i <= n; i++) ratio_row(md, st[i], st[i - 1], c, (i >= 3 ? ">= 1" : "-"))
	}
	print "\nA pair is the two stages' runs of one round in the same class (each stage's median where it has " \
	      "several); a class with fewer than 5 pairs shows a ratio but is too thin to judge a target by. " \
	      "Classes without a pair have no row." > md
}

# The main class's plot data: one line per stage, and one block per stage for the sweep.
function plot_data(c,    f, i, j, s, k, cap) {
	f = dir "/throughput.dat"
	print "# class " place_label(c) ": stage_index stage median_mitems min max probe_median_ns runs" > f
	for (i = 1; i <= n; i++) {
		k = place_sample("tp/" st[i], c)
		if (stat_n(k))
			printf "%d %s %.3f %.3f %.3f %.1f %d\n", i, st[i], stat_median(k), stat_min(k), stat_max(k), \
				stat_median(place_sample("probe/" st[i], c)), stat_n(k) > f
	}
	f = dir "/rtt.dat"
	print "# class " place_label(c) ": stage_index stage p50 p90 p99 p99.9 (ns, medians over its runs) runs" > f
	for (i = 1; i <= n; i++)
		if (runs("lat/rtt_p50_ns/" st[i], c))
			printf "%d %s %.0f %.0f %.0f %.0f %d\n", i, st[i], stat_median(place_sample("lat/rtt_p50_ns/" st[i], c)), \
				stat_median(place_sample("lat/rtt_p90_ns/" st[i], c)), stat_median(place_sample("lat/rtt_p99_ns/" st[i], c)), \
				stat_median(place_sample("lat/rtt_p99.9_ns/" st[i], c)), runs("lat/rtt_p50_ns/" st[i], c) > f
	f = dir "/capacity.dat"
	for (i = 1; i <= n; i++) {
		printf "# %s, class %s: capacity mitems_per_s (median over its runs) runs\n", st[i], place_label(c) > f
		for (cap = 2; cap <= 16777216; cap *= 2)
			if (runs("cap/" st[i] "/" cap, c))
				printf "%d %.3f %d\n", cap, stat_median(place_sample("cap/" st[i] "/" cap, c)), runs("cap/" st[i] "/" cap, c) > f
		printf "\n\n" > f
	}
	for (i = 1; i <= n; i++) {
		s = st[i]; k = place_sample("latrun/" s, c)
		stat_sort_(k)
		for (j = 1; j <= stat_n(k); j++) print s, stat_s_[j] > cdf_runs
	}
}

# The charts' subtitle: the class, and the runs per stage it rests on (fewest-most).
function chart_note(c) {
	return sprintf("class %s: %s throughput, %s latency runs per stage", place_label(c), place_range(each("tp/"), c), \
		place_range(each("lat/rtt_p50_ns/"), c))
}

END {
	place_decide()
	md = dir "/progression.md"
	printf "# The progression: %d SPSC queues on one machine\n\n", n > md
	print "Machine: " caption ".\n" > md
	printf "Wait policy: %s. Rounds: %d. %s\n\n", wait, rounds, place_summary() > md
	if (place_n == 0) { print "No run of two threads had a probe: nothing to compare." > md; exit }
	main = place_main(each("tp/"))
	buys_table(md)
	print "## Every figure, the main class\n" > md
	summary_table(md, main)
	for (c = 1; c <= place_n; c++) class_section(md, c)
	ratios_table(md)
	print "\n" place_rule() > md
	plot_data(main)
	print chart_note(main) > chart
}
