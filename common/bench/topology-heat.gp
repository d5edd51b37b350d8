# make topology (common/bench/topology.sh): the probe's median for every
# pair of CPUs, CPU x CPU (symmetric; the diagonal, a CPU with itself, is
# empty). Two hardware threads of one core, two cores sharing the
# last-level cache and two caches apart show as blocks of colour.
set title sprintf("The probe for every pair of CPUs (median round trip, ns)\n{/*0.8 %s}", machine)
set xlabel 'CPU'
set ylabel 'CPU'
set cblabel 'probe round trip, median (ns)'
set size ratio -1
set grid noxtics noytics nomytics
set palette defined (0 '#27ae60', 1 '#f1c40f', 2 '#e67e22', 3 '#c0392b')
stats dir.'/topology-raw/heat.dat' using 1 nooutput
set xrange [STATS_min - 0.5:STATS_max + 0.5]
set yrange [STATS_min - 0.5:STATS_max + 0.5]
set key off
# Each cell's figure too, where the cells are large enough to hold one.
if (STATS_max < 16) {
	plot dir.'/topology-raw/heat.dat' using 1:2:(0.5):(0.5):3 with boxxyerror fs solid 1.0 noborder fc palette, \
	     '' using 1:2:(sprintf('%.0f', column(3))) with labels font ',9'
} else {
	plot dir.'/topology-raw/heat.dat' using 1:2:(0.5):(0.5):3 with boxxyerror fs solid 1.0 noborder fc palette
}
