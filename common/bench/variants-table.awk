# common/bench/variants-table.awk: stage5-variants.csv (from variants.sh)
# into its table. Loaded after stats.awk, with -v variants="NAME..." (base
# first), rounds=N and base=NAME. Every figure is a median over rounds;
# every ratio the median of per-round ratios against the base.
# Columns: 1 variant, 4 workload, 5 round, 7 metric, 8 value, 10 capacity, 12 probe_ns.

/^#/ || $1 == "variant" { next }
$4 == "throughput" && $7 == "mitems_per_s" { x[$1, "tp" $10, $5] = $8; stat_add($1 SUBSEP "tp" $10, $8) }
$4 == "latency" && $7 == "rtt_p50_ns" { x[$1, "p50", $5] = $8; stat_add($1 SUBSEP "p50", $8); stat_add("probe", $12) }
END {
	n = split(variants, v, " ")
	split("tp65536 tp1024 p50", m, " ")
	print "# What separates a fast stage 5 from a slow one\n"
	printf "From `make bench-stage5-variants` (common/bench/variants.sh): %d interleaved rounds; medians over rounds; every ratio the median of per-round ratios against %s. Probe (two-line round trip) median over the latency runs: %.0f ns.\n\n", rounds, base, stat_median("probe")
	printf "| variant | Mitems/s, 65536 | / %s | Mitems/s, 1024 | / %s | RTT p50 ns | / %s |\n", base, base, base
	print "|---|--:|--:|--:|--:|--:|--:|"
	for (i = 1; i <= n; i++) {
		line = "| " v[i]
		for (k = 1; k <= 3; k++) {
			for (r = 1; r <= rounds; r++)
				if (((v[i], m[k], r) in x) && x[base, m[k], r] > 0)
					stat_add("ratio" SUBSEP v[i] SUBSEP m[k], x[v[i], m[k], r] / x[base, m[k], r])
			line = line sprintf(" | %s | %s", fmt(k == 3 ? "%.0f" : "%.1f", stat_median(v[i] SUBSEP m[k])), \
				fmt("%.2f", stat_median("ratio" SUBSEP v[i] SUBSEP m[k])))
		}
		print line " |"
	}
}
