# stage5-waitfree/extensions/wait/wait-table.awk: wait.md from the rows of
# make bench-wait (bench_wait.c's, in the harness's CSV, read by column
# name). Called by bench-wait.sh with -v caption=... -v queues="NAME..."
# (plain stage 5 first: every ratio is against it) -v rounds=N, after
# common/bench/csv.awk, stats.awk and placement.awk, as bench-all's table is.
# Every run is filed in the placement class of its two probes
# (placement.awk); a run that moved is left out and counted. Every figure
# is a median over the runs of one class, min-max over them; a ratio is the
# median of per-pair ratios (the two queues' runs of one round in the same
# class), never a ratio of medians, never across classes. A table per
# class, the main one (where the queue with the fewest throughput runs has
# the most) first. The idle runs (one per queue, after the rounds) measure
# the CPU time of a sleeping consumer, not a hand-off: they have no class.

# A median in ns, printed in us.
function us(key, c,    v) { v = stat_median(place_sample(key, c)); return v == "" ? "-" : sprintf("%.1f", v / 1e3) }

csv_skip() { next }
{ q = col("stage_name"); w = col("workload"); m = col("metric"); v = col("value"); wait[q] = col("wait") }
w == "wait-throughput" && m == "mitems_per_s" { place_put("tp/" q, v); place_put("probe/" q, col("probe_ns")) }
w == "wait-idle" { stat_add(m "/" q, v) }
w != "wait-idle" && (w != "wait-throughput" || m != "mitems_per_s") { place_put(m "/" q, v) }

function class_table(c,    i, q, k) {
	printf "\n## Class %s%s\n\n", place_label(c), (c == place_order[1] ? " (the main class)" : "")
	print "| queue | class | wait | runs: throughput / wake-up | Mitems/s median (min-max) | / " base ", per pair: median (min-max) | pairs | syscalls / M items | ctx switches / M items | wake-up p50 us | wake-up p99 us | sleeps / sample | idle CPU ms/s (no class) | probe median ns | moved runs left out: throughput / wake-up |"
	print "|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
	for (i = 1; i <= n; i++) {
		q = ql[i]
		k = place_ratio("tp/" q, "tp/" base, c)
		printf "| %s | %s | %s | %s / %s | %s | %s | %d | %s | %s | %s | %s | %s | %s | %s | %d / %d |\n", q, place_tag(c), wait[q], \
			place_runs_note("tp/" q, c), place_runs_note("wake_p50_ns/" q, c), place_mmm("%.1f", "tp/" q, c), \
			(stat_n(k) ? sprintf("%.3f (%.3f-%.3f)", stat_median(k), stat_min(k), stat_max(k)) : "-"), stat_n(k), \
			(stat_n(place_sample("syscalls_per_mitem/" q, c)) ? place_med("%.1f", "syscalls_per_mitem/" q, c) : "not counted"), \
			place_med("%.1f", "ctx_switches_per_mitem/" q, c), us("wake_p50_ns/" q, c), us("wake_p99_ns/" q, c), \
			place_med("%.2f", "sleeps_per_sample/" q, c), fmt("%.1f", stat_median("idle_cpu_ms_per_s/" q)), \
			place_med("%.0f", "probe/" q, c), place_moved["tp/" q], place_moved["wake_p50_ns/" q]
	}
}

END {
	n = split(queues, ql, " ")
	base = ql[1]
	place_decide()

	print "# Blocking waits: spsc_wait.h beside plain stage 5 and moodycamel (`make bench-wait`)\n"
	print "Machine: " caption ".\n"
	printf "Rounds: %d. %s\n", rounds, place_summary()
	if (place_n == 0) exit
	place_ordered(place_keys("tp/", ql, n, ""))
	for (k = 1; k <= place_n; k++) class_table(place_order[k])
	print "\nEvery figure is the median over the runs of its class, min-max over them; the ratio is the median of " \
	      "per-pair ratios of throughput to " base ", a pair being the two queues' runs of one round in the same class. " \
	      "wait: spin (try again after a PAUSE, never asleep) or block (sleep in the kernel after spinning a while). " \
	      "Syscalls: spsc_wait.h's own counters of its futex and membarrier calls, both sides (exact; not counted " \
	      "for moodycamel's semaphores). Context switches: both threads, getrusage RUSAGE_THREAD. Wake-up: the " \
	      "producer's clock in the item to the sleeping consumer's return; " base " never sleeps, its row is the " \
	      "spinning floor. Sleeps / sample: the consumer's voluntary context switches per wake-up. Idle CPU: the " \
	      "consumer's user + system time while it waits for one item, per second of waiting (one run, after the " \
	      "rounds; no class). wait.csv has every run.\n\n" place_rule()
}
