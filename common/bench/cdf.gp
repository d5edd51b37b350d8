# Latency CDF per stage, from every latency round's histogram merged.
set title sprintf("Round-trip latency CDF (ping-pong over two queues)\n{/*0.8 %s}", machine)
set xlabel 'round trip (ns, log scale)'
set ylabel 'fraction of round trips at or below'
set logscale x
set format x '10^{%L}'
set yrange [0:1.02]
set key bottom right
plot for [i=0:words(names) - 1] dir.'/cdf.dat' index i using 1:2 with steps lt (i+1) title word(names, i+1)
