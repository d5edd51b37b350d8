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

# Per-round values and their ratios. Two queues measured in the same round
# ran minutes apart at most, in much the same regime of the VM, so a
# comparison is the median over rounds of the ratio of their values in
# each round, never the ratio of their medians: the one way every table
# compares.
#   round_put(key, r, v)  key's value in round r (a later one replaces it)
#   round_sample(key, g)  the name of the sample of key's values, one per
#                         round of group g (as below)
#   ratio_sample(a, b, g) the name of the sample (stat_n, stat_median,
#                         stat_min, stat_max read it) of a's value over b's,
#                         one per round where both have one and b's is not
#                         0; only the rounds of group g (round_group[r],
#                         which the table sets, e.g. the regime) unless g
#                         is "" or "all"
#   ratio_median(a, b, g) its median, "" when no round has both
function round_put(key, r, v) { round_v_[key, r] = v + 0; round_r_[r] = 1 }
function round_in_(r, g) { return g == "" || g == "all" || round_group[r] == g }
function round_sample(key, g,    name, r) {
	name = "rounds:" key "/" g
	if (!(name in round_done_)) {
		round_done_[name] = 1
		for (r in round_r_)
			if (round_in_(r, g) && ((key, r) in round_v_)) stat_add(name, round_v_[key, r])
	}
	return name
}
function ratio_sample(a, b, g,    name, r) {
	name = "ratio:" a "/" b "/" g
	if (!(name in round_done_)) {
		round_done_[name] = 1
		for (r in round_r_)
			if (round_in_(r, g) && ((a, r) in round_v_) && ((b, r) in round_v_) && round_v_[b, r] != 0)
				stat_add(name, round_v_[a, r] / round_v_[b, r])
	}
	return name
}
function ratio_median(a, b, g) { return stat_median(ratio_sample(a, b, g)) }
