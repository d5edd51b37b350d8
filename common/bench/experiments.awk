# common/bench/experiments.awk: experiments.csv (from experiments.sh) into
# experiments.md. Every figure is a median over rounds; every comparison a
# median of per-round ratios (stats.awk's ratio_median). Variables:
# perf_ok, seed, tp_items, waits (the driver's wait policies, in order).
# Loaded after csv.awk and stats.awk: the rows are the driver's, read by
# column name, with the variant's name in a first column.

# The median over rounds of a's value over b's in the same round (round_put keys).
function ratio(a, b) { return fmt("%.2f", ratio_median(a, b, "all")) }
function tp(v, cap,    k) { k = v SUBSEP cap SUBSEP "tp"; return sprintf("%.1f (%.1f-%.1f)", stat_median(k), stat_min(k), stat_max(k)) }

csv_skip() { next }
{
	v = col("variant"); w = col("workload"); r = col("round") + 0; m = col("metric"); x = col("value") + 0; cap = col("capacity")
	pol = col("wait"); sub(/:.*/, "", pol)
	if (r > rounds) rounds = r
	# The counting builds run under every wait policy: their samples carry it.
	if (v ~ /-count$/) { vw = v SUBSEP pol; pols[pol] = 1 } else vw = v
	if (v == "stage1-mutex-count") cap = 65536 # unbounded: its one run (it grows from 4) is listed with the large rings
}
w == "throughput" && m == "mitems_per_s" {
	stat_add(vw SUBSEP cap SUBSEP "tp", x)
	if (cap == 65536 && vw == v) round_put("tp:" v, r, x)
	tp_of[vw, cap, r] = x
	probe_of[vw, cap, r] = col("probe_ns")
}
w == "throughput" && m ~ /_per_mitem$/ { stat_add(vw SUBSEP cap SUBSEP m, x); per[vw SUBSEP cap SUBSEP r SUBSEP m] = x }
w == "seed-st" && m == "send_ms" { stat_add(v SUBSEP "push", x * 1e6 / seed); round_put("push:" v, r, x) }
w == "seed-st" && m == "receive_ms" { stat_add(v SUBSEP "pop", x * 1e6 / seed); round_put("pop:" v, r, x) }
w == "latency" && m == "rtt_p50_ns" { stat_add(v SUBSEP "p50", x); round_put("p50:" v, r, x) }
w == "latency" && m == "rtt_p99_ns" { stat_add(v SUBSEP "p99", x) }
w ~ /^kernel-/ { stat_add(v SUBSEP w SUBSEP m, x) }

END {
	print "# Experiments: what the notes quote beyond the progression table"
	print ""
	print "From `make bench-experiments` (common/bench/experiments.sh). " rounds " interleaved rounds; every figure is a median over rounds (min-max in brackets), every ratio the median of per-round ratios. Throughput at capacity 65536 unless a table says otherwise; seed-st is one thread, " seed " pushes then " seed " pops."
	print ""

	print "## 1. What ordering costs: acquire/release against seq_cst"
	print ""
	print "| build | throughput Mitems/s | seed-st ns per push | seed-st ns per pop |"
	print "|---|--:|--:|--:|"
	n = split("stage3-atomics stage3-atomics-seq-cst stage5-waitfree stage5-waitfree-seq-cst", o, " ")
	for (i = 1; i <= n; i++)
		printf "| %s | %s | %.2f | %.2f |\n", o[i], tp(o[i], 65536), stat_median(o[i] SUBSEP "push"), stat_median(o[i] SUBSEP "pop")
	print ""
	print "| ratio (seq_cst / acquire-release) | throughput | seed-st push time | seed-st pop time |"
	print "|---|--:|--:|--:|"
	printf "| stage 3 | %s | %s | %s |\n", ratio("tp:stage3-atomics-seq-cst", "tp:stage3-atomics"), ratio("push:stage3-atomics-seq-cst", "push:stage3-atomics"), ratio("pop:stage3-atomics-seq-cst", "pop:stage3-atomics")
	printf "| stage 5 | %s | %s | %s |\n", ratio("tp:stage5-waitfree-seq-cst", "tp:stage5-waitfree"), ratio("push:stage5-waitfree-seq-cst", "push:stage5-waitfree"), ratio("pop:stage5-waitfree-seq-cst", "pop:stage5-waitfree")
	print ""

	print "## 2. What padding buys: one shared line, 64-byte lines, 128-byte lines"
	print ""
	print "| build | throughput Mitems/s | RTT p50 ns | RTT p99 ns |"
	print "|---|--:|--:|--:|"
	n = split("stage3-atomics stage4-cache-padded stage4-cache-padded-line128 stage5-waitfree stage5-waitfree-line128", o, " ")
	for (i = 1; i <= n; i++)
		printf "| %s | %s | %.0f | %.0f |\n", o[i], tp(o[i], 65536), stat_median(o[i] SUBSEP "p50"), stat_median(o[i] SUBSEP "p99")
	print ""
	print "| ratio | throughput | RTT p50 |"
	print "|---|--:|--:|"
	printf "| stage 4 / stage 3 (false sharing removed) | %s | %s |\n", ratio("tp:stage4-cache-padded", "tp:stage3-atomics"), ratio("p50:stage4-cache-padded", "p50:stage3-atomics")
	printf "| stage 4 at 128 / at 64 bytes | %s | %s |\n", ratio("tp:stage4-cache-padded-line128", "tp:stage4-cache-padded"), ratio("p50:stage4-cache-padded-line128", "p50:stage4-cache-padded")
	printf "| stage 5 at 128 / at 64 bytes | %s | %s |\n", ratio("tp:stage5-waitfree-line128", "tp:stage5-waitfree"), ratio("p50:stage5-waitfree-line128", "p50:stage5-waitfree")
	print ""

	print "## 3. Who waits, and who touches the other side's counter, under each wait policy"
	print ""
	print "Counting build (-DBENCH_COUNT): per million items moved, under each wait policy of the driver (`--wait`). In stages 3 and 4 every attempt, successful or not, loads the other side's counter; stage 5 loads it only on a reload; stages 1 and 2 read both counters under the lock on every attempt. The last column is how many items the consumer takes per load of `tail`: a consumer that has caught up with the producer loads it every few items, and the two sides then share the line being written (the slow mode)."
	print ""
	print "| build | wait | capacity | throughput Mitems/s | producer found full | consumer found empty | producer loads of head | consumer loads of tail | items per load of tail |"
	print "|---|---|--:|--:|--:|--:|--:|--:|--:|"
	n = split("stage1-mutex-count stage2-ring-count stage3-atomics-count stage4-cache-padded-count stage5-waitfree-count", o, " ")
	np = split(waits, pl, " ")
	for (p = 1; p <= np; p++) {
		if (!(pl[p] in pols)) continue
		for (c = 1; c <= 2; c++) {
			cap = c == 1 ? 65536 : 1024
			for (i = 1; i <= n; i++) {
				k = o[i] SUBSEP pl[p]
				if (!stat_n(k SUBSEP cap SUBSEP "tp")) continue
				full = stat_median(k SUBSEP cap SUBSEP "push_full_per_mitem"); empty = stat_median(k SUBSEP cap SUBSEP "pop_empty_per_mitem")
				if (o[i] == "stage5-waitfree-count") {
					ph = stat_median(k SUBSEP cap SUBSEP "push_reloads_per_mitem"); ct = stat_median(k SUBSEP cap SUBSEP "pop_reloads_per_mitem")
				} else if (o[i] ~ /^stage[12]-/) {
					ph = ct = ""
				} else {
					ph = 1e6 + full; ct = 1e6 + empty
				}
				printf "| %s | %s | %d | %s | %.0f | %.0f | %s | %s | %s |\n", o[i], pl[p], cap, tp(k, cap), full, empty, \
					fmt("%.0f", ph), fmt("%.0f", ct), (ct > 0 ? sprintf("%.1f", 1e6 / ct) : "-")
			}
		}
	}
	print ""
	print "Stage 5 under the spin policy, every run, fastest first: how many items the consumer took per reload of `tail` (it reloads when it has caught up with the producer), how many the producer pushed per reload of `head` (when it found the ring full), and the probe taken before the run."
	for (c = 1; c <= 2; c++) {
		cap = c == 1 ? 65536 : 1024
		printf "\n| capacity | round | throughput Mitems/s | items per consumer reload | items per producer reload | probe ns |\n"
		print "|--:|--:|--:|--:|--:|--:|"
		n = 0
		s5 = "stage5-waitfree-count" SUBSEP "spin"
		for (r = 1; r <= rounds; r++) {
			k = s5 SUBSEP cap SUBSEP r
			if (!(k in tp_of)) continue
			order[++n] = r
			for (i = n; i > 1 && tp_of[s5 SUBSEP cap SUBSEP order[i - 1]] < tp_of[k]; i--) { t = order[i]; order[i] = order[i - 1]; order[i - 1] = t }
		}
		for (i = 1; i <= n; i++) {
			k = s5 SUBSEP cap SUBSEP order[i]
			pr = per[k SUBSEP "pop_reloads_per_mitem"]; hr = per[k SUBSEP "push_reloads_per_mitem"]
			printf "| %d | %d | %.1f | %s | %s | %.0f |\n", cap, order[i], tp_of[k], (pr > 0) ? sprintf("%.1f", 1e6 / pr) : "-",
				(hr > 0) ? sprintf("%.0f", 1e6 / hr) : "never", probe_of[k]
		}
	}
	print ""

	print "## 4. What the lock costs the kernel"
	print ""
	if (perf_ok != "yes") {
		print "n/a: perf (Debian package linux-perf) is not installed, or cannot trace system calls here."
		exit
	}
	print "perf stat software events, whole process, median of 3; `probe` is the baseline (two threads started and joined, no queue) already subtracted from the two-thread runs."
	print ""
	print "| stage | workload | items | futex calls | per 1000 items | context switches | page faults |"
	print "|---|---|--:|--:|--:|--:|--:|"
	n = split("stage1-mutex stage2-ring stage3-atomics", o, " ")
	split("seed-st seed-mt throughput", ws, " ")
	split(seed " 100000 " tp_items, items, " ")
	for (i = 1; i <= n; i++)
		for (j = 1; j <= 3; j++) {
			base_f = j == 1 ? 0 : stat_median(o[i] SUBSEP "kernel-baseline" SUBSEP "futex")
			base_c = j == 1 ? 0 : stat_median(o[i] SUBSEP "kernel-baseline" SUBSEP "context-switches")
			f = stat_median(o[i] SUBSEP "kernel-" ws[j] SUBSEP "futex") - base_f
			cs = stat_median(o[i] SUBSEP "kernel-" ws[j] SUBSEP "context-switches") - base_c
			printf "| %s | %s | %d | %.0f | %.2f | %.0f | %.0f |\n", o[i], ws[j], items[j], f, f * 1000 / items[j], cs,
				stat_median(o[i] SUBSEP "kernel-" ws[j] SUBSEP "page-faults")
		}
	printf "\nBaseline (probe run): %.0f futex calls, %.0f context switches, %.0f page faults.\n",
		stat_median("stage1-mutex" SUBSEP "kernel-baseline" SUBSEP "futex"), stat_median("stage1-mutex" SUBSEP "kernel-baseline" SUBSEP "context-switches"),
		stat_median("stage1-mutex" SUBSEP "kernel-baseline" SUBSEP "page-faults")
}
