# common/bench/experiments.awk: experiments.csv (from experiments.sh) into
# experiments.md. Variables: perf_ok, seed, tp_items, waits (the driver's
# wait policies, in order). Loaded after csv.awk, stats.awk and
# placement.awk: the rows are the driver's, read by column name, with the
# variant's name in a first column.
#
# Every run of two threads is filed in the placement class of its two
# probes (placement.awk); a run that moved is left out and counted. Every
# figure of two threads is a median over the runs of one class (min-max
# in brackets), every comparison the median of per-pair ratios (the two
# builds' runs of one round in the same class), a table per class, the
# main one first. seed-st (one thread) and the kernel's counts have no
# class: their comparisons are medians of per-round ratios.

# The median of per-pair ratios of a's value over b's in class c, and the pairs.
function ratio(a, b, c,    k) { k = place_ratio(a, b, c); return fmt("%.2f", stat_median(k)) " (" stat_n(k) ")" }
# The same for the one-thread figures (seed-st), round by round.
function ratio1(a, b,    k) { k = cell_ratio(a, b, "one thread"); return fmt("%.2f", stat_median(k)) }
function tp(v, cap, c) { return place_mmm("%.1f", v SUBSEP cap SUBSEP "tp", c) }
function runs(key, c) { return place_runs_note(key, c) }

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
	place_put(vw SUBSEP cap SUBSEP "tp", x)
	k = vw SUBSEP cap SUBSEP r
	tp_of[k] = x; probe_of[k] = col("probe_ns"); after_of[k] = col("probe_after_ns")
}
w == "throughput" && m ~ /_per_mitem$/ { place_put(vw SUBSEP cap SUBSEP m, x); per[vw SUBSEP cap SUBSEP r SUBSEP m] = x }
w == "seed-st" && m == "send_ms" { stat_add(v SUBSEP "push", x * 1e6 / seed); cell_put("push:" v, r, "one thread", x) }
w == "seed-st" && m == "receive_ms" { stat_add(v SUBSEP "pop", x * 1e6 / seed); cell_put("pop:" v, r, "one thread", x) }
w == "latency" && m == "rtt_p50_ns" { place_put(v SUBSEP "p50", x) }
w == "latency" && m == "rtt_p99_ns" { place_put(v SUBSEP "p99", x) }
w ~ /^kernel-/ { stat_add(v SUBSEP w SUBSEP m, x) }

function ordering(    n, o, i, k, c, s3, s5) {
	print "## 1. What ordering costs: acquire/release against seq_cst\n"
	print "| build | class | throughput runs | throughput Mitems/s | seed-st ns per push (one thread) | seed-st ns per pop (one thread) |"
	print "|---|---|--:|--:|--:|--:|"
	n = split("stage3-atomics stage3-atomics-seq-cst stage5-waitfree stage5-waitfree-seq-cst", o, " ")
	for (k = 1; k <= place_n; k++)
		for (i = 1; i <= n; i++) {
			c = place_order[k]
			printf "| %s | %s | %s | %s | %.2f | %.2f |\n", o[i], place_label(c), runs(o[i] SUBSEP 65536 SUBSEP "tp", c), \
				tp(o[i], 65536, c), stat_median(o[i] SUBSEP "push"), stat_median(o[i] SUBSEP "pop")
		}
	print "\n| ratio (seq_cst / acquire-release) | class | throughput (pairs) | seed-st push time (one thread) | seed-st pop time (one thread) |"
	print "|---|---|--:|--:|--:|"
	s3 = "stage3-atomics"; s5 = "stage5-waitfree"
	for (k = 1; k <= place_n; k++) {
		c = place_order[k]
		printf "| stage 3 | %s | %s | %s | %s |\n", place_label(c), ratio(s3 "-seq-cst" SUBSEP 65536 SUBSEP "tp", s3 SUBSEP 65536 SUBSEP "tp", c), \
			ratio1("push:" s3 "-seq-cst", "push:" s3), ratio1("pop:" s3 "-seq-cst", "pop:" s3)
		printf "| stage 5 | %s | %s | %s | %s |\n", place_label(c), ratio(s5 "-seq-cst" SUBSEP 65536 SUBSEP "tp", s5 SUBSEP 65536 SUBSEP "tp", c), \
			ratio1("push:" s5 "-seq-cst", "push:" s5), ratio1("pop:" s5 "-seq-cst", "pop:" s5)
	}
	print ""
}

# One row of section 2's ratios: a over b, throughput and RTT p50, in class c.
function padding_ratio(what, a, b, c) {
	printf "| %s | %s | %s | %s |\n", what, place_label(c), ratio(a SUBSEP 65536 SUBSEP "tp", b SUBSEP 65536 SUBSEP "tp", c), \
		ratio(a SUBSEP "p50", b SUBSEP "p50", c)
}

function padding(    n, o, i, k, c) {
	print "## 2. What padding buys: one shared line, 64-byte lines, 128-byte lines\n"
	print "| build | class | runs: throughput / RTT | throughput Mitems/s | RTT p50 ns | RTT p99 ns |"
	print "|---|---|--:|--:|--:|--:|"
	n = split("stage3-atomics stage4-cache-padded stage4-cache-padded-line128 stage5-waitfree stage5-waitfree-line128", o, " ")
	for (k = 1; k <= place_n; k++)
		for (i = 1; i <= n; i++) {
			c = place_order[k]
			printf "| %s | %s | %s / %s | %s | %s | %s |\n", o[i], place_label(c), runs(o[i] SUBSEP 65536 SUBSEP "tp", c), \
				runs(o[i] SUBSEP "p50", c), tp(o[i], 65536, c), place_med("%.0f", o[i] SUBSEP "p50", c), place_med("%.0f", o[i] SUBSEP "p99", c)
		}
	print "\n| ratio | class | throughput (pairs) | RTT p50 (pairs) |"
	print "|---|---|--:|--:|"
	for (k = 1; k <= place_n; k++) {
		c = place_order[k]
		padding_ratio("stage 4 / stage 3 (false sharing removed)", "stage4-cache-padded", "stage3-atomics", c)
		padding_ratio("stage 4 at 128 / at 64 bytes", "stage4-cache-padded-line128", "stage4-cache-padded", c)
		padding_ratio("stage 5 at 128 / at 64 bytes", "stage5-waitfree-line128", "stage5-waitfree", c)
	}
	print ""
}

# One row of section 3: build b (a counting build) under policy pol, capacity cap, class c.
function count_row(b, pol, cap, c,    k, full, empty, ph, ct) {
	k = b SUBSEP pol SUBSEP cap
	if (!stat_n(place_sample(k SUBSEP "tp", c))) return
	full = stat_median(place_sample(k SUBSEP "push_full_per_mitem", c))
	empty = stat_median(place_sample(k SUBSEP "pop_empty_per_mitem", c))
	if (b == "stage5-waitfree-count") {
		ph = stat_median(place_sample(k SUBSEP "push_reloads_per_mitem", c))
		ct = stat_median(place_sample(k SUBSEP "pop_reloads_per_mitem", c))
	} else if (b ~ /^stage[12]-/) {
		ph = ct = ""
	} else {
		ph = 1e6 + full; ct = 1e6 + empty
	}
	printf "| %s | %s | %d | %s | %s | %s | %s | %s | %s | %s | %s |\n", b, pol, cap, place_label(c), \
		runs(k SUBSEP "tp", c), tp(b SUBSEP pol, cap, c), fmt("%.0f", full), fmt("%.0f", empty), fmt("%.0f", ph), \
		fmt("%.0f", ct), (ct > 0 ? sprintf("%.1f", 1e6 / ct) : "-")
}

function counts(    n, o, np, pl, p, j, cap, k, i) {
	print "## 3. Who waits, and who touches the other side's counter, under each wait policy\n"
	print "Counting build (-DBENCH_COUNT): per million items moved, under each wait policy of the driver (`--wait`). In stages 3 and 4 every attempt, successful or not, loads the other side's counter; stage 5 loads it only on a reload; stages 1 and 2 read both counters under the lock on every attempt. The last column is how many items the consumer takes per load of `tail`: a consumer that has caught up with the producer loads it every few items, and the two sides then share the line being written (the slow mode).\n"
	print "| build | wait | capacity | class | runs | throughput Mitems/s | producer found full | consumer found empty | producer loads of head | consumer loads of tail | items per load of tail |"
	print "|---|---|--:|---|--:|--:|--:|--:|--:|--:|--:|"
	n = split("stage1-mutex-count stage2-ring-count stage3-atomics-count stage4-cache-padded-count stage5-waitfree-count", o, " ")
	np = split(waits, pl, " ")
	for (p = 1; p <= np; p++) {
		if (!(pl[p] in pols)) continue
		for (j = 1; j <= 2; j++)
			for (k = 1; k <= place_n; k++)
				for (i = 1; i <= n; i++) count_row(o[i], pl[p], j == 1 ? 65536 : 1024, place_order[k])
	}
	print ""
}

# Stage 5's counting build under spin, at capacity cap, every run fastest first, with its class.
function stage5_runs(cap,    s5, n, r, k, i, t, run, pr, hr, c) {
	printf "\n| capacity | round | class | throughput Mitems/s | items per consumer reload | items per producer reload | probes ns (before / after) |\n"
	print "|--:|--:|---|--:|--:|--:|--:|"
	s5 = "stage5-waitfree-count" SUBSEP "spin" SUBSEP cap
	n = 0
	for (r = 1; r <= rounds; r++) {
		if (!((s5 SUBSEP r) in tp_of)) continue
		run[++n] = r
		for (i = n; i > 1 && tp_of[s5 SUBSEP run[i - 1]] < tp_of[s5 SUBSEP r]; i--) { t = run[i]; run[i] = run[i - 1]; run[i - 1] = t }
	}
	for (i = 1; i <= n; i++) {
		k = s5 SUBSEP run[i]
		pr = per[k SUBSEP "pop_reloads_per_mitem"]; hr = per[k SUBSEP "push_reloads_per_mitem"]
		c = place_run_class(probe_of[k], after_of[k])
		printf "| %d | %d | %s | %.1f | %s | %s | %.0f / %s |\n", cap, run[i], (c == "moved" || c == "" ? c : place_tag(c)), \
			tp_of[k], (pr > 0) ? sprintf("%.1f", 1e6 / pr) : "-", (hr > 0) ? sprintf("%.0f", 1e6 / hr) : "never", \
			probe_of[k], fmt("%.0f", after_of[k])
	}
}

function kernel(    n, o, ws, items, i, j, base_f, base_c, f, cs) {
	print "## 4. What the lock costs the kernel\n"
	if (perf_ok != "yes") {
		print "n/a: perf (Debian package linux-perf) is not installed, or cannot trace system calls here."
		return
	}
	print "perf stat software events, whole process, median of 3 (no class: one process per measurement, no probe); `probe` is the baseline (two probes, as bracket every two-thread run: two threads started and joined twice, no queue) already subtracted from the two-thread runs.\n"
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
	printf "\nBaseline (two probes): %.0f futex calls, %.0f context switches, %.0f page faults.\n",
		stat_median("stage1-mutex" SUBSEP "kernel-baseline" SUBSEP "futex"), stat_median("stage1-mutex" SUBSEP "kernel-baseline" SUBSEP "context-switches"),
		stat_median("stage1-mutex" SUBSEP "kernel-baseline" SUBSEP "page-faults")
}

END {
	place_decide()
	print "# Experiments: what the notes quote beyond the progression table\n"
	print "From `make bench-experiments` (common/bench/experiments.sh). " rounds " interleaved rounds; every figure of two threads is a median over the runs of one placement class (min-max in brackets), every ratio the median of per-pair ratios within it (pairs in brackets); seed-st is one thread, " seed " pushes then " seed " pops, its figures are medians over rounds and its ratios medians of per-round ratios. Throughput at capacity 65536 unless a table says otherwise.\n"
	print place_summary() "\n"
	place_ordered("stage3-atomics" SUBSEP 65536 SUBSEP "tp stage5-waitfree" SUBSEP 65536 SUBSEP "tp")
	ordering()
	padding()
	counts()
	print "Stage 5 under the spin policy, every run, fastest first: how many items the consumer took per reload of `tail` (it reloads when it has caught up with the producer), how many the producer pushed per reload of `head` (when it found the ring full), the run's class (moved: its two probes in two classes) and its probes."
	stage5_runs(65536)
	stage5_runs(1024)
	print ""
	kernel()
	print "\n" place_rule()
}
