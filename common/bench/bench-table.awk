# common/bench/bench-table.awk: the driver's CSV rows -> progression table + plot data.
#
#   awk -F, -v dir=OUTDIR -v caption=TEXT -v perf=STATUS -v stages="NAME..." \
#       -f csv.awk -f stats.awk -f regime.awk -f bench-table.awk rows.csv
#
# stages: the stages measured, in ladder order (the Makefile's STAGES); the
# first is the baseline every "speedup" is against, and each stage's step
# is against the one before it in the list.
# The rows are read by column name (csv.awk): stage_name, workload, round,
# run, metric, value, capacity, probe_ns, wait.
# Each round is in the regime of its probe (regime.awk: the median probe of
# the round's throughput runs); where a regime has at least 5 rounds, its
# own table gives the medians and per-round ratios of its rounds alone.
# Every figure is a median over rounds; a speedup is the median of the
# per-round ratios (stats.awk's ratio_median: both stages ran in the same
# round, so in much the same regime of the VM), never a ratio of medians.

# items/s as 7.19M: the origin quotes "~10M ops/sec".
function mega(v) { return v == "" ? "-" : sprintf("%.2fM", v / 1e6) }

BEGIN { n = split(stages, st, " ") }
csv_skip() { next }
{
	s = col("stage_name"); w = col("workload"); r = col("round"); m = col("metric"); v = col("value") + 0
	if (w == "seed-st" || w == "seed-mt") stat_add(w "/" m "/" s, v)
	else if (w == "throughput" && col("run") > 0 && m == "mitems_per_s") {
		stat_add("tp/" s, v); stat_add("probe/" s, col("probe_ns"))
		round_put("tp/" s, r, v); regime_probe(r, col("probe_ns"))
		wait = col("wait")
	}
	else if (w == "latency") stat_add("lat/" m "/" s, v)
	else if (w == "capacity") stat_add("cap/" s "/" col("capacity"), v)
	else if (w == "alloc") alloc[m, s] = v
	else if (w == "callgrind") ir[s] = v
	else if (w == "perf") perfv[m, s] = v
}

# The speedup of stage i, in group g (a regime, or "all"): over the first stage, and over the one before it.
function over_first(i, g) { return ratio_median("tp/" st[i], "tp/" first, g) }
function over_before(i, g) { return ratio_median("tp/" st[i], "tp/" st[i - 1], g) }

END {
	first = st[1]; last = st[n]
	regime_rounds()
	nr["fast"] = regime_count["fast"]; nr["slow"] = regime_count["slow"]
	mix = regime_mix()

	md = dir "/progression.md"
	printf "# The progression: %d SPSC queues on one machine\n\n", n > md
	print "Machine: " caption ".\n" > md
	printf "Wait policy: %s. Rounds: %d (%s); %s.\n\n", wait, nr["fast"] + nr["slow"], mix, regime_note() > md
	print "| stage | seed-st send ms | seed-st receive ms | seed-mt total ms | seed-mt items/s | throughput Mitems/s median (min-max) | speedup over " first " | RTT p50 ns | RTT p99 ns | instr per push+pop | perf cycles / instr / cache-misses per item | growths seed-st / throughput | probe median ns | rounds (regime) |" > md
	print "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|" > md
	for (i = 1; i <= n; i++) {
		s = st[i]
		speed = i == 1 ? "1.0x" : fmt("%.1fx", over_first(i, "all"))
		if (perf != "available") pf = perf
		else pf = sprintf("%.1f / %.1f / %.3f", perfv["perf_cycles_per_item", s], \
			perfv["perf_instructions_per_item", s], perfv["perf_cache-misses_per_item", s])
		# Stage 1 reports its growths; the others' 0 is the counted allocations.
		if (("seed-st_growths", s) in alloc) gr = alloc["seed-st_growths", s] " / " alloc["throughput_growths", s]
		else if (("seed-st_allocs", s) in alloc) gr = sprintf("%d / %d (counted)", alloc["seed-st_allocs", s], alloc["throughput_allocs", s])
		else gr = "-"
		printf "| %s | %s | %s | %s | %s | %s (%s-%s) | %s | %s | %s | %s | %s | %s | %s | all %d (%s) |\n", s, \
			fmt("%.2f", stat_median("seed-st/send_ms/" s)), fmt("%.2f", stat_median("seed-st/receive_ms/" s)), \
			fmt("%.2f", stat_median("seed-mt/total_ms/" s)), mega(stat_median("seed-mt/items_per_s/" s)), \
			fmt("%.1f", stat_median("tp/" s)), fmt("%.1f", stat_min("tp/" s)), fmt("%.1f", stat_max("tp/" s)), speed, \
			fmt("%.0f", stat_median("lat/rtt_p50_ns/" s)), fmt("%.0f", stat_median("lat/rtt_p99_ns/" s)), \
			((s in ir) ? ir[s] : "-"), pf, gr, fmt("%.0f", stat_median("probe/" s)), stat_n("tp/" s), mix > md
	}
	print "\nEvery figure is the median over rounds in which the stages took turns; " \
	      "min-max is over those rounds; a speedup is the median of per-round ratios. " \
	      "The probe is a ping-pong of two cache lines (each written by one CPU), in ns per round trip, " \
	      "taken before every throughput run: it shows which regime the VM was in. RTT: ping-pong over two " \
	      "queues, timed with the monotonic clock. Instructions: callgrind, per push+pop pair on one thread, " \
	      "loop and check included. results.csv has every run." > md

	# Each regime with enough rounds: its own medians and per-round ratios.
	split("fast slow", gs, " ")
	for (k = 1; k <= 2; k++) {
		g = gs[k]
		if (nr[g] < 5) continue
		printf "\n## The %s regime alone: %d rounds\n\n", g, nr[g] > md
		print "| stage | regime | rounds | throughput Mitems/s median (min-max) | / " first " | / the stage before |" > md
		print "|---|---|--:|--:|--:|--:|" > md
		for (i = 1; i <= n; i++) {
			s = st[i]
			key = round_sample("tp/" s, g)
			printf "| %s | %s | %d | %s (%s-%s) | %s | %s |\n", s, g, stat_n(key), \
				fmt("%.1f", stat_median(key)), fmt("%.1f", stat_min(key)), fmt("%.1f", stat_max(key)), \
				(i == 1 ? "1.0" : fmt("%.2f", over_first(i, g))), (i == 1 ? "-" : fmt("%.2f", over_before(i, g))) > md
		}
	}

	print "\n## Acceptance ratios (medians of per-round throughput ratios)\n" > md
	print "| ratio | regime | median | rounds | target |" > md
	print "|---|---|--:|--:|--:|" > md
	key = ratio_sample("tp/" last, "tp/" first, "all")
	printf "| %s / %s | all (%s) | %s | %d | >= 10 |\n", last, first, mix, fmt("%.1f", stat_median(key)), \
		stat_n(key) > md
	key = ratio_sample("tp/" last, "tp/" first, "fast")
	printf "| %s / %s | fast | %s | %d | >= 30 (when 5 or more rounds) |\n", last, first, \
		(stat_n(key) ? sprintf("%.1f", stat_median(key)) : "no fast round"), stat_n(key) > md
	for (i = 2; i <= n; i++)
		for (k = 0; k <= 2; k++) {
			g = k == 0 ? "all" : gs[k]
			if (k > 0 && nr[g] < 5) continue
			key = ratio_sample("tp/" st[i], "tp/" st[i - 1], g)
			printf "| %s / %s | %s | %s | %d | %s |\n", st[i], st[i - 1], g, \
				fmt("%.2f", stat_median(key)), stat_n(key), (i >= 3 ? ">= 1" : "-") > md
		}

	# Plot data: one line per stage, and one block per stage for the sweep.
	f = dir "/throughput.dat"
	print "# stage_index stage median_mitems min max probe_median_ns" > f
	for (i = 1; i <= n; i++)
		if (stat_n("tp/" st[i]))
			printf "%d %s %.3f %.3f %.3f %.1f\n", i, st[i], stat_median("tp/" st[i]), stat_min("tp/" st[i]), \
				stat_max("tp/" st[i]), stat_median("probe/" st[i]) > f
	f = dir "/rtt.dat"
	print "# stage_index stage p50 p90 p99 p99.9 (ns, medians over rounds)" > f
	for (i = 1; i <= n; i++)
		if (stat_n("lat/rtt_p50_ns/" st[i]))
			printf "%d %s %.0f %.0f %.0f %.0f\n", i, st[i], stat_median("lat/rtt_p50_ns/" st[i]), \
				stat_median("lat/rtt_p90_ns/" st[i]), stat_median("lat/rtt_p99_ns/" st[i]), \
				stat_median("lat/rtt_p99.9_ns/" st[i]) > f
	f = dir "/capacity.dat"
	for (i = 1; i <= n; i++) {
		printf "# %s: capacity mitems_per_s (median over rounds)\n", st[i] > f
		for (c = 2; c <= 16777216; c *= 2)
			if (stat_n("cap/" st[i] "/" c)) printf "%d %.3f\n", c, stat_median("cap/" st[i] "/" c) > f
		printf "\n\n" > f
	}
}
