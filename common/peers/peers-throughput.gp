# Throughput per queue at two capacities: median bars, min-max whiskers.
set xtics noenhanced # names, not formulas
set title sprintf("Stage 5 and its peers: throughput (median, min-max over rounds)\n{/*0.8 %s}", machine)
set ylabel 'throughput (million items/s, log scale)'
set logscale y
set xrange [0.4:*]
set xtics rotate by -20 font ',9'
set style fill solid 0.5 border
set boxwidth 0.35
set key top right
plot dir.'/peers-throughput.dat' using ($1-0.19):3:(0.35):xtic(2) with boxes lt 4 title 'capacity 65536', \
     '' using ($1-0.19):3:4:5 with yerrorbars lc rgb 'black' pt 7 ps 0.4 notitle, \
     '' using ($1+0.19):6:(0.35) with boxes lt 3 title 'capacity 1024', \
     '' using ($1+0.19):6:7:8 with yerrorbars lc rgb 'black' pt 7 ps 0.4 notitle
