# common/bench/stats.awk: the statistics every results table uses, loaded
# before the table's own program (awk -f stats.awk -f TABLE.awk).
#
# A sample is a list of numbers kept under a name: stat_add(name, v)
# appends; stat_n, stat_median, stat_min, stat_max and stat_pct read it.
# An empty sample gives "" (printed as "-" by fmt). The median of an even
# count is the mean of the middle two; a percentile is the nearest rank
# (the smallest value with at least that fraction of the sample at or
# below it), as the driver computes its latency percentiles.

function stat_add(name, v) { stat_v_[name, ++stat_c_[name]] = v + 0 }
function stat_n(name) { return stat_c_[name] + 0 }

# Sorts the sample into stat_s_[1..n] (Shell's sort, gaps 1, 4, 13, 40, ...:
# a placement pool holds thousands of probes); returns n.
function stat_sort_(name,    n, i, j, v, gap) {
	n = stat_c_[name] + 0
	for (i = 1; i <= n; i++) stat_s_[i] = stat_v_[name, i]
	for (gap = 1; gap * 3 + 1 < n; gap = gap * 3 + 1);
	for (; gap >= 1; gap = (gap - 1) / 3)
		for (i = gap + 1; i <= n; i++) {
			v = stat_s_[i]
			for (j = i - gap; j >= 1 && stat_s_[j] > v; j -= gap) stat_s_[j + gap] = stat_s_[j]
			stat_s_[j + gap] = v
		}
	return n
}
function stat_median(name,    n) {
	n = stat_sort_(name)
	if (n == 0) return ""
	return n % 2 ? stat_s_[(n + 1) / 2] : (stat_s_[n / 2] + stat_s_[n / 2 + 1]) / 2
}
function stat_min(name) { return stat_sort_(name) ? stat_s_[1] : "" }
function stat_max(name,    n) { n = stat_sort_(name); return n ? stat_s_[n] : "" }
# q in (0, 1]: the nearest-rank percentile.
function stat_pct(name, q,    n, rank) {
	n = stat_sort_(name)
	if (n == 0) return ""
	rank = int(q * n)
	if (rank < q * n) rank++
	return stat_s_[rank < 1 ? 1 : rank]
}
# A figure, or "-" when there is none.
function fmt(f, v) { return v == "" ? "-" : sprintf(f, v) }

# Per-round pairs within a group. Two queues measured in the same round
# and the same group (the placement class their runs ran in:
# placement.awk) ran seconds apart with their threads placed alike, so a
# comparison is the median over rounds of the ratio of their values in
# each round, never the ratio of their medians: the one way every table
# compares.
#   cell_put(key, r, g, v)  a value of key in round r and group g; a cell
#                           with several (more than one run of key in that
#                           round and group) stands for their median
#   cell_ratio(a, b, g)     the name of the sample (stat_n, stat_median,
#                           stat_min, stat_max read it) of a's cell over
#                           b's, one per round where both have a cell in
#                           group g and b's is not 0: the per-pair ratios.
#                           Call it after the last cell_put.
function cell_put(key, r, g, v) { stat_add("cell:" key "/" g "/" r, v); cell_r_[r] = 1 }
function cell_(key, g, r,    name) { name = "cell:" key "/" g "/" r; return stat_n(name) ? stat_median(name) : "" }
function cell_ratio(a, b, g,    name, r, x, y) {
	name = "ratio:" a "/" b "/" g
	if (!(name in cell_done_)) {
		cell_done_[name] = 1
		for (r in cell_r_) {
			x = cell_(a, g, r); y = cell_(b, g, r)
			if (x != "" && y != "" && y != 0) stat_add(name, x / y)
		}
	}
	return name
}
