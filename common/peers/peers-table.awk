# common/peers/peers-table.awk: peers.md and the chart data from the rows of
# make bench-peers (the driver's CSV, read by column name). Called by
# bench-peers.sh with -v dir=OUTDIR -v caption=... -v subject=STAGE
# -v baseline=STAGE -v waits="POLICY..." (the default first), after
# common/bench/csv.awk, stats.awk and regime.awk. Every figure is a median
# over rounds; min-max is over rounds; every ratio is the median of
# per-round ratios (stats.awk's ratio_sample: two queues in one round saw
# the same regime of the VM), never a ratio of medians. Each round is in
# the regime of its probe (the median probe of its throughput runs); a
# regime with at least 5 rounds gets its own ratios.

# 1000000 -> "1M", 100000 -> "100k": an item count as the notes write it.
function count(n) { return n % 1000000 == 0 ? n / 1000000 "M" : n % 1000 == 0 ? n / 1000 "k" : n }
function verdict(v, target, le) { if (v == "") return "not measured"; return (le ? v <= target : v >= target) ? "met" : "missed" }
# "median (min-max)" of a sample, one decimal.
function mmm(key) { return sprintf("%s (%s-%s)", fmt("%.1f", stat_median(key)), fmt("%.1f", stat_min(key)), fmt("%.1f", stat_max(key))) }

BEGIN { nw = split(waits, wl, " "); dw = wl[1] }
csv_skip() { next }
{
	q = col("stage_name"); r = col("round"); w = col("wait"); sub(/:.*/, "", w)
	wl_ = col("workload"); m = col("metric"); v = col("value"); cap = col("capacity")
	if (!(q in seen)) { seen[q] = 1; order[++nq] = q }
	if (r > 0) rounds[r] = 1
}
wl_ == "throughput" && m == "mitems_per_s" {
	# The baseline is unbounded: its one run per round stands for both capacities.
	if (cap == 65536 || q == baseline) { tp[q, w, 65536, r] = v; round_put("tp/" w "/" q "/65536", r, v) }
	if (cap == 1024 || q == baseline) { tp[q, w, 1024, r] = v; round_put("tp/" w "/" q "/1024", r, v) }
	regime_probe(r, col("probe_ns"))
	if (q == subject && w == dw && cap == 65536) s5probe[r] = col("probe_ns")
}
wl_ == "latency" && m == "rtt_p50_ns" {
	p50[q, w, r] = v; lprobe[q, w, r] = col("probe_ns")
	round_put("p50/" w "/" q, r, v); round_put("lprobe/" w "/" q, r, col("probe_ns"))
}
wl_ == "latency" && m == "rtt_p99_ns" { p99[q, w, r] = v }
wl_ == "seed-st" && m == "total_ms" { stat_add("seed/" q, v); seed_items = col("items") }
wl_ == "bulk" && m ~ /^bulk[0-9]+_mitems_per_s$/ {
	b = m; sub(/^bulk/, "", b); sub(/_.*/, "", b)
	bulk[q, b, r] = v; hasbulk[q] = 1; round_put("bulk/" q "/" b, r, v)
}
m == "instructions_per_pair" { ir[q] = v }

# The per-round ratios of the tables (stats.awk), in group G (a regime, or "all"):
# stage 5's throughput over q's at capacity c, its RTT p50 over q's, q's RTT p50
# over the probe of its run, and q's single-item throughput over its batch-b one.
function tp_ratio(G, w, q, c) { return ratio_sample("tp/" w "/" s5 "/" c, "tp/" w "/" q "/" c, G) }
function rtt_ratio(G, w, q) { return ratio_sample("p50/" w "/" s5, "p50/" w "/" q, G) }
function rtt_probe(G, w, q) { return ratio_sample("p50/" w "/" q, "lprobe/" w "/" q, G) }
function single_bulk(G, q, b) { return ratio_sample("tp/" dw "/" q "/65536", "bulk/" q "/" b, G) }

END {
	s5 = subject
	nb = split("1 8 32 256", batches, " ")
	split("fast slow", gs, " ")
	regime_rounds()
	nr["fast"] = regime_count["fast"]; nr["slow"] = regime_count["slow"]
	# Every sample under "/all/" and under its regime's name.
	for (r in rounds) {
		g = round_group[r]
		for (k = 0; k <= 1; k++) {
			G = k ? g : "all"
			for (j = 1; j <= nw; j++) {
				w = wl[j]
				for (i = 1; i <= nq; i++) {
					q = order[i]
					for (c = 1024; c <= 65536; c *= 64)
						if ((q, w, c, r) in tp) stat_add("tp/" G "/" w "/" q "/" c, tp[q, w, c, r])
					if ((q, w, r) in p50) {
						stat_add("p50/" G "/" w "/" q, p50[q, w, r]); stat_add("p99/" G "/" w "/" q, p99[q, w, r])
						stat_add("lprobe/" G "/" w "/" q, lprobe[q, w, r])
					}
				}
			}
			for (i = 1; i <= nq; i++) {
				q = order[i]
				for (m = 1; m <= nb; m++) {
					b = batches[m]
					if ((q, b, r) in bulk) stat_add("bulk/" G "/" q "/" b, bulk[q, b, r])
				}
			}
			if (r in s5probe) {
				stat_add("probe/" G, s5probe[r])
				if ((s5, dw, 65536, r) in tp) stat_add("s5tp/" G, tp[s5, dw, 65536, r])
			}
		}
	}
	mix = regime_mix()

	md = dir "/peers.md"
	print "# Stage 5 beside established SPSC queues\n" > md
	print "Machine: " caption ".\n" > md
	others = ""
	for (j = 2; j <= nw; j++) others = others (j == 2 ? "" : j == nw ? " and " : ", ") wl[j]
	printf "Wait policies: %s (the default, in every table below unless named)%s. Rounds: %d (%s); %s.\n\n", \
		dw, (nw > 1 ? ", then " others : ""), length(rounds), mix, regime_note() > md
	print "| queue | throughput Mitems/s, capacity 65536: median (min-max) | stage 5 / this | capacity 1024: median (min-max) | stage 5 / this | RTT p50 ns | RTT p99 ns | stage 5 RTT p50 / this | RTT p50 / probe | seed-st total ms | instr per push+pop | rounds (regime) |" > md
	print "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|" > md
	for (i = 1; i <= nq; i++) {
		q = order[i]
		K = "/all/" dw "/" q
		printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | all %d (%s) |\n", q, \
			mmm("tp" K "/65536"), (q == s5 ? "-" : fmt("%.2f", stat_median(tp_ratio("all", dw, q, 65536)))), \
			mmm("tp" K "/1024"), (q == s5 ? "-" : fmt("%.2f", stat_median(tp_ratio("all", dw, q, 1024)))), \
			fmt("%.0f", stat_median("p50" K)), fmt("%.0f", stat_median("p99" K)), \
			(q == s5 ? "-" : fmt("%.2f", stat_median(rtt_ratio("all", dw, q)))), fmt("%.2f", stat_median(rtt_probe("all", dw, q))), \
			fmt("%.2f", stat_median("seed/" q)), ((q in ir) ? ir[q] : "-"), stat_n("tp" K "/65536"), mix > md
	}
	printf "\nProbe (two-line round trip before each stage-5 throughput run): median %s ns (%s-%s). " \
	       "Every figure is a median over rounds, min-max over rounds; every ratio is the median of per-round " \
	       "ratios. RTT: ping-pong over two queues, the monotonic clock read per trip. seed-st: %s pushes then %s pops on " \
	       "one thread. Instructions: callgrind, one thread, loop and sequence check included. peers.csv has every run.\n", \
	       fmt("%.0f", stat_median("probe/all")), fmt("%.0f", stat_min("probe/all")), fmt("%.0f", stat_max("probe/all")), \
	       count(seed_items), count(seed_items) > md

	# The regimes apart, under the default policy.
	for (k = 1; k <= 2; k++) {
		g = gs[k]
		if (nr[g] < 5) continue
		printf "\n## The %s regime alone (%d rounds), wait policy %s\n\n", g, nr[g], dw > md
		print "| queue | regime | Mitems/s, 65536 | stage 5 / this | Mitems/s, 1024 | stage 5 / this | RTT p50 ns | stage 5 RTT / this |" > md
		print "|---|---|--:|--:|--:|--:|--:|--:|" > md
		for (i = 1; i <= nq; i++) {
			q = order[i]
			K = "/" g "/" dw "/" q
			printf "| %s | %s | %s | %s | %s | %s | %s | %s |\n", q, g, mmm("tp" K "/65536"), \
				(q == s5 ? "-" : fmt("%.2f", stat_median(tp_ratio(g, dw, q, 65536)))), mmm("tp" K "/1024"), \
				(q == s5 ? "-" : fmt("%.2f", stat_median(tp_ratio(g, dw, q, 1024)))), fmt("%.0f", stat_median("p50" K)), \
				(q == s5 ? "-" : fmt("%.2f", stat_median(rtt_ratio(g, dw, q)))) > md
		}
	}

	# The other policies, all rounds.
	for (j = 2; j <= nw; j++) {
		w = wl[j]
		printf "\n## The same queues under the wait policy %s\n\n", w > md
		print "| queue | Mitems/s, 65536 | stage 5 / this | Mitems/s, 1024 | stage 5 / this | RTT p50 ns | stage 5 RTT / this | RTT p50 / its own under " dw " |" > md
		print "|---|--:|--:|--:|--:|--:|--:|--:|" > md
		for (i = 1; i <= nq; i++) {
			q = order[i]
			K = "/all/" w "/" q
			printf "| %s | %s | %s | %s | %s | %s | %s | %s |\n", q, mmm("tp" K "/65536"), \
				(q == s5 ? "-" : fmt("%.2f", stat_median(tp_ratio("all", w, q, 65536)))), mmm("tp" K "/1024"), \
				(q == s5 ? "-" : fmt("%.2f", stat_median(tp_ratio("all", w, q, 1024)))), fmt("%.0f", stat_median("p50" K)), \
				(q == s5 ? "-" : fmt("%.2f", stat_median(rtt_ratio("all", w, q)))), \
				(stat_median("p50/all/" dw "/" q) > 0 ? fmt("%.2f", stat_median("p50" K) / stat_median("p50/all/" dw "/" q)) : "-") > md
		}
	}

	printf "\n## Bulk operations: Mitems/s by batch size, median (min-max), wait policy %s\n\n", dw > md
	print "| queue | single-item (throughput, 65536) | batch 1 | batch 8 | batch 32 | batch 256 | single-item / batch 32 |" > md
	print "|---|--:|--:|--:|--:|--:|--:|" > md
	for (i = 1; i <= nq; i++) {
		q = order[i]
		if (!(q in hasbulk)) continue
		line = sprintf("| %s | %s", q, fmt("%.1f", stat_median("tp/all/" dw "/" q "/65536")))
		for (m = 1; m <= nb; m++) {
			b = batches[m]
			line = line sprintf(" | %s (%s-%s)", fmt("%.1f", stat_median("bulk/all/" q "/" b)), fmt("%.0f", stat_min("bulk/all/" q "/" b)), fmt("%.0f", stat_max("bulk/all/" q "/" b)))
		}
		print line sprintf(" | %s |", fmt("%.2f", stat_median(single_bulk("all", q, 32)))) > md
	}
	print "\nQueues without bulk operations (ck_ring, moodycamel's ReaderWriterQueue, stage 1) are not in this table." > md

	printf "\n## Targets under the wait policy %s, each a median of per-round ratios (three decimals: the verdict uses the exact value)\n\n", dw > md
	print "| target | regime | measured | rounds | verdict |" > md
	print "|---|---|--:|--:|---|" > md
	for (k = 0; k <= 2; k++) {
		G = k ? gs[k] : "all"
		if (k && nr[G] < 5) continue
		R = k ? G : "all (" mix ")"
		for (i = 1; i <= nq; i++) {
			q = order[i]
			if (q == s5) continue
			for (c = 65536; c >= 1024; c /= 64) {
				key = tp_ratio(G, dw, q, c)
				printf "| stage 5 / %s throughput, capacity %d, >= 1 | %s | %s | %d | %s |\n", q, c, R, \
					fmt("%.3f", stat_median(key)), stat_n(key), verdict(stat_median(key), 1, 0) > md
			}
			key = rtt_ratio(G, dw, q)
			printf "| stage 5 / %s RTT p50, <= 1 | %s | %s | %d | %s |\n", q, R, fmt("%.3f", stat_median(key)), \
				stat_n(key), verdict(stat_median(key), 1, 1) > md
		}
		key = single_bulk(G, s5, 32)
		printf "| stage 5 single-item / its batch-32 throughput, >= 0.5 | %s | %s | %d | %s |\n", R, \
			fmt("%.3f", stat_median(key)), stat_n(key), verdict(stat_median(key), 0.5, 0) > md
		key = rtt_probe(G, dw, s5)
		printf "| stage 5 RTT p50 / probe of the same round, <= 1.5 | %s | %s | %d | %s |\n", R, \
			fmt("%.2f", stat_median(key)), stat_n(key), verdict(stat_median(key), 1.5, 1) > md
	}
	printf "| stage 5 >= 100 Mitems/s at capacity 65536 in fast-regime rounds | fast | %s | %d | %s |\n", \
		(stat_n("s5tp/fast") ? sprintf("%.1f", stat_median("s5tp/fast")) : "no fast round"), stat_n("s5tp/fast"), \
		(stat_n("s5tp/fast") ? verdict(stat_median("s5tp/fast"), 100, 0) : "not measurable in this run") > md

	# Chart data (the default policy): one line per queue.
	f = dir "/peers-throughput.dat"
	print "# index queue median65536 min max median1024 min max (wait policy " dw ")" > f
	for (i = 1; i <= nq; i++) {
		q = order[i]
		K = "tp/all/" dw "/" q
		printf "%d %s %.3f %.3f %.3f %.3f %.3f %.3f\n", i, q, stat_median(K "/65536"), stat_min(K "/65536"), stat_max(K "/65536"), \
			stat_median(K "/1024"), stat_min(K "/1024"), stat_max(K "/1024") > f
	}
	f = dir "/peers-rtt.dat"
	print "# index queue p50 p99 probe (ns, medians over rounds; wait policy " dw ")" > f
	for (i = 1; i <= nq; i++) {
		q = order[i]
		K = "/all/" dw "/" q
		printf "%d %s %.0f %.0f %.0f\n", i, q, stat_median("p50" K), stat_median("p99" K), stat_median("lprobe" K) > f
	}
}
