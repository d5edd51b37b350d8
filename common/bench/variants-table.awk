# common/bench/variants-table.awk: stage5-variants.csv (from variants.sh)
# into its table. Loaded after csv.awk and stats.awk, with
# -v variants="NAME..." (base first), rounds=N and base=NAME. Every figure
# is a median over rounds; every ratio the median of per-round ratios
# against the base (stats.awk's ratio_median). The rows are the driver's,
# read by column name, with the variant's name in a first column.

csv_skip() { next }
col("workload") == "throughput" && col("metric") == "mitems_per_s" {
	round_put(col("variant") SUBSEP "tp" col("capacity"), col("round"), col("value"))
	stat_add(col("variant") SUBSEP "tp" col("capacity"), col("value"))
}
col("workload") == "latency" && col("metric") == "rtt_p50_ns" {
	round_put(col("variant") SUBSEP "p50", col("round"), col("value"))
	stat_add(col("variant") SUBSEP "p50", col("value")); stat_add("probe", col("probe_ns"))
}
END {
	n = split(variants, v, " ")
	split("tp65536 tp1024 p50", m, " ")
	print "# What separates a fast stage 5 from a slow one\n"
	printf "From `make bench-stage5-variants` (common/bench/variants.sh): %d interleaved rounds; medians over rounds; every ratio the median of per-round ratios against %s. Probe (two-line round trip) median over the latency runs: %.0f ns.\n\n", rounds, base, stat_median("probe")
	printf "| variant | Mitems/s, 65536 | / %s | Mitems/s, 1024 | / %s | RTT p50 ns | / %s |\n", base, base, base
	print "|---|--:|--:|--:|--:|--:|--:|"
	for (i = 1; i <= n; i++) {
		line = "| " v[i]
		for (k = 1; k <= 3; k++)
			line = line sprintf(" | %s | %s", fmt(k == 3 ? "%.0f" : "%.1f", stat_median(v[i] SUBSEP m[k])), \
				fmt("%.2f", ratio_median(v[i] SUBSEP m[k], base SUBSEP m[k], "all")))
		print line " |"
	}
}
