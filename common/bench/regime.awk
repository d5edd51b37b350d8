# common/bench/regime.awk: which regime of the VM a round ran in, from its
# probe (the two-line round trip the driver times before every run).
# Loaded after stats.awk, before the table's own program.
#
# On these 2-vCPU VMs the cost of moving a cache line between the two vCPUs
# sits in one of two regimes for seconds at a time: about 40-200 ns per
# round trip (fast) and about 300-650 ns (slow), with nothing in between
# for long. A table that mixes rounds of both reports neither. So:
#   - regime_add(p) each round's probe (the median of its throughput
#     runs' probes), then regime_decide();
#   - if the sorted probes have a gap where one is at least REGIME_GAP (1.5)
#     times the one below it, the run saw two regimes: the threshold is the
#     geometric middle of the widest such gap, and a round below it is fast;
#   - otherwise every probe is in one regime, which is not split in two: it
#     is called fast if its median is below REGIME_LINE (250 ns, the middle
#     of the gap between the two regimes above), else slow;
#   - regime_of(p) is then "fast" or "slow", regime_note() says which
#     case it was, in words, for the tables.
# A table does all this through three calls:
#   regime_probe(r, p)  the probe of a run that sets round r's regime (its
#                       throughput runs), for every such run;
#   regime_rounds()     after the last row: each round's probe is the
#                       median of its runs'; decides, then sets
#                       round_group[r] (stats.awk's ratio_sample reads it)
#                       to "fast" or "slow" for each of those rounds, and
#                       counts them in regime_count["fast"] and ["slow"];
#   regime_mix()        "N fast, M slow", for the tables.

BEGIN { REGIME_GAP = 1.5; REGIME_LINE = 250 }

function regime_add(p) { if (p > 0) stat_add("regime:probe", p) }

function regime_decide(    n, i, best, at) {
	n = stat_sort_("regime:probe")
	regime_single = 1
	best = 0
	for (i = 1; i < n; i++)
		if (stat_s_[i + 1] / stat_s_[i] >= REGIME_GAP && stat_s_[i + 1] / stat_s_[i] > best) {
			best = stat_s_[i + 1] / stat_s_[i]
			at = i
		}
	regime_lo = n ? stat_s_[1] : 0
	regime_hi = n ? stat_s_[n] : 0
	if (best > 0) {
		regime_single = 0
		regime_threshold = sqrt(stat_s_[at] * stat_s_[at + 1])
	} else {
		regime_label = (n && stat_median("regime:probe") < REGIME_LINE) ? "fast" : "slow"
	}
}

function regime_of(p) { return regime_single ? regime_label : (p < regime_threshold ? "fast" : "slow") }

function regime_note() {
	if (regime_single)
		return sprintf("one regime: every round's probe is %.0f-%.0f ns, called %s (the line is %d ns); not split", \
			regime_lo, regime_hi, regime_label, REGIME_LINE)
	return sprintf("two regimes: rounds with a probe below %.0f ns are fast, above it slow (probes %.0f-%.0f ns; the split is the widest gap in the sorted probes)", \
		regime_threshold, regime_lo, regime_hi)
}

function regime_probe(r, p) { stat_add("regime:round/" r, p); regime_r_[r] = 1 }

function regime_rounds(    r) {
	for (r in regime_r_) regime_add(stat_median("regime:round/" r))
	regime_decide()
	for (r in regime_r_) {
		round_group[r] = regime_of(stat_median("regime:round/" r))
		regime_count[round_group[r]]++
	}
}

function regime_mix() { return sprintf("%d fast, %d slow", regime_count["fast"], regime_count["slow"]) }
