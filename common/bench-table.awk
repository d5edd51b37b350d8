# common/bench-table.awk: the driver's CSV rows -> progression table + plot data.
#
#   awk -F, -v dir=OUTDIR -v caption=TEXT -v perf=STATUS -v mode=MODE -f bench-table.awk rows.csv
#
# Columns of a row: 1 stage, 2 stage_name, 3 workload, 4 round, 5 run,
# 6 metric, 7 value, 8 unit, 9 capacity, 10 items, 11 probe_ns, 12 cpus, 13 timer.
# Every figure is a median over rounds; a speedup is the median of the
# per-round ratios (both stages ran in the same round, so in much the same
# regime of the VM), never a ratio of medians.

# Append v to the sample named key.
function add(key, v) { cnt[key]++; sample[key, cnt[key]] = v }

# Sorts the sample named key into s[1..n]; returns n.
function sorted(key, s,    n, i, j, v) {
	n = cnt[key] + 0
	for (i = 1; i <= n; i++) {
		v = sample[key, i]
		for (j = i - 1; j >= 1 && s[j] > v; j--) s[j + 1] = s[j]
		s[j + 1] = v
	}
	return n
}
function med(key,    s, n) {
	n = sorted(key, s)
	if (n == 0) return ""
	return n % 2 ? s[(n + 1) / 2] : (s[n / 2] + s[n / 2 + 1]) / 2
}
function lo(key,    s) { return sorted(key, s) ? s[1] : "" }
function hi(key,    s, n) { n = sorted(key, s); return n ? s[n] : "" }
function fmt(fmtstr, v) { return v == "" ? "-" : sprintf(fmtstr, v) }
# items/s as 7.19M: the origin quotes "~10M ops/sec".
function mega(v) { return v == "" ? "-" : sprintf("%.2fM", v / 1e6) }

FNR == 1 && $1 == "stage" { next }
{
	s = $1; w = $3; r = $4; m = $6; v = $7 + 0
	name[s] = $2
	if (w == "seed-st" || w == "seed-mt") add(w "/" m "/" s, v)
	else if (w == "throughput" && $5 > 0 && m == "mitems_per_s") {
		add("tp/" s, v); add("probe/" s, $11)
		tp[s, r] = v; probe[s, r] = $11; rounds[r] = 1
	}
	else if (w == "latency") add("lat/" m "/" s, v)
	else if (w == "capacity") { add("cap/" s "/" $9, v); caps[$9] = 1 }
	else if (w == "alloc") alloc[m, s] = v
	else if (w == "callgrind") ir[s] = v
	else if (w == "perf") perfv[m, s] = v
}

END {
	# Per-round ratios: stage s against stage 1 and against stage s-1.
	for (r in rounds) {
		for (s = 2; s <= 5; s++) {
			if (!((s, r) in tp) || !((s - 1, r) in tp) || !((1, r) in tp)) continue
			add("speed/" s, tp[s, r] / tp[1, r])
			add("step/" s, tp[s, r] / tp[s - 1, r])
		}
		if ((1, r) in tp && (5, r) in tp && probe[1, r] < 200 && probe[5, r] < 200) {
			add("fast51", tp[5, r] / tp[1, r]); fast++
		}
	}

	md = dir "/progression.md"
	print "# The progression: five SPSC queues on one machine\n" > md
	print "Machine: " caption ".\n" > md
	print "| stage | seed-st send ms | seed-st receive ms | seed-mt total ms | seed-mt items/s | throughput Mitems/s median (min-max) | speedup over stage 1 | RTT p50 ns | RTT p99 ns | instr per push+pop | perf cycles / instr / cache-misses per item | growths seed-st / throughput | probe median ns |" > md
	print "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|" > md
	for (s = 1; s <= 5; s++) {
		if (!(s in name)) continue
		speed = s == 1 ? "1.0x" : fmt("%.1fx", med("speed/" s))
		if (perf != "available") pf = perf
		else pf = sprintf("%.1f / %.1f / %.3f", perfv["perf_cycles_per_item", s], \
			perfv["perf_instructions_per_item", s], perfv["perf_cache-misses_per_item", s])
		# Stage 1 reports its growths; the others' 0 is the counted allocations.
		if (("seed-st_growths", s) in alloc) gr = alloc["seed-st_growths", s] " / " alloc["throughput_growths", s]
		else if (("seed-st_allocs", s) in alloc) gr = sprintf("%d / %d (counted)", alloc["seed-st_allocs", s], alloc["throughput_allocs", s])
		else gr = "-"
		printf "| %s | %s | %s | %s | %s | %s (%s-%s) | %s | %s | %s | %s | %s | %s | %s |\n", name[s], \
			fmt("%.2f", med("seed-st/send_ms/" s)), fmt("%.2f", med("seed-st/receive_ms/" s)), \
			fmt("%.2f", med("seed-mt/total_ms/" s)), mega(med("seed-mt/items_per_s/" s)), \
			fmt("%.1f", med("tp/" s)), fmt("%.1f", lo("tp/" s)), fmt("%.1f", hi("tp/" s)), speed, \
			fmt("%.0f", med("lat/rtt_p50_ns/" s)), fmt("%.0f", med("lat/rtt_p99_ns/" s)), \
			((s in ir) ? ir[s] : "-"), pf, gr, fmt("%.0f", med("probe/" s)) > md
	}
	print "\nEvery figure is the median over rounds in which the five stages took turns; " \
	      "min-max is over those rounds; a speedup is the median of per-round ratios. " \
	      "The probe is a ping-pong of two cache lines (each written by one CPU), in ns per round trip, " \
	      "taken before every throughput run: it shows which regime the VM was in. RTT: ping-pong over two " \
	      "queues, timed with clock_gettime. Instructions: callgrind, per push+pop pair on one thread, " \
	      "loop and check included. results.csv has every run." > md

	print "\n## Acceptance ratios (medians of per-round throughput ratios)\n" > md
	print "| ratio | median | rounds | target |" > md
	print "|---|--:|--:|--:|" > md
	printf "| stage 5 / stage 1, all rounds | %s | %d | >= 10 |\n", fmt("%.1f", med("speed/5")), cnt["speed/5"] > md
	printf "| stage 5 / stage 1, fast-regime rounds (probe < 200 ns) | %s | %d | >= 30 |\n", \
		(fast ? sprintf("%.1f", med("fast51")) : "no fast round"), fast > md
	for (s = 2; s <= 5; s++)
		printf "| stage %d / stage %d | %s | %d | %s |\n", s, s - 1, fmt("%.2f", med("step/" s)), \
			cnt["step/" s], (s >= 3 ? ">= 1" : "-") > md

	# Plot data: one line per stage, and one block per stage for the sweep.
	f = dir "/throughput.dat"
	print "# stage_index stage median_mitems min max probe_median_ns" > f
	for (s = 1; s <= 5; s++)
		if (("tp/" s) in cnt)
			printf "%d %s %.3f %.3f %.3f %.1f\n", s, name[s], med("tp/" s), lo("tp/" s), hi("tp/" s), med("probe/" s) > f
	f = dir "/rtt.dat"
	print "# stage_index stage p50 p90 p99 p99.9 (ns, medians over rounds)" > f
	for (s = 1; s <= 5; s++)
		if (("lat/rtt_p50_ns/" s) in cnt)
			printf "%d %s %.0f %.0f %.0f %.0f\n", s, name[s], med("lat/rtt_p50_ns/" s), med("lat/rtt_p90_ns/" s), \
				med("lat/rtt_p99_ns/" s), med("lat/rtt_p99.9_ns/" s) > f
	f = dir "/capacity.dat"
	for (s = 1; s <= 5; s++) {
		if (!(s in name)) continue
		printf "# %s: capacity mitems_per_s (median over rounds)\n", name[s] > f
		for (c = 2; c <= 16777216; c *= 2)
			if (("cap/" s "/" c) in cnt) printf "%d %.3f\n", c, med("cap/" s "/" c) > f
		printf "\n\n" > f
	}
}
