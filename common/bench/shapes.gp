# The load shapes (common/bench/shapes.sh): per wait policy, one panel of
# clustered bars, a cluster per shape, a bar per queue: items/s over what
# the work (or the bursts' period) allows, the median over the runs of the
# main placement class (each panel's title names it). Set by shapes.sh:
# raw (the folder of the .dat files), files (their names, one per policy,
# in the order of waits), waits (the policies, space-separated), names (the
# queues).
set style data histogram
set style histogram clustered gap 1
set style fill solid 0.5 border
set boxwidth 0.9
set datafile missing '-'
set yrange [0:1.35]
set xrange [-0.6:3.6] # the four shapes
set ylabel 'items/s / work bound'
set xtics noenhanced
set key top right horizontal box opaque noenhanced font ',9'
rows = words(waits) > 2 ? (words(waits) + 1) / 2 : words(waits)
set multiplot layout rows, (words(waits) > 2 ? 2 : 1) title sprintf("Load shapes: items/s over the work bound\n{/*0.8 %s}", machine)
do for [k = 1:words(waits)] {
	w = word(waits, k)
	f = raw.'/'.word(files, k)
	set title sprintf('wait policy %s, %s', w, system(sprintf("sed -n '1s/^# class \\(.*\\), wait policy.*/class \\1/p' '%s'", f))) noenhanced
	plot for [i = 2:words(names) + 1] f using i:xtic(1) title word(names, i - 1)
}
unset multiplot
