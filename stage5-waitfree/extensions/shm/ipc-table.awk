# stage5-waitfree/extensions/shm/ipc-table.awk: ipc.md from the rows of
# make demo-ipc (demo_driver.h's, in the harness's CSV, read by column
# name). Called by demo-ipc.sh with -v caption=... -v base=QUEUE (the row
# every ratio is against: spsc_shm.h between processes) -v rounds=N, after
# common/bench/csv.awk, stats.awk and placement.awk, as bench-all's table is.
# A queue is its stage_name, NAME-process or NAME-thread; the rows come in
# the order they first appear. Every run is filed in the placement class of
# its two probes (placement.awk); a run that moved is left out and counted.
# Every figure is a median over the runs of one class, min-max over them; a
# ratio is the median of per-pair ratios (the two queues' runs of one round
# in the same class), never a ratio of medians, never across classes. A
# table per class, the main one (where the queue with the fewest throughput
# runs has the most) first.

# NAME-process: "NAME" for part 1, "process" for part 2.
function part(q, k,    i) { i = match(q, /-[^-]*$/); return k == 1 ? substr(q, 1, i - 1) : substr(q, i + 1) }

csv_skip() { next }
{
	q = col("stage_name"); w = col("workload"); m = col("metric"); v = col("value")
	if (!(q in seen)) { seen[q] = 1; order[++n] = q }
	wait[q] = col("wait"); capacity = col("capacity")
}
w == "ipc-throughput" && m == "mitems_per_s" { place_put("tp/" q, v); place_put("probe/" q, col("probe_ns")) }
w == "ipc-rtt" && m == "rtt_p50_ns" { place_put("p50/" q, v) }
w == "ipc-rtt" && m == "rtt_p99_ns" { place_put("p99/" q, v) }

function class_table(c,    i, q) {
	printf "\n## Class %s%s\n\n", place_label(c), (c == place_order[1] ? " (the main class)" : "")
	print "| queue | between | class | wait | runs: throughput / RTT | throughput Mitems/s median (min-max) | / " b ", per pair | RTT p50 ns | RTT p99 ns | RTT p50 / " b "'s, per pair | probe median ns | moved runs left out: throughput / RTT |"
	print "|---|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|"
	for (i = 1; i <= n; i++) {
		q = order[i]
		printf "| %s | %s | %s | %s | %s / %s | %s | %s | %s | %s | %s | %s | %d / %d |\n", part(q, 1), part(q, 2), place_tag(c), \
			wait[q], place_runs_note("tp/" q, c), place_runs_note("p50/" q, c), place_mmm("%.1f", "tp/" q, c), \
			fmt("%.3f", stat_median(place_ratio("tp/" q, "tp/" base, c))), place_med("%.0f", "p50/" q, c), \
			place_med("%.0f", "p99/" q, c), fmt("%.2f", stat_median(place_ratio("p50/" q, "p50/" base, c))), \
			place_med("%.0f", "probe/" q, c), place_moved["tp/" q], place_moved["p50/" q]
	}
}

END {
	place_decide()
	b = part(base, 1) " " part(base, 2)

	print "# Between processes: spsc_shm.h beside threads and Boost.Interprocess message_queue (`make demo-ipc`)\n"
	print "Machine: " caption ".\n"
	printf "Ring capacity %s. Rounds: %d. %s\n", capacity, rounds, place_summary()
	if (place_n == 0) exit
	place_ordered(place_keys("tp/", order, n, ""))
	for (k = 1; k <= place_n; k++) class_table(place_order[k])
	print "\nEvery figure is the median over the runs of its class, min-max over them; a ratio is the median of " \
	      "per-pair ratios to " b ", a pair being the two queues' runs of one round in the same class. " \
	      "The producer (pinger) and the consumer (ponger) are on two CPUs; one warm-up run of each, then one " \
	      "throughput run (items / time from the go signal to the consumer's last pop) and one round-trip run " \
	      "(ping-pong over two rings, each trip timed alone, so some tens of ns of it are the clock) per round. " \
	      "ipc.csv has every run.\n\n" place_rule()
}
