# Round-trip latency per queue: p50 and p99 (medians over rounds), with the probe.
set xtics noenhanced # names, not formulas
set title sprintf("Stage 5 and its peers: ping-pong round trip\n{/*0.8 %s}", machine)
set ylabel 'round trip (ns)'
set xtics rotate by -20 font ',9'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.7 border
set boxwidth 0.9
set key top left
set yrange [0:*]
plot dir.'/peers-rtt.dat' using 3:xtic(2) title 'RTT p50' lt 4, \
     '' using 4 title 'RTT p99' lt 2, \
     '' using 5 title 'probe (two-line round trip)' lt 3
