# common/bench/bench-style.gp: what every benchmark chart shares.
# Loaded before each chart script by bench_charts (bench-lib.sh), which sets
# `dir` (the results folder), `machine` (for the titles), `names` (the
# stage names, space-separated, where a chart needs them) and the terminal
# and output. Key titles are plain text, and so are the name labels under
# the bars (`set xtics noenhanced` in each bar chart): gnuplot's enhanced
# mode would read the _ in peer-ck_ring as a subscript.
set grid ytics mytics xtics lc rgb '#dddddd'
set border 3
set tics nomirror
set key top left box opaque
set datafile commentschars '#'
set linetype 1 lc rgb '#c0392b' lw 2 pt 7
set linetype 2 lc rgb '#e67e22' lw 2 pt 5
set linetype 3 lc rgb '#27ae60' lw 2 pt 9
set linetype 4 lc rgb '#2980b9' lw 2 pt 11
set linetype 5 lc rgb '#8e44ad' lw 2 pt 13
set key noenhanced
