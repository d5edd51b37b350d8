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

# Sorts the sample into stat_s_[1..n] (insertion sort: samples are small); returns n.
function stat_sort_(name,    n, i, j, v) {
	n = stat_c_[name] + 0
	for (i = 1; i <= n; i++) {
		v = stat_v_[name, i]
		for (j = i - 1; j >= 1 && stat_s_[j] > v; j--) stat_s_[j + 1] = stat_s_[j]
		stat_s_[j + 1] = v
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
