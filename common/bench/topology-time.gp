# make topology (common/bench/topology.sh): one pair's probe over time, each
# sample coloured by its cluster (topology.c: a new cluster where a sample
# is at least 1.4 times the one below it). On a small VM the one pair jumps
# between clusters as the hypervisor moves the vCPUs. time.dat holds one
# block per cluster, each headed by its title.
set title sprintf("The probe over time, by cluster (two cache lines bounced between two pinned threads)\n{/*0.8 %s}", machine)
set xlabel 'time since the first sample (s)'
set ylabel 'probe round trip (ns, log scale)'
set logscale y
set key tmargin center horizontal # above the plot: never over a sample
plot for [c=0:*] dir.'/topology-raw/time.dat' index c using 1:2 with points lt c + 1 pt 7 ps 0.6 \
     title columnheader(1)
