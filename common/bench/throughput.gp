# Throughput per stage: median over rounds, whiskers from min to max.
# Log scale: the stages span two orders of magnitude.
set xtics noenhanced rotate by -20 # names, not formulas
set title sprintf("Throughput per stage (median, min-max over rounds)\n{/*0.8 %s}", machine)
set ylabel 'throughput (million items/s, log scale)'
set xlabel 'stage'
set logscale y
set xrange [0.4:words(names) + 0.6]
set style fill solid 0.35 border
set boxwidth 0.6
set key off
plot dir.'/throughput.dat' using 1:3:(0.6):1:xtic(2) with boxes lc variable, \
     '' using 1:3:4:5 with yerrorbars lc rgb 'black' pt 7 ps 0.6, \
     '' using 1:(column(3)*1.25):(sprintf('%.1f', column(3))) with labels font ',10'
