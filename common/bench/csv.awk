# common/bench/csv.awk: the results CSV read by column name, never by
# position (common/support/harness.h writes it; a column may be added).
# Loaded first, with -F, (awk -F, -f csv.awk [-f stats.awk ...] -f TABLE.awk).
#
# A table starts with the rule `csv_skip() { next }`: it passes over
# comment lines (#...) and blank ones, and reads the first other line of
# each file as that file's header (a line equal to the header later on is
# passed over too). Every row after it is read with col(NAME), e.g.
# col("metric"); a name the header lacks stops the program (exit 2). A
# script that changes a row sets a field with col_set(NAME, VALUE) (then
# print, with -v OFS=,), and one that makes a row from another tool's
# output maps the header it appends to with csv_names(HEADER_LINE), then
# csv_put(NAME, VALUE) ... csv_print().
#
# The variants and experiments CSVs written before their header named the
# wait column (it ended at timer) have it all the same, after timer: rows
# without it read it as "".
#
# A column added later is optional: a file written before it existed lacks
# it, and col() reads it as "" (what that means is the reader's to say).
# col_set() of an absent one stops the program; csv_put() of one leaves it
# out (the header it writes to has no place for it). The optional columns:
#   probe_after_ns  the probe right after each run (common/support/harness.h):
#                   without it a run is unbracketed (placement.awk)
BEGIN { csv_optional_["probe_after_ns"] = 1 }

function csv_names(line,    n, i, name) {
	split("", csv_col_)
	n = split(line, name, ",")
	for (i = 1; i <= n; i++) csv_col_[name[i]] = i
	if (!("wait" in csv_col_) && name[n] == "timer") csv_col_["wait"] = ++n
	csv_n = n
	csv_header_ = line
}

function csv_skip() {
	if (FNR == 1) csv_have_header_ = 0
	if ($0 ~ /^#/ || $0 == "") return 1
	if (!csv_have_header_) { csv_names($0); csv_have_header_ = 1; return 1 }
	return $0 == csv_header_
}

# The position of a column; 0 for an optional column the header lacks; else
# (a column the header lacks) the end of the program.
function csv_index(name) {
	if (!(name in csv_col_) && (name in csv_optional_)) return 0
	if (!(name in csv_col_)) csv_missing_(name)
	return csv_col_[name]
}
function csv_missing_(name) {
	printf "csv.awk: %s has no column '%s' (header: %s)\n", (FILENAME == "" ? "the input" : FILENAME), name, csv_header_ > "/dev/stderr"
	exit 2
}
function col(name,    i) { i = csv_index(name); return i ? $i : "" }
function col_set(name, v,    i) { i = csv_index(name); if (!i) csv_missing_(name); $i = v }

# A row of the header csv_names() was given, field by field.
function csv_put(name, v,    i) { i = csv_index(name); if (i) csv_row_[i] = v }
function csv_print(    i, line) {
	line = ""
	for (i = 1; i <= csv_n; i++) line = line (i > 1 ? "," : "") ((i in csv_row_) ? csv_row_[i] : "")
	print line
	split("", csv_row_)
}
