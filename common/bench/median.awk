# common/bench/median.awk: the median of one metric's values in the
# driver's CSV rows, read by column name. Loaded after csv.awk and
# stats.awk, with -v metric=NAME. Prints nothing when no row has it.
csv_skip() { next }
col("metric") == metric { stat_add("m", col("value")) }
END { if (stat_n("m")) print stat_median("m") }
