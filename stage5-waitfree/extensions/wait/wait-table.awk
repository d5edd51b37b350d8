# stage5-waitfree/extensions/wait/wait-table.awk: wait.md from the rows of
# make bench-wait (bench_wait.c's, in the harness's CSV, read by column
# name). Called by bench-wait.sh with -v caption=... -v queues="NAME..."
# (plain stage 5 first: every ratio is against it), after
# common/bench/csv.awk, stats.awk and regime.awk, as bench-all's table is.
# Every figure is a median over rounds, min-max over rounds; a ratio is the
# median of per-round ratios (stats.awk's ratio_sample), never a ratio of
# medians. Each round is in the regime of its probe (regime.awk: the median
# probe of its throughput runs); a regime with at least 5 rounds gets its
# own medians and ratios.

# "median (min-max)" of a sample.
function mmm(key, f) { return sprintf("%s (%s-%s)", fmt(f, stat_median(key)), fmt(f, stat_min(key)), fmt(f, stat_max(key))) }
# A median in ns, printed in us.
function us(key,    v) { v = stat_median(key); return v == "" ? "-" : sprintf("%.1f", v / 1e3) }

csv_skip() { next }
{ q = col("stage_name"); w = col("workload"); m = col("metric"); v = col("value"); r = col("round"); wait[q] = col("wait") }
w == "wait-throughput" && m == "mitems_per_s" {
	stat_add("tp/" q, v); round_put("tp/" q, r, v)
	stat_add("probe/" q, col("probe_ns")); regime_probe(r, col("probe_ns"))
}
w != "wait-throughput" || m != "mitems_per_s" { stat_add(m "/" q, v) }

END {
	n = split(queues, ql, " ")
	base = ql[1]
	regime_rounds()

	print "# Blocking waits: spsc_wait.h beside plain stage 5 and moodycamel (`make bench-wait`)\n"
	print "Machine: " caption ".\n"
	printf "Rounds: %d (%s); %s.\n\n", regime_count["fast"] + regime_count["slow"], regime_mix(), regime_note()
	print "| queue | wait | Mitems/s median (min-max) | / " base ", per round: median (min-max) | syscalls / M items | ctx switches / M items | wake-up p50 us | wake-up p99 us | sleeps / sample | idle CPU ms/s | probe median ns | rounds (regime) |"
	print "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
	for (i = 1; i <= n; i++) {
		q = ql[i]
		printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | all %d (%s) |\n", q, wait[q], mmm("tp/" q, "%.1f"), \
			mmm(ratio_sample("tp/" q, "tp/" base, "all"), "%.3f"), \
			(stat_n("syscalls_per_mitem/" q) ? fmt("%.1f", stat_median("syscalls_per_mitem/" q)) : "not counted"), \
			fmt("%.1f", stat_median("ctx_switches_per_mitem/" q)), us("wake_p50_ns/" q), us("wake_p99_ns/" q), \
			fmt("%.2f", stat_median("sleeps_per_sample/" q)), fmt("%.1f", stat_median("idle_cpu_ms_per_s/" q)), \
			fmt("%.0f", stat_median("probe/" q)), stat_n("tp/" q), regime_mix()
	}
	print "\nEvery figure is the median over rounds in which the queues took turns, min-max over those rounds; " \
	      "the ratio is the median of per-round ratios of throughput to " base " in the same round. " \
	      "wait: spin (try again after a PAUSE, never asleep) or block (sleep in the kernel after spinning a while). " \
	      "Syscalls: spsc_wait.h's own counters of its futex and membarrier calls, both sides (exact; not counted " \
	      "for moodycamel's semaphores). Context switches: both threads, getrusage RUSAGE_THREAD. Wake-up: the " \
	      "producer's clock in the item to the sleeping consumer's return; " base " never sleeps, its row is the " \
	      "spinning floor. Sleeps / sample: the consumer's voluntary context switches per wake-up. Idle CPU: the " \
	      "consumer's user + system time while it waits for one item, per second of waiting (one run, after the " \
	      "rounds). The probe is the two-line round trip taken before every run: it shows the VM's regime. " \
	      "wait.csv has every run."

	split("fast slow", gs, " ")
	for (k = 1; k <= 2; k++) {
		g = gs[k]
		if (regime_count[g] < 5) continue
		printf "\n## The %s regime alone: %d rounds\n\n", g, regime_count[g]
		print "| queue | regime | rounds | Mitems/s median (min-max) | / " base ", per round |"
		print "|---|---|--:|--:|--:|"
		for (i = 1; i <= n; i++) {
			q = ql[i]
			printf "| %s | %s | %d | %s | %s |\n", q, g, stat_n(round_sample("tp/" q, g)), mmm(round_sample("tp/" q, g), "%.1f"), \
				fmt("%.3f", ratio_median("tp/" q, "tp/" base, g))
		}
	}
}
