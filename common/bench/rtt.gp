# Ping-pong round trip percentiles per stage (medians over latency rounds).
set xtics noenhanced # names, not formulas
set title sprintf("Round-trip latency percentiles per stage (ping-pong over two queues)\n{/*0.8 %s}", machine)
set ylabel 'round trip (ns, log scale)'
set xlabel 'stage'
set xtics font ',9'
set logscale y
set format y '10^{%L}'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.7 border
set boxwidth 0.9
set key top right
plot dir.'/rtt.dat' using 3:xtic(2) title 'p50' lt 4, \
     '' using 4 title 'p90' lt 3, \
     '' using 5 title 'p99' lt 2, \
     '' using 6 title 'p99.9' lt 1
