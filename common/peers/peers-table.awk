# common/peers/peers-table.awk: peers.md and the chart data from the rows of
# make bench-peers (bench.c's CSV, no header). Called by bench-peers.sh with
# -v dir=OUTDIR -v caption=... -v subject=STAGE -v baseline=STAGE, after
# common/bench/stats.awk. Every figure is a median over rounds;
# min-max is over rounds; every ratio is the median of per-round ratios (two
# queues in one round saw the same regime of the VM), never a ratio of
# medians.

# 1000000 -> "1M", 100000 -> "100k": an item count as the notes write it.
function count(n) { return n % 1000000 == 0 ? n / 1000000 "M" : n % 1000 == 0 ? n / 1000 "k" : n }

function verdict(v, target, le) { if (v == "") return "not measured"; return (le ? v <= target : v >= target) ? "met" : "missed" }

$1 == "stage" { next }
{
	q = $2
	if (!(q in seen)) { seen[q] = 1; order[++nq] = q }
	r = $4
	if (r > 0) rounds[r] = 1
}
$3 == "throughput" && $6 == "mitems_per_s" {
	# Stage 1 is unbounded: its one run per round stands for both capacities.
	if ($9 == 65536 || q == baseline) { tp[q, 65536, r] = $7; probe[q, r] = $11 }
	if ($9 == 1024 || q == baseline) tp[q, 1024, r] = $7
}
$3 == "latency" && $6 == "rtt_p50_ns" { p50[q, r] = $7; lprobe[q, r] = $11 }
$3 == "latency" && $6 == "rtt_p99_ns" { p99[q, r] = $7 }
$3 == "seed-st" && $6 == "total_ms" { stat_add("seed/" q, $7); seed_items = $10 }
$3 == "bulk" && $6 ~ /^bulk[0-9]+_mitems_per_s$/ {
	b = $6; sub(/^bulk/, "", b); sub(/_.*/, "", b)
	bulk[q, b, r] = $7; hasbulk[q] = 1
}
$6 == "instructions_per_pair" { ir[q] = $7 }

END {
	s5 = subject
	nb = split("1 8 32 256", batches, " ")
	for (r in rounds) {
		for (i = 1; i <= nq; i++) {
			q = order[i]
			for (c = 1024; c <= 65536; c *= 64)
				if ((q, c, r) in tp) {
					stat_add("tp/" q "/" c, tp[q, c, r])
					if ((s5, c, r) in tp && q != s5) stat_add("ratio/" q "/" c, tp[s5, c, r] / tp[q, c, r])
				}
			if ((q, r) in p50) {
				stat_add("p50/" q, p50[q, r]); stat_add("p99/" q, p99[q, r]); stat_add("lprobe/" q, lprobe[q, r])
				stat_add("rttprobe/" q, p50[q, r] / lprobe[q, r])
				if ((s5, r) in p50 && q != s5) stat_add("rttratio/" q, p50[s5, r] / p50[q, r])
			}
			for (k = 1; k <= nb; k++) {
				b = batches[k]
				if ((q, b, r) in bulk) {
					stat_add("bulk/" q "/" b, bulk[q, b, r])
					if ((q, 65536, r) in tp) stat_add("bulkx/" q "/" b, bulk[q, b, r] / tp[q, 65536, r])
				}
			}
			if ((q, r) in probe) stat_add("probe/" q, probe[q, r])
		}
		if ((s5, 65536, r) in tp && probe[s5, r] < 200) stat_add("fast", tp[s5, 65536, r])
	}

	md = dir "/peers.md"
	print "# Stage 5 beside established SPSC queues\n" > md
	print "Machine: " caption ".\n" > md
	print "| queue | throughput Mitems/s, capacity 65536: median (min-max) | stage 5 / this | capacity 1024: median (min-max) | stage 5 / this | RTT p50 ns | RTT p99 ns | stage 5 RTT p50 / this | RTT p50 / probe | seed-st total ms | instr per push+pop |" > md
	print "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|" > md
	for (i = 1; i <= nq; i++) {
		q = order[i]
		printf "| %s | %s (%s-%s) | %s | %s (%s-%s) | %s | %s | %s | %s | %s | %s | %s |\n", q, \
			fmt("%.1f", stat_median("tp/" q "/65536")), fmt("%.1f", stat_min("tp/" q "/65536")), fmt("%.1f", stat_max("tp/" q "/65536")), \
			(q == s5 ? "-" : fmt("%.2f", stat_median("ratio/" q "/65536"))), \
			fmt("%.1f", stat_median("tp/" q "/1024")), fmt("%.1f", stat_min("tp/" q "/1024")), fmt("%.1f", stat_max("tp/" q "/1024")), \
			(q == s5 ? "-" : fmt("%.2f", stat_median("ratio/" q "/1024"))), \
			fmt("%.0f", stat_median("p50/" q)), fmt("%.0f", stat_median("p99/" q)), \
			(q == s5 ? "-" : fmt("%.2f", stat_median("rttratio/" q))), fmt("%.2f", stat_median("rttprobe/" q)), \
			fmt("%.2f", stat_median("seed/" q)), ((q in ir) ? ir[q] : "-") > md
	}
	printf "\nRounds: %d. Probe (two-line round trip before each stage-5 throughput run): median %s ns (%s-%s). " \
	       "Every figure is a median over rounds, min-max over rounds; every ratio is the median of per-round " \
	       "ratios. RTT: ping-pong over two queues, clock_gettime per trip. seed-st: %s pushes then %s pops on " \
	       "one thread. Instructions: callgrind, one thread, loop and sequence check included. peers.csv has every run.\n", \
	       length(rounds), fmt("%.0f", stat_median("probe/" s5)), fmt("%.0f", stat_min("probe/" s5)), fmt("%.0f", stat_max("probe/" s5)), \
	       count(seed_items), count(seed_items) > md

	print "\n## Bulk operations: Mitems/s by batch size, median (min-max)\n" > md
	print "| queue | single-item (throughput, 65536) | batch 1 | batch 8 | batch 32 | batch 256 | batch 32 / single-item |" > md
	print "|---|--:|--:|--:|--:|--:|--:|" > md
	for (i = 1; i <= nq; i++) {
		q = order[i]
		if (!(q in hasbulk)) continue
		line = sprintf("| %s | %s", q, fmt("%.1f", stat_median("tp/" q "/65536")))
		for (k = 1; k <= nb; k++) {
			b = batches[k]
			line = line sprintf(" | %s (%s-%s)", fmt("%.1f", stat_median("bulk/" q "/" b)), fmt("%.0f", stat_min("bulk/" q "/" b)), fmt("%.0f", stat_max("bulk/" q "/" b)))
		}
		print line sprintf(" | %s |", fmt("%.2f", stat_median("bulkx/" q "/32"))) > md
	}
	print "\nQueues without bulk operations (ck_ring, moodycamel's ReaderWriterQueue, stage 1) are not in this table." > md

	print "\n## Targets, each a median of per-round ratios (three decimals: the verdict uses the exact value)\n" > md
	print "| target | measured | rounds | verdict |" > md
	print "|---|--:|--:|---|" > md
	for (i = 1; i <= nq; i++) {
		q = order[i]
		if (q == s5) continue
		for (c = 65536; c >= 1024; c /= 64)
			printf "| stage 5 / %s throughput, capacity %d, >= 1 | %s | %d | %s |\n", q, c, \
				fmt("%.3f", stat_median("ratio/" q "/" c)), stat_n("ratio/" q "/" c), verdict(stat_median("ratio/" q "/" c), 1, 0) > md
	}
	printf "| stage 5 >= 100 Mitems/s in fast-regime rounds (probe < 200 ns) | %s | %d | %s |\n", \
		(stat_n("fast") ? sprintf("%.1f", stat_median("fast")) : "no fast round"), stat_n("fast"), \
		(stat_n("fast") ? verdict(stat_median("fast"), 100, 0) : "not measurable in this run") > md
	for (i = 1; i <= nq; i++) {
		q = order[i]
		if (q == s5) continue
		printf "| stage 5 / %s RTT p50, <= 1 | %s | %d | %s |\n", q, fmt("%.3f", stat_median("rttratio/" q)), \
			stat_n("rttratio/" q), verdict(stat_median("rttratio/" q), 1, 1) > md
	}
	printf "| stage 5 RTT p50 / probe of the same round, <= 1.5 | %s | %d | %s |\n", fmt("%.2f", stat_median("rttprobe/" s5)), \
		stat_n("rttprobe/" s5), verdict(stat_median("rttprobe/" s5), 1.5, 1) > md
	printf "| stage 5 batch 32 / single-item throughput, >= 4 | %s | %d | %s |\n", fmt("%.2f", stat_median("bulkx/" s5 "/32")), \
		stat_n("bulkx/" s5 "/32"), verdict(stat_median("bulkx/" s5 "/32"), 4, 0) > md

	# Chart data: one line per queue.
	f = dir "/peers-throughput.dat"
	print "# index queue median65536 min max median1024 min max" > f
	for (i = 1; i <= nq; i++) {
		q = order[i]
		printf "%d %s %.3f %.3f %.3f %.3f %.3f %.3f\n", i, q, stat_median("tp/" q "/65536"), stat_min("tp/" q "/65536"), stat_max("tp/" q "/65536"), \
			stat_median("tp/" q "/1024"), stat_min("tp/" q "/1024"), stat_max("tp/" q "/1024") > f
	}
	f = dir "/peers-rtt.dat"
	print "# index queue p50 p99 probe (ns, medians over rounds)" > f
	for (i = 1; i <= nq; i++) {
		q = order[i]
		printf "%d %s %.0f %.0f %.0f\n", i, q, stat_median("p50/" q), stat_median("p99/" q), stat_median("lprobe/" q) > f
	}
}
