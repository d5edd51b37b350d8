# common/bench/shapes-table.awk: shapes-raw/rows.csv (from shapes.sh) into
# shapes.md. Loaded after csv.awk, stats.awk and placement.awk, with
# -v stages="NAME..." (ladder order), rounds=N, mode=quick|full,
# caption=TEXT, capacity=N (the ring's slots, for the title),
# want_wait=POLICY (only the runs under that wait policy: the wait
# column's name before any ":"; or a whole label, batch:256/2000),
# vs=before|first (the ratio column: to the stage before, or to the first
# queue), target=TEXT (the make target, for the title) and, optionally,
# dat=FILE (the chart's data: each shape's items/s over its bound per
# queue, in the main class). The rows are the driver's, read by column name.
#
# Every run is filed in the placement class of its two probes
# (placement.awk); a run that moved is left out. Per class: per load shape
# and stage, items/s median (min-max), the work bound and items/s over it,
# each side's cost per item beyond its work, the runs, and the ratio to the
# stage before (the median of per-pair ratios: the two stages' runs of one
# round in the same class); then latency under load, p50 p99 p99.9 of the
# time in the queue. The main class (where the stage with the fewest
# consumer-slow runs has the most) first.

BEGIN {
	n = split(stages, st, " ")
	n_shapes = split("shape-consumer-slow shape-producer-slow shape-both shape-burst", shape, " ")
	n_cols = split("mitems_per_s work_bound_mitems_per_s of_work_bound producer_cost_ns consumer_cost_ns", cols, " ")
	for (k = 1; k <= n_cols; k++) shape_metric[cols[k]] = 1
	vs_name = vs == "first" ? st[1] : "stage before"
}
csv_skip() { next }
# Every run's probes make the classes, whatever its policy (one set of
# classes for every table of a file); only want_wait's runs are shown.
# want_wait is a policy's name (every run under it) or a full label
# (batch:256/2000: only the runs under those parameters).
{ w = col("wait"); if (want_wait !~ /:/) sub(/:.*/, "", w) }
w != want_wait {
	if (col("metric") == "mitems_per_s" || col("metric") ~ /^load.*_p50_ns$/)
		place_put("other-policies/" col("stage_name") "/" col("workload") "/" col("metric"), col("value"))
	next
}
col("workload") ~ /^shape-/ && col("run") == 0 { stat_add("cal/" col("metric"), col("value")); next }
col("workload") ~ /^shape-/ && (col("metric") in shape_metric) {
	place_put(col("stage_name") "/" col("workload") "/" col("metric"), col("value")); wait = col("wait")
}
col("workload") == "latency-load" && col("metric") ~ /^load.*_(p50|p99|p99\.9)_ns$|^load[0-9.]*_mitems_per_s$/ {
	m = col("metric")
	place_put(col("stage_name") "/" m, col("value"))
	if (m ~ /_p50_ns$/) { sub(/^load/, "", m); sub(/_p50_ns$/, "", m); loads[m] = 1 }
}

# Stage i's ratio to stage i-1 (vs=first: to the first) of key pre/stage/post in class c: "1.23 (n)", or "-".
function step(i, pre, post, c,    name, j) {
	if (i == 1) return "-"
	j = vs == "first" ? 1 : i - 1
	name = place_ratio(st[i] pre post, st[j] pre post, c)
	return stat_n(name) ? sprintf("%.2f (%d)", stat_median(name), stat_n(name)) : "-"
}

function shape_rows(c, sh,    i, k) {
	for (i = 1; i <= n; i++) {
		k = st[i] "/" sh "/"
		printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", sh, st[i], place_tag(c), \
			place_runs_note(k "mitems_per_s", c), place_mmm("%.1f", k "mitems_per_s", c), \
			place_med("%.1f", k "work_bound_mitems_per_s", c), place_med("%.2f", k "of_work_bound", c), \
			place_med("%.1f", k "producer_cost_ns", c), place_med("%.1f", k "consumer_cost_ns", c), \
			step(i, "/" sh "/", "mitems_per_s", c)
	}
}

function latency_rows(c,    nl, l, i, j, k) {
	nl = 0
	for (l in loads) lv[++nl] = l
	for (i = 2; i <= nl; i++)  # a handful of loads: insertion sort, numerically
		for (j = i; j > 1 && lv[j - 1] + 0 > lv[j] + 0; j--) { l = lv[j]; lv[j] = lv[j - 1]; lv[j - 1] = l }
	for (j = 1; j <= nl; j++)
		for (i = 1; i <= n; i++) {
			k = st[i] "/load" lv[j]
			printf "| %s%% | %s | %s | %s | %s | %s | %s | %s | %s |\n", lv[j], st[i], place_tag(c), \
				place_runs_note(k "_p50_ns", c), place_med("%.2f", k "_mitems_per_s", c), place_med("%.0f", k "_p50_ns", c), \
				place_med("%.0f", k "_p99_ns", c), place_med("%.0f", k "_p99.9_ns", c), step(i, "/load" lv[j], "_p99_ns", c)
		}
}

function class_section(c,    k) {
	printf "\n## Class %s\n\n### Load shapes\n\n", place_label(c)
	print "| shape | stage | class | runs | Mitems/s median (min-max) | work bound Mitems/s | / work bound | producer cost ns/item | consumer cost ns/item | / " vs_name " (pairs) |"
	print "|---|---|---|--:|--:|--:|--:|--:|--:|--:|"
	for (k = 1; k <= n_shapes; k++) shape_rows(c, shape[k])
	print "\n### Latency under load (time in the queue)\n"
	print "| load | stage | class | runs | achieved Mitems/s | p50 ns | p99 ns | p99.9 ns | p99 / " vs_name " (pairs) |"
	print "|--:|---|---|--:|--:|--:|--:|--:|--:|"
	latency_rows(c)
}

# The chart's data (dat): the class, then a line per shape, each queue's
# items/s over its bound in class c ("-": no run).
function chart_data(c,    i, k) {
	printf "# class %s, wait policy %s: shape, then / work bound per queue:", place_label(c), want_wait > dat
	for (i = 1; i <= n; i++) printf " %s", st[i] > dat
	printf "\n" > dat
	for (k = 1; k <= n_shapes; k++) {
		printf "%s", shape[k] > dat
		for (i = 1; i <= n; i++) printf " %s", place_med("%.3f", st[i] "/" shape[k] "/of_work_bound", c) > dat
		printf "\n" > dat
	}
	close(dat)
}

function footnote() {
	print "\nWork: a chain of dependent 64-bit multiply-adds, calibrated by each driver at start on the producer's " \
	      "CPU (the fastest of 11 timings); the work bound is 1e9 / the slow side's work ns items/s (both: the " \
	      "same work on each side; bursts: what the periods allow, burst items per period). A side's cost per item " \
	      "is its own elapsed time (its start to its last push or pop) / items, less its own work per item " \
	      "(the producer's in bursts: period / burst): for the slow side, what the queue costs it beyond the " \
	      "work; for the fast side, mostly its waiting. Latency under load: the producer paced by spinning on " \
	      "the clock (item i due at start + i / rate), each item stamped with the clock when pushed, the " \
	      "consumer recording clock - stamp at its pop; nearest-rank percentiles over the run's items less its " \
	      "first tenth, then the median over runs. Every item's sequence is checked. A ratio \"/ " vs_name "\" " \
	      "is the median of per-pair ratios with its number of pairs.\n\n" place_rule()
}

END {
	place_decide()
	printf "# Load shapes, wait policy %s\n\n", want_wait
	printf "From `%s` (%s, common/bench/shapes.sh): %d interleaved rounds; capacity %s; wait policy %s. %s\n", \
		target, mode, rounds, capacity, wait == "" ? want_wait " (no runs)" : wait, place_summary()
	printf "\nMachine: %s.\n\nWork calibration: %s ns per iteration (median of the drivers; %s-%s), %s iterations per item = %s ns.\n", \
		caption, fmt("%.3f", stat_median("cal/work_ns_per_iteration")), fmt("%.3f", stat_min("cal/work_ns_per_iteration")), \
		fmt("%.3f", stat_max("cal/work_ns_per_iteration")), fmt("%.0f", stat_median("cal/work_iterations")), \
		fmt("%.1f", stat_median("cal/work_ns"))
	if (place_n == 0) exit
	place_ordered(place_keys("", st, n, "/shape-consumer-slow/mitems_per_s"))
	for (k = 1; k <= place_n; k++) class_section(place_order[k])
	if (dat != "") chart_data(place_order[1])
	footnote()
}
