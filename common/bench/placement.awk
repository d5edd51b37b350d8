# common/bench/placement.awk: where the two threads of each run sat, from
# the two probes that bracket it (common/support/harness.h: the two-line
# round trip timed right before the run, probe_ns, and right after it,
# probe_after_ns). Loaded after csv.awk and stats.awk, before the table's
# own program.
#
# A hypervisor moves vCPUs. On a 2-vCPU guest the probe sits in clusters
# (37-60, 89-198 and 335-1502 ns in one bench-peers on an AMD EPYC of
# family 26: notes/results/reference/amd-26-2-2cpu/peers.csv) and moves
# between them within seconds, and a queue's speed moves with it (there,
# stage 5 flat out: 333, 411 and 48 Mitems/s, peers.md). So a run is compared
# only with runs made in the same placement class, and a run that changed
# class while it ran is left out.
#
# The classes: every probe of every run the table puts (both brackets),
# sorted; a new cluster starts where a probe is at least PLACE_GAP times
# the one below it; a cluster holding fewer than PLACE_MIN_SHARE of all
# the probes, or fewer than PLACE_MIN_PROBES, is merged into its neighbour
# across the narrower gap (a stray probe is not a placement); the classes
# are lettered from the fastest (A) and named by their range ("probe
# 28-53 ns"). PLACE_GAP is 1.45, and the merge rule does part of the work:
# in the committed CSVs of notes/results/reference/, the sorted probes of
# one placement step up by at most 1.35 (intel-6-167-2cpu/stage5-variants.csv:
# 296 to 399 ns) except in thin tails of slow probes, up to 1.47
# (amd-26-2-2cpu/shapes-wait-sweep.csv: 590 to 866 ns, 7 of 700 probes,
# merged back by the 2% rule), and those of two placements by no less than
# 1.46 (amd-26-2-2cpu/shapes-peers.csv: 229 to 334 ns). The margin is thin
# there: a machine whose placements sit closer than 1.45 apart gets one
# class for both, and its tables' probe ranges show it. A probe between two
# classes belongs to the nearer in ratio (the cut is the geometric middle of
# the gap).
#
# A run is
#   unmoved      both probes in one class: the run is that class's;
#   moved        its probes in two classes: the threads moved while it
#                ran; left out of every median and every ratio, counted;
#   unbracketed  a probe before it and none after (a file written before
#                probe_after_ns existed): classed by its one probe, used,
#                and counted apart, never called unmoved.
# A run is known by its row without the metric, value and unit: the rows
# of one run's metrics share everything else.
#
# A table, for each measurement it uses:
#   place_put(key, v)  key's value v in the run of the current row (its
#                      round, probe_ns and probe_after_ns: "" or 0 is
#                      unbracketed); a run without a probe (probe_ns 0) is
#                      not put
#   place_put_run(id, key, r, v, before, after)   the same for a run known
#                      by id, of round r, with those probes
# then, after the last row, place_decide() (the classes, then every put
# filed), and reads:
#   place_n, place_name[c], place_label(c)   the classes 1..place_n, fastest
#                      first: "probe 28-53 ns", "A (probe 28-53 ns)"; place_tag(c): "A"
#   place_run_class(before, after)   a run's class, "moved" or "" (no probe)
#   place_sample(key, c)   the sample (stats.awk's stat_n, stat_median ...)
#                      of key's values in class c, unmoved runs only
#   place_ratio(a, b, c)   the per-pair ratios a / b in class c (stats.awk's
#                      cell_ratio: same round, same class)
#   place_moved[key]   key's measurements left out as moved
#   place_unbracketed[key, c]   key's measurements in c with one probe
#   place_runs[c], place_moved_runs, place_unbracketed_runs   runs, each once
#   place_runs_note(key, c)   "N" or "N (U unbracketed)", for a runs column
#   place_med(f, key, c)   key's median in class c, in format f ("-": no run)
#   place_mmm(f, key, c)   "median (min-max)" of key in class c ("-": no run)
#   place_main(keys)   the main class: where the key (of the space-separated
#                      keys) with the fewest runs has the most (ties: the
#                      most runs in all); a table's first, and its charts'
#   place_ordered(keys)   sets place_order[1..place_n]: the main class, then
#                      the others from the fastest
#   place_range(keys, c)  "lo-hi": the fewest and the most runs of the keys in c
#   place_keys(pre, name, n, post)   the keys pre name[1] post ... pre name[n]
#                      post, space-separated, for the three above
#   place_summary()    the classes, the runs in each, the moved runs left out
#   place_rule()       the rule in words, for a table's footnote

BEGIN { PLACE_GAP = 1.45; PLACE_MIN_SHARE = 0.02; PLACE_MIN_PROBES = 4 }

function place_put(key, v) {
	place_put_run(place_row_id_(), key, col("round"), v, col("probe_ns"), col("probe_after_ns"))
}

# The current row without its metric, value and unit.
function place_row_id_(    i, id, m, v, u) {
	m = csv_index("metric"); v = csv_index("value"); u = csv_index("unit")
	id = ""
	for (i = 1; i <= NF; i++)
		if (i != m && i != v && i != u) id = id SUBSEP $i
	return id
}

function place_put_run(id, key, r, v, before, after) {
	if (before + 0 <= 0) return
	if (!(id in place_id_)) {
		place_id_[id] = 1
		stat_add("place:pool", before)
		if (after + 0 > 0) stat_add("place:pool", after)
	}
	place_np_++
	place_id_of_[place_np_] = id; place_key_[place_np_] = key; place_r_[place_np_] = r; place_v_[place_np_] = v
	place_b_[place_np_] = before + 0; place_a_[place_np_] = after + 0
}

# The clusters of the sorted pool: place_lo_[k], place_hi_[k], place_cnt_[k], k = 1..place_n.
function place_cluster_(    n, i) {
	n = stat_sort_("place:pool")
	place_n = 0
	for (i = 1; i <= n; i++) {
		if (i == 1 || stat_s_[i] >= PLACE_GAP * stat_s_[i - 1]) {
			place_lo_[++place_n] = stat_s_[i]
			place_cnt_[place_n] = 0
		}
		place_hi_[place_n] = stat_s_[i]
		place_cnt_[place_n]++
	}
	return n
}

# The smallest cluster below the floor (0: none, or only one cluster left).
function place_tiny_(floor,    k, at) {
	at = 0
	for (k = 1; k <= place_n && place_n > 1; k++)
		if (place_cnt_[k] < floor && (at == 0 || place_cnt_[k] < place_cnt_[at])) at = k
	return at
}

# Cluster k into its neighbour across the narrower gap; the ones above it move down.
function place_merge_(k,    j, i) {
	if (k == 1) j = 2
	else if (k == place_n) j = k - 1
	else j = place_lo_[k + 1] / place_hi_[k] < place_lo_[k] / place_hi_[k - 1] ? k + 1 : k - 1
	if (place_lo_[k] < place_lo_[j]) place_lo_[j] = place_lo_[k]
	if (place_hi_[k] > place_hi_[j]) place_hi_[j] = place_hi_[k]
	place_cnt_[j] += place_cnt_[k]
	for (i = k; i < place_n; i++) {
		place_lo_[i] = place_lo_[i + 1]; place_hi_[i] = place_hi_[i + 1]; place_cnt_[i] = place_cnt_[i + 1]
	}
	place_n--
}

function place_classes_(    n, floor, k) {
	n = place_cluster_()
	floor = PLACE_MIN_SHARE * n > PLACE_MIN_PROBES ? PLACE_MIN_SHARE * n : PLACE_MIN_PROBES
	while ((k = place_tiny_(floor)) > 0) place_merge_(k)
	for (k = 1; k <= place_n; k++) {
		place_name[k] = sprintf("probe %.0f-%.0f ns", place_lo_[k], place_hi_[k])
		if (sprintf("%.0f", place_lo_[k]) == sprintf("%.0f", place_hi_[k]))
			place_name[k] = sprintf("probe %.0f ns", place_lo_[k])
		place_runs[k] = 0
	}
}

# The class of one probe: the first whose cut (the geometric middle of the gap above it) is above p.
function place_of(p,    k) {
	for (k = 1; k < place_n; k++)
		if (p < sqrt(place_hi_[k] * place_lo_[k + 1])) return k
	return place_n
}

function place_run_class(before, after,    c) {
	if (before + 0 <= 0 || place_n == 0) return ""
	c = place_of(before)
	return after + 0 > 0 && place_of(after) != c ? "moved" : c
}

function place_tag(c) { return substr("ABCDEFGHIJKLMNOPQRSTUVWXYZ", c, 1) }
function place_label(c) { return place_tag(c) " (" place_name[c] ")" }

function place_decide(    i, c, id) {
	place_classes_()
	place_moved_runs = place_unbracketed_runs = 0
	for (i = 1; i <= place_np_; i++) {
		c = place_run_class(place_b_[i], place_a_[i])
		id = place_id_of_[i]
		if (c == "moved") {
			place_moved[place_key_[i]]++
			if (!(id in place_seen_)) place_moved_runs++
		} else {
			cell_put(place_key_[i], place_r_[i], c, place_v_[i])
			stat_add("place:" place_key_[i] "/" c, place_v_[i])
			if (place_a_[i] == 0) place_unbracketed[place_key_[i], c]++
			if (!(id in place_seen_)) place_runs[c]++
			if (!(id in place_seen_) && place_a_[i] == 0) place_unbracketed_runs++
		}
		place_seen_[id] = 1
	}
}

function place_sample(key, c) { return "place:" key "/" c }
function place_ratio(a, b, c) { return cell_ratio(a, b, c) }

function place_runs_note(key, c,    n, u) {
	n = stat_n(place_sample(key, c)); u = place_unbracketed[key, c] + 0
	return u ? sprintf("%d (%d unbracketed)", n, u) : n ""
}

function place_med(f, key, c) { return fmt(f, stat_median(place_sample(key, c))) }
function place_mmm(f, key, c,    k) {
	k = place_sample(key, c)
	if (!stat_n(k)) return "-"
	return sprintf("%s (%s-%s)", fmt(f, stat_median(k)), fmt(f, stat_min(k)), fmt(f, stat_max(k)))
}

# The fewest runs of the keys in class c (place_fewest_) and the most (place_most_); returns the total.
function place_count_(keys, c,    k, nk, key, x, total) {
	nk = split(keys, key, " ")
	place_fewest_ = -1; place_most_ = total = 0
	for (k = 1; k <= nk; k++) {
		x = stat_n(place_sample(key[k], c))
		if (place_fewest_ < 0 || x < place_fewest_) place_fewest_ = x
		if (x > place_most_) place_most_ = x
		total += x
	}
	return total
}
function place_main(keys,    c, total, best, best_fewest, best_total) {
	best = 0
	for (c = 1; c <= place_n; c++) {
		total = place_count_(keys, c)
		if (best == 0 || place_fewest_ > best_fewest || (place_fewest_ == best_fewest && total > best_total)) {
			best = c; best_fewest = place_fewest_; best_total = total
		}
	}
	return best
}
function place_ordered(keys,    c, k, main) {
	main = place_main(keys)
	k = 1
	place_order[1] = main
	for (c = 1; c <= place_n; c++) if (c != main) place_order[++k] = c
	return main
}
function place_range(keys, c) { place_count_(keys, c); return place_fewest_ "-" place_most_ }
function place_keys(pre, name, n, post,    i, keys) {
	for (i = 1; i <= n; i++) keys = keys (i > 1 ? " " : "") pre name[i] post
	return keys
}

function place_summary(    c, s) {
	s = ""
	for (c = 1; c <= place_n; c++)
		s = s (c > 1 ? "; " : "") sprintf("%s: %d runs", place_label(c), place_runs[c])
	if (place_n == 0) s = "none (no run had a probe)"
	s = "Placement classes: " s ". Moved runs left out: " place_moved_runs "."
	if (place_unbracketed_runs)
		s = s " Unbracketed runs (one probe, from before the second was recorded; classed by it): " place_unbracketed_runs "."
	return s
}

function place_rule() {
	return sprintf("Placement: a probe (two-line round trip between the two CPUs) is taken right before and right " \
		"after every run; the classes are clusters of all those probes (sorted, split where one is at least %.2f " \
		"times the one below, a cluster of fewer than %d%% of them, or of %d, merged into its nearer neighbour). A run whose " \
		"two probes fall in two classes moved while it ran: it is left out of every figure. Each figure is a " \
		"median over the runs of one class; each ratio is the median of per-pair ratios, a pair being the two " \
		"queues' runs of one round in the same class (each queue's median where it has several).", \
		PLACE_GAP, PLACE_MIN_SHARE * 100, PLACE_MIN_PROBES)
}
