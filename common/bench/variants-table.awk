# common/bench/variants-table.awk: stage5-variants.csv (from variants.sh)
# into its table. Loaded after csv.awk, stats.awk and placement.awk, with
# -v variants="NAME..." (base first), rounds=N and base=NAME. The rows are
# the driver's, read by column name, with the variant's name in a first
# column. Every run is filed in the placement class of its two probes
# (placement.awk); a run that moved is left out. Every figure is a median
# over the runs of one class; every ratio the median of per-pair ratios
# against the base (the variant's and the base's runs of one round in the
# same class), never across classes. A table per class, the main one (the
# one where the variant with the fewest runs at 65536 has the most) first.

csv_skip() { next }
col("workload") == "throughput" && col("metric") == "mitems_per_s" { place_put(col("variant") SUBSEP "tp" col("capacity"), col("value")) }
col("workload") == "latency" && col("metric") == "rtt_p50_ns" {
	place_put(col("variant") SUBSEP "p50", col("value")); place_put("probe", col("probe_ns"))
}

function class_table(c,    i, k, line, key) {
	printf "\n## Class %s: probe median %s ns over the latency runs\n\n", place_label(c), place_med("%.0f", "probe", c)
	printf "| variant | class | runs: 65536 / 1024 / RTT | Mitems/s, 65536 | / %s | Mitems/s, 1024 | / %s | RTT p50 ns | / %s | moved runs left out |\n", base, base, base
	print "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|"
	for (i = 1; i <= n; i++) {
		line = "| " v[i] " | " place_tag(c) " | " place_runs_note(v[i] SUBSEP "tp65536", c) " / " \
			place_runs_note(v[i] SUBSEP "tp1024", c) " / " place_runs_note(v[i] SUBSEP "p50", c)
		for (k = 1; k <= 3; k++) {
			key = v[i] SUBSEP m[k]
			line = line sprintf(" | %s | %s", place_med(k == 3 ? "%.0f" : "%.1f", key, c), \
				fmt("%.2f", stat_median(place_ratio(key, base SUBSEP m[k], c))))
		}
		print line sprintf(" | %d |", place_moved[v[i] SUBSEP "tp65536"] + place_moved[v[i] SUBSEP "tp1024"] + place_moved[v[i] SUBSEP "p50"])
	}
}

END {
	n = split(variants, v, " ")
	split("tp65536 tp1024 p50", m, " ")
	place_decide()
	print "# What separates a fast stage 5 from a slow one\n"
	printf "From `make bench-stage5-variants` (common/bench/variants.sh): %d interleaved rounds. %s\n", rounds, place_summary()
	if (place_n == 0) exit
	place_ordered(place_keys("", v, n, SUBSEP "tp65536"))
	for (k = 1; k <= place_n; k++) class_table(place_order[k])
	print "\nA ratio is the median of per-pair ratios against " base ": a pair is the two builds' runs of one " \
	      "round in the same class; a class where a build has no run shows \"-\".\n\n" place_rule()
}
