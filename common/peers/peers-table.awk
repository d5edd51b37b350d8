# common/peers/peers-table.awk: peers.md and the chart data from the rows of
# make bench-peers (the driver's CSV, read by column name). Called by
# bench-peers.sh with -v dir=OUTDIR -v caption=... -v subject=STAGE
# -v baseline=STAGE -v waits="POLICY..." (the default first) -v rounds=N
# -v extras="NAME..." (stage 5's extensions, by stage name) -v chart=FILE, after common/bench/csv.awk, stats.awk and placement.awk.
#
# Every run of two threads is filed in the placement class of its two
# probes (placement.awk); a run that moved is left out and counted. Every
# figure is a median over the runs of one class, min-max over them; every
# ratio is the median of per-pair ratios (two queues' runs of one round in
# the same class: stats.awk's cell_ratio), never a ratio of medians and
# never across classes. The classes come in the order of the main one
# first (where the queue with the fewest throughput runs under the default
# policy has the most: the charts are its), then from the fastest. seed-st
# (one thread) and the instruction counts have no class. `chart` receives
# the main class and its runs, for the charts' titles.

# 1000000 -> "1M", 100000 -> "100k": an item count as the notes write it.
function count(n) { return n % 1000000 == 0 ? n / 1000000 "M" : n % 1000 == 0 ? n / 1000 "k" : n }
function verdict(v, target, le) { if (v == "") return "not measured"; return (le ? v <= target : v >= target) ? "met" : "missed" }
# "median (min-max)" of key's runs in class c, one decimal; "-" without a run.
function mmm(key, c) { return place_mmm("%.1f", key, c) }
function med(f, key, c) { return place_med(f, key, c) }
function runs(key, c) { return stat_n(place_sample(key, c)) }
# Every queue's key PRE/queue/POST, space-separated.
function each(pre, post) { return place_keys(pre "/", order, nq, post) }

BEGIN {
	nw = split(waits, wl, " "); dw = wl[1]; nb = split("1 8 32 256", batches, " ")
	# Stage 5's own extensions measured beside it: in every table, not among the peers it must beat.
	ne = split(extras, ex, " "); for (k = 1; k <= ne; k++) is_extra[ex[k]] = 1
}
csv_skip() { next }
{
	q = col("stage_name"); w = col("wait"); sub(/:.*/, "", w)
	wl_ = col("workload"); m = col("metric"); v = col("value"); cap = col("capacity")
	if (!(q in seen)) { seen[q] = 1; order[++nq] = q }
}
wl_ == "throughput" && m == "mitems_per_s" {
	# The baseline is unbounded: its one run per round stands for both capacities.
	if (cap == 65536 || q == baseline) place_put("tp/" w "/" q "/65536", v)
	if (cap == 1024 || q == baseline) place_put("tp/" w "/" q "/1024", v)
	if (q == subject && w == dw && cap == 65536) place_put("probe/" q, col("probe_ns"))
}
wl_ == "latency" && m == "rtt_p50_ns" { place_put("p50/" w "/" q, v); place_put("lprobe/" w "/" q, col("probe_ns")) }
wl_ == "latency" && m == "rtt_p99_ns" { place_put("p99/" w "/" q, v) }
wl_ == "seed-st" && m == "total_ms" { stat_add("seed/" q, v); seed_items = col("items") }
wl_ == "bulk" && m ~ /^bulk[0-9]+_mitems_per_s$/ {
	b = m; sub(/^bulk/, "", b); sub(/_.*/, "", b)
	hasbulk[q] = 1; place_put("bulk/" q "/" b, v)
}
m == "instructions_per_pair" { ir[q] = v }

# The per-pair ratios, in class c: stage 5's throughput over q's at capacity k, its RTT p50 over
# q's, q's RTT p50 over the probe of its run, and q's single-item throughput over its batch-b one.
function tp_ratio(c, w, q, k) { return place_ratio("tp/" w "/" s5 "/" k, "tp/" w "/" q "/" k, c) }
function rtt_ratio(c, w, q) { return place_ratio("p50/" w "/" s5, "p50/" w "/" q, c) }
function rtt_probe(c, w, q) { return place_ratio("p50/" w "/" q, "lprobe/" w "/" q, c) }
function single_bulk(c, q, b) { return place_ratio("tp/" dw "/" q "/65536", "bulk/" q "/" b, c) }
function r2(key) { return fmt("%.2f", stat_median(key)) }

# Whether any queue has a run in class c under policy w.
function class_has(c, w,    i) {
	for (i = 1; i <= nq; i++)
		if (runs("tp/" w "/" order[i] "/65536", c) + runs("p50/" w "/" order[i], c)) return 1
	return 0
}

function class_table(md, c,    i, q, K) {
	printf "\n## Class %s, wait policy %s%s\n\n", place_label(c), dw, (c == main ? " (the main class: the charts are its)" : "") > md
	print "| queue | class | runs: 65536 / 1024 / RTT | throughput Mitems/s, capacity 65536: median (min-max) | stage 5 / this | capacity 1024: median (min-max) | stage 5 / this | RTT p50 ns | RTT p99 ns | stage 5 RTT p50 / this | RTT p50 / probe | seed-st total ms (one thread) | instr per push+pop | moved runs left out: 65536 / 1024 / RTT |" > md
	print "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|" > md
	for (i = 1; i <= nq; i++) {
		q = order[i]
		K = dw "/" q
		printf "| %s | %s | %s / %s / %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %d / %d / %d |\n", q, place_tag(c), \
			place_runs_note("tp/" K "/65536", c), place_runs_note("tp/" K "/1024", c), place_runs_note("p50/" K, c), \
			mmm("tp/" K "/65536", c), (q == s5 ? "-" : r2(tp_ratio(c, dw, q, 65536))), mmm("tp/" K "/1024", c), \
			(q == s5 ? "-" : r2(tp_ratio(c, dw, q, 1024))), med("%.0f", "p50/" K, c), med("%.0f", "p99/" K, c), \
			(q == s5 ? "-" : r2(rtt_ratio(c, dw, q))), r2(rtt_probe(c, dw, q)), fmt("%.2f", stat_median("seed/" q)), \
			((q in ir) ? ir[q] : "-"), place_moved["tp/" K "/65536"], place_moved["tp/" K "/1024"], place_moved["p50/" K] > md
	}
}

# Class c under another policy w.
function policy_table(md, c, w,    i, q, K) {
	printf "\n## Class %s, wait policy %s\n\n", place_label(c), w > md
	print "| queue | class | runs: 65536 / 1024 / RTT | Mitems/s, 65536 | stage 5 / this | Mitems/s, 1024 | stage 5 / this | RTT p50 ns | stage 5 RTT / this |" > md
	print "|---|---|--:|--:|--:|--:|--:|--:|--:|" > md
	for (i = 1; i <= nq; i++) {
		q = order[i]
		K = w "/" q
		printf "| %s | %s | %s / %s / %s | %s | %s | %s | %s | %s | %s |\n", q, place_tag(c), place_runs_note("tp/" K "/65536", c), \
			place_runs_note("tp/" K "/1024", c), place_runs_note("p50/" K, c), mmm("tp/" K "/65536", c), \
			(q == s5 ? "-" : r2(tp_ratio(c, w, q, 65536))), mmm("tp/" K "/1024", c), \
			(q == s5 ? "-" : r2(tp_ratio(c, w, q, 1024))), med("%.0f", "p50/" K, c), (q == s5 ? "-" : r2(rtt_ratio(c, w, q))) > md
	}
}

function bulk_table(md,    k, c, i, q, m, line) {
	printf "\n## Bulk operations: Mitems/s by batch size, median (min-max), wait policy %s\n\n", dw > md
	print "| queue | class | runs: single / batch 32 | single-item (throughput, 65536) | batch 1 | batch 8 | batch 32 | batch 256 | single-item / batch 32 |" > md
	print "|---|---|--:|--:|--:|--:|--:|--:|--:|" > md
	for (k = 1; k <= place_n; k++)
		for (i = 1; i <= nq; i++) {
			c = place_order[k]; q = order[i]
			if (!(q in hasbulk) || !runs("bulk/" q "/32", c)) continue
			line = sprintf("| %s | %s | %s / %s | %s", q, place_label(c), place_runs_note("tp/" dw "/" q "/65536", c), \
				place_runs_note("bulk/" q "/32", c), med("%.1f", "tp/" dw "/" q "/65536", c))
			for (m = 1; m <= nb; m++) line = line " | " mmm("bulk/" q "/" batches[m], c)
			print line sprintf(" | %s |", r2(single_bulk(c, q, 32))) > md
		}
	print "\nQueues without bulk operations (ck_ring, moodycamel's ReaderWriterQueue, stage 1) are not in this table; " \
	      "nor is a class without a batch-32 run." > md
}

# One target row: key's median against target (le: at most), in class c, with its pairs.
function target_row(md, what, c, key, target, le) {
	if (stat_n(key)) printf "| %s | %s | %s | %d | %s |\n", what, place_label(c), fmt("%.3f", stat_median(key)), \
		stat_n(key), verdict(stat_median(key), target, le) > md
}

function targets_table(md,    k, c, i, q, cap) {
	printf "\n## Targets under the wait policy %s, each a median of per-pair ratios within one class (three decimals: the verdict uses the exact value)\n\n", dw > md
	print "| target | class | measured | pairs (runs) | verdict |" > md
	print "|---|---|--:|--:|---|" > md
	for (k = 1; k <= place_n; k++) {
		c = place_order[k]
		for (i = 1; i <= nq; i++) {
			q = order[i]
			if (q == s5 || (q in is_extra)) continue
			for (cap = 65536; cap >= 1024; cap /= 64)
				target_row(md, "stage 5 / " q " throughput, capacity " cap ", >= 1", c, tp_ratio(c, dw, q, cap), 1, 0)
			target_row(md, "stage 5 / " q " RTT p50, <= 1", c, rtt_ratio(c, dw, q), 1, 1)
		}
		target_row(md, "stage 5 single-item / its batch-32 throughput, >= 0.5", c, single_bulk(c, s5, 32), 0.5, 0)
		target_row(md, "stage 5 RTT p50 / probe of the same run, <= 1.5", c, rtt_probe(c, dw, s5), 1.5, 1)
		target_row(md, "stage 5 >= 100 Mitems/s at capacity 65536", c, place_sample("tp/" dw "/" s5 "/65536", c), 100, 0)
	}
	print "\nA pair is two queues' runs of one round in the same class (each queue's median where it has several); " \
	      "the last row's count is of runs. A class with fewer than 5 pairs is too thin to judge a target by." > md
}

# Chart data (the default policy, the main class c): one line per queue.
function chart_data(c,    f, i, q, K) {
	f = dir "/peers-throughput.dat"
	print "# class " place_label(c) ": index queue median65536 min max median1024 min max runs65536 runs1024 (wait policy " dw ")" > f
	for (i = 1; i <= nq; i++) {
		q = order[i]
		K = "tp/" dw "/" q
		printf "%d %s %s %s %s %s %s %s %d %d\n", i, q, med("%.3f", K "/65536", c), fmt("%.3f", stat_min(place_sample(K "/65536", c))), \
			fmt("%.3f", stat_max(place_sample(K "/65536", c))), med("%.3f", K "/1024", c), \
			fmt("%.3f", stat_min(place_sample(K "/1024", c))), fmt("%.3f", stat_max(place_sample(K "/1024", c))), \
			runs(K "/65536", c), runs(K "/1024", c) > f
	}
	f = dir "/peers-rtt.dat"
	print "# class " place_label(c) ": index queue p50 p99 probe (ns, medians over its runs) runs (wait policy " dw ")" > f
	for (i = 1; i <= nq; i++) {
		q = order[i]
		K = dw "/" q
		printf "%d %s %s %s %s %d\n", i, q, med("%.0f", "p50/" K, c), med("%.0f", "p99/" K, c), med("%.0f", "lprobe/" K, c), runs("p50/" K, c) > f
	}
	printf "class %s: %s throughput runs at 65536, %s latency runs per queue\n", place_label(c), \
		place_range(each("tp/" dw, "/65536"), c), place_range(each("p50/" dw, ""), c) > chart
}

END {
	s5 = subject
	place_decide()
	md = dir "/peers.md"
	print "# Stage 5 beside established SPSC queues\n" > md
	print "Machine: " caption ".\n" > md
	others = ""
	for (j = 2; j <= nw; j++) others = others (j == 2 ? "" : j == nw ? " and " : ", ") wl[j]
	printf "Wait policies: %s (the default, in every table below unless named)%s. Rounds: %d. %s\n", \
		dw, (nw > 1 ? ", then " others : ""), rounds, place_summary() > md
	if (place_n == 0) { print "\nNo run of two threads had a probe: nothing to compare." > md; exit }
	main = place_ordered(each("tp/" dw, "/65536"))
	for (k = 1; k <= place_n; k++) if (class_has(place_order[k], dw)) class_table(md, place_order[k])
	printf "\nEvery figure is a median over the runs of its class, min-max over them; every ratio the median of " \
	       "per-pair ratios. RTT: ping-pong over two queues, the monotonic clock read per trip. seed-st: %s pushes then " \
	       "%s pops on one thread (no class). Instructions: callgrind, one thread, loop and sequence check included. " \
	       "peers.csv has every run.\n", count(seed_items), count(seed_items) > md
	for (j = 2; j <= nw; j++)
		for (k = 1; k <= place_n; k++) if (class_has(place_order[k], wl[j])) policy_table(md, place_order[k], wl[j])
	bulk_table(md)
	targets_table(md)
	print "\n" place_rule() > md
	chart_data(main)
}
