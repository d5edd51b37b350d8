# stage5-waitfree/extensions/elem/elem-table.awk: elem.md from the rows of
# make bench-elem (bench_elem.c's, in the harness's CSV, read by column
# name). Called by bench-elem.sh with -v caption=... -v flags=...
# -v queues="NAME..." (elem-copy first) -v sizes="8 16 ..." -v modes=
# "single burst" -v rounds=N -v items=N -v burst=N -v capacity=N, after
# common/bench/csv.awk, stats.awk and placement.awk, as bench-wait's table is.
#
# A run is one queue, size and mode (workload elem-MODE-SIZE); it is filed
# in the placement class of its two probes (placement.awk), and a run that
# moved is left out and counted. Every figure is a median over the runs of
# one class, min-max over them; a ratio is the median of per-pair ratios
# (the two queues' runs of one size and mode in one round, in the same
# class), never a ratio of medians, never across classes. A table per
# class, the main one (where the queue with the fewest runs has the most)
# first: every queue at every size and mode, then the ratios the targets
# are about.

csv_skip() { next }
{
	q = col("stage_name"); m = col("metric"); v = col("value")
	if (split(col("workload"), part, "-") != 3 || part[1] != "elem") next
	key = q "/" part[3] "/" part[2]
	seen[key] = 1
}
m == "mitems_per_s" { place_put("mi/" key, v); place_put("probe/" key, col("probe_ns")) }
m == "gbytes_per_s" { place_put("gb/" key, v) }

# "median (min-max), N pairs" of the per-pair ratios a / b (keys QUEUE/SIZE/MODE) in class c; "-" without a pair.
function ratio(a, b, c,    k) {
	if (!(a in seen) || !(b in seen)) return "-"
	k = place_ratio("mi/" a, "mi/" b, c)
	if (!stat_n(k)) return "-"
	return sprintf("%.2f (%.2f-%.2f), %d", stat_median(k), stat_min(k), stat_max(k), stat_n(k))
}

# The per-pair median a / b in class c against a target: "x.xx: met", "x.xx: not met", or "-".
function verdict(a, b, c, target,    k) {
	if (!(a in seen) || !(b in seen)) return "-"
	k = place_ratio("mi/" a, "mi/" b, c)
	if (!stat_n(k)) return "no pair in this class"
	return sprintf("%.2f (%d pairs): %s", stat_median(k), stat_n(k), stat_median(k) >= target ? "met" : "not met")
}

# Every queue at every size and mode, in class c.
function queue_table(c,    s, m, i, key) {
	print "| size B | mode | queue | runs | Mitems/s median (min-max) | GB/s median (min-max) | / elem-copy, per pair: median (min-max), pairs | probe median ns | moved runs left out |"
	print "|--:|---|---|--:|--:|--:|--:|--:|--:|"
	for (s = 1; s <= ns; s++) for (m = 1; m <= nm; m++) for (i = 1; i <= nq; i++) {
		key = ql[i] "/" sl[s] "/" ml[m]
		if (!(key in seen)) continue
		printf "| %s | %s | %s | %s | %s | %s | %s | %s | %d |\n", sl[s], ml[m], ql[i], place_runs_note("mi/" key, c), \
			place_mmm("%.1f", "mi/" key, c), place_mmm("%.2f", "gb/" key, c), \
			(ql[i] == base ? "1" : ratio(key, base "/" sl[s] "/" ml[m], c)), place_med("%.0f", "probe/" key, c), \
			place_moved["mi/" key]
	}
}

# The ratios of the issue, per size and mode, in class c; then its targets.
function ratio_table(c,    s, m, k) {
	print "\n| size B | mode | elem-claim / elem-copy | elem-copy / boost | elem-copy / dpdk | slot / elem-copy |"
	print "|--:|---|--:|--:|--:|--:|"
	for (s = 1; s <= ns; s++) for (m = 1; m <= nm; m++) {
		k = "/" sl[s] "/" ml[m]
		printf "| %s | %s | %s | %s | %s | %s |\n", sl[s], ml[m], ratio("elem-claim" k, base k, c), \
			ratio(base k, "boost" k, c), ratio(base k, "dpdk" k, c), ratio("slot" k, base k, c)
	}
	print "\nTargets (per-pair medians, this class):\n"
	for (m = 1; m <= nm; m++) {
		printf "- claim/commit at 256 B, %s: elem-claim / elem-copy at least 1.10: %s\n", ml[m], \
			verdict("elem-claim/256/" ml[m], base "/256/" ml[m], c, 1.10)
		printf "- stage 5 at 64 B, %s: elem-copy / boost at least 1.00: %s; elem-copy / dpdk at least 1.00: %s\n", \
			ml[m], verdict(base "/64/" ml[m], "boost/64/" ml[m], c, 1), verdict(base "/64/" ml[m], "dpdk/64/" ml[m], c, 1)
	}
}

END {
	nq = split(queues, ql, " "); ns = split(sizes, sl, " "); nm = split(modes, ml, " ")
	base = ql[1]
	place_decide()

	print "# Payloads of any size: spsc_elem.h and spsc_claim.h beside the slot ring, Boost.Lockfree and DPDK (`make bench-elem`)\n"
	print "Machine: " caption ".\n"
	print "Flags: " flags ".\n"
	printf "Rounds: %d; %d items per run, capacity %d, bursts of %d. %s\n", rounds, items, capacity, burst, place_summary()
	if (place_n == 0) exit
	for (k in seen) keys = keys (keys == "" ? "" : " ") "mi/" k
	place_ordered(keys)
	for (k = 1; k <= place_n; k++) {
		printf "\n## Class %s%s\n\n", place_label(place_order[k]), (k == 1 ? " (the main class)" : "")
		queue_table(place_order[k])
		ratio_table(place_order[k])
	}
	print "\nEvery figure is the median over the runs of its class, min-max over them; a ratio is the median of " \
	      "per-pair ratios of Mitems/s, a pair being two queues' runs of one size and mode in one round, in the " \
	      "same class (min-max and the number of pairs follow it). GB/s: bytes of payload per second (items x size; " \
	      "1 GB = 10^9 bytes). The item is a struct of size / 8 words: the producer writes every word, the consumer " \
	      "reads and checks every word. elem-copy builds each item in memory of its own and copies it in " \
	      "(try_push, try_push_n), and pops into memory of its own (try_pop, try_pop_n), as boost, dpdk and slot " \
	      "do through their calls; elem-claim writes and reads the words in the slots (claim/commit, peek/release, " \
	      "and their _n forms). Burst: up to " burst " items per call. slot, the slot-signalled ring (spsc_slot_elem.h), " \
	      "has no bulk calls: single items only; its slot is the item and an 8-byte sequence word, aligned to the " \
	      "smallest power of two that holds both, up to a line (16, 32, 128 and 320 bytes for 8, 16, 64 and 256). dpdk keeps one slot free (capacity - 1 " \
	      "items); boost's slots are not aligned to cache lines (std::allocator), the others' are. elem.csv has every run.\n\n" place_rule()
}
