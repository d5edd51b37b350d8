# stage5-waitfree/extensions/shm/ipc-table.awk: ipc.md from the rows of
# make demo-ipc (demo_driver.h's, in the harness's CSV, read by column
# name). Called by demo-ipc.sh with -v caption=... -v base=QUEUE (the row
# every ratio is against: spsc_shm.h between processes), after
# common/bench/csv.awk, stats.awk and regime.awk, as bench-all's table is.
# A queue is its stage_name, NAME-process or NAME-thread; the rows come in
# the order they first appear. Every figure is a median over rounds,
# min-max over rounds; a ratio is the median of per-round ratios (stats.awk's
# ratio_sample), never a ratio of medians. Each round is in the regime of
# its probe (regime.awk: the median probe of its throughput runs); a regime
# with at least 5 rounds gets its own medians and ratios.

# "median (min-max)" of a sample.
function mmm(key, f) { return sprintf("%s (%s-%s)", fmt(f, stat_median(key)), fmt(f, stat_min(key)), fmt(f, stat_max(key))) }
# NAME-process: "NAME" for part 1, "process" for part 2.
function part(q, k,    i) { i = match(q, /-[^-]*$/); return k == 1 ? substr(q, 1, i - 1) : substr(q, i + 1) }

csv_skip() { next }
{
	q = col("stage_name"); w = col("workload"); m = col("metric"); v = col("value"); r = col("round")
	if (!(q in seen)) { seen[q] = 1; order[++n] = q }
	wait[q] = col("wait"); capacity = col("capacity")
}
w == "ipc-throughput" && m == "mitems_per_s" {
	stat_add("tp/" q, v); round_put("tp/" q, r, v)
	stat_add("probe/" q, col("probe_ns")); regime_probe(r, col("probe_ns"))
}
w == "ipc-rtt" && m == "rtt_p50_ns" { stat_add("p50/" q, v); round_put("p50/" q, r, v) }
w == "ipc-rtt" && m == "rtt_p99_ns" { stat_add("p99/" q, v) }

END {
	regime_rounds()
	b = part(base, 1) " " part(base, 2)

	print "# Between processes: spsc_shm.h beside threads and Boost.Interprocess message_queue (`make demo-ipc`)\n"
	print "Machine: " caption ".\n"
	printf "Ring capacity %s. Rounds: %d (%s); %s.\n\n", capacity, regime_count["fast"] + regime_count["slow"], regime_mix(), regime_note()
	print "| queue | between | wait | throughput Mitems/s median (min-max) | / " b ", per round | RTT p50 ns | RTT p99 ns | RTT p50 / " b "'s, per round | probe median ns | rounds (regime) |"
	print "|---|---|---|--:|--:|--:|--:|--:|--:|--:|"
	for (i = 1; i <= n; i++) {
		q = order[i]
		printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | all %d (%s) |\n", part(q, 1), part(q, 2), wait[q], \
			mmm("tp/" q, "%.1f"), fmt("%.3f", ratio_median("tp/" q, "tp/" base, "all")), \
			fmt("%.0f", stat_median("p50/" q)), fmt("%.0f", stat_median("p99/" q)), \
			fmt("%.2f", ratio_median("p50/" q, "p50/" base, "all")), fmt("%.0f", stat_median("probe/" q)), \
			stat_n("tp/" q), regime_mix()
	}
	print "\nEvery figure is the median over rounds in which the queues took turns, min-max over those rounds; " \
	      "a ratio is the median of per-round ratios to " b " (the same round, so much the same regime of the VM). " \
	      "The producer (pinger) and the consumer (ponger) are on two CPUs; one warm-up run of each, then one " \
	      "throughput run (items / time from the go signal to the consumer's last pop) and one round-trip run " \
	      "(ping-pong over two rings, each trip timed alone, so some tens of ns of it are the clock) per round. " \
	      "The probe is the two-line round trip taken before every run: it shows the VM's regime. ipc.csv has every run."

	split("fast slow", gs, " ")
	for (k = 1; k <= 2; k++) {
		g = gs[k]
		if (regime_count[g] < 5) continue
		printf "\n## The %s regime alone: %d rounds\n\n", g, regime_count[g]
		print "| queue | between | regime | rounds | throughput Mitems/s median (min-max) | / " b ", per round | RTT p50 / " b "'s |"
		print "|---|---|---|--:|--:|--:|--:|"
		for (i = 1; i <= n; i++) {
			q = order[i]
			printf "| %s | %s | %s | %d | %s | %s | %s |\n", part(q, 1), part(q, 2), g, stat_n(round_sample("tp/" q, g)), \
				mmm(round_sample("tp/" q, g), "%.1f"), fmt("%.3f", ratio_median("tp/" q, "tp/" base, g)), \
				fmt("%.2f", ratio_median("p50/" q, "p50/" base, g))
		}
	}
}
