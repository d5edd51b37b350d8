# Throughput against capacity, one line per stage. Stage 1 is unbounded:
# there the capacity is only its initial buffer length.
set title sprintf("Throughput against capacity (stage 1: initial length, it grows)\n{/*0.8 %s}", machine)
set xlabel 'capacity (items, log2 scale)'
set ylabel 'throughput (million items/s, log scale)'
set logscale x 2
set logscale y
set format x '2^{%L}'
set key bottom right
plot for [i=0:words(names) - 1] dir.'/capacity.dat' index i using 1:2 with linespoints lt (i+1) title word(names, i+1)
