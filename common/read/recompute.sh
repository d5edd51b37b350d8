#!/bin/sh
# common/read/recompute.sh: recompute figures the notes quote, from the
# committed files they name, and check that the notes still say them.
#
#   sh common/read/recompute.sh [LIST ...]        check every line of the lists
#                                                 (default: notes/recompute/*.list)
#   sh common/read/recompute.sh --pick N SEED     N numbers drawn at random from
#                                                 the notes, with their lines: how
#                                                 the lists were chosen
#
# The draw depends on the notes' text and on awk's rand(): the lists of
# notes/recompute/ follow `--pick 100000 20261203` over the notes of commit
# cbf6c38, with Debian's mawk 1.3.4 (another awk, or today's notes, give
# another order). The recomputation shares no code with the tables it
# checks (common/bench/csv.awk, stats.awk, placement.awk): its own CSV
# reading, median and pairing, so that a fault there cannot hide itself.
#
# A list line (| separates four fields; # starts a comment line):
#
#   TEXT FILE | QUOTE | FIGURE | RECIPE
#
#   TEXT FILE  a chapter under notes/ (NN-name.md, origin.md), or README.md or
#              notes/README.md, where QUOTE, an exact piece of one line
#              (without a |), must still stand;
#   FIGURE     the number as QUOTE writes it (commas allowed), which must
#              appear in QUOTE; the recomputed value is rounded to as many
#              decimals as FIGURE has and must be equal to it;
#   RECIPE     how to recompute it, paths under notes/results/reference/:
#     STAT[:COLUMN] CSV [FILTER ...]  median | min | max | n | mean of the value
#                                   column (or COLUMN) of the rows the filters keep
#     ratio CSV [FILTER ...] / [FILTER ...] / [FILTER ...]
#                                   median of per-round ratios, the rows of the
#                                   first filter set over those of the second,
#                                   paired by round (and run), both kept by the
#                                   third (shared) set; ratio-min, ratio-max: the
#                                   extremes of the same ratios
#     text FILE REGEX               a line of FILE matches REGEX (an awk regular
#                                   expression) and holds FIGURE, with or without
#                                   its commas: a count a tool printed
#     cell FILE ROW COL             in FILE's Markdown table, the first row whose
#                                   first cell is ROW (or ROW with each _ read as
#                                   a space): its COLth cell (1 = first) holds
#                                   FIGURE, with or without its commas
#     calc EXPR                     an awk expression: arithmetic on quoted figures
#   FILTER     COLUMN=VALUE, COLUMN!=VALUE, COLUMN~REGEX, or probe=LO..HI: the
#              run's probe_ns, and its probe_after_ns where the file has one and
#              it is not 0, both within LO..HI (a placement class: a run that
#              moved out of it is left out, as the tables leave it out).
#
# Exit 0: every line holds; 1: some line does not (each is printed); 2: bad use.
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
ref=$top/notes/results/reference

usage() { sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'; }

case "${1:-}" in
-h|--help) usage; exit 0 ;;
--pick)
	n=${2:-}; seed=${3:-}
	case "$n$seed" in ''|*[!0-9]*) echo "usage: $0 --pick N SEED" >&2; exit 2 ;; esac
	cd "$top" || exit 2
	# Every number of every chapter and README line, outside code blocks and
	# links, one per line as FILE:LINE: NUMBER | the line; then N at random.
	for f in notes/[0-9]*.md notes/README.md notes/origin.md README.md; do
		awk -v f="$f" '/^```/ { code = !code; next } code { next }
			{ s = $0; gsub(/\]\([^)]*\)/, "]", s); gsub(/`[^`]*`/, "", s)
			  while (match(s, /[0-9][0-9,]*(\.[0-9]+)?/)) {
				t = substr(s, RSTART, RLENGTH); pre = substr(s, 1, RSTART - 1)
				# not figures: one digit, a chapter, stage or claim number, a heading
				if (t !~ /^[0-9]$/ && pre !~ /([Cc]hapters?|[Ss]tages?|O|STAGE=|^#+) *$/)
					printf "%s:%d: %s | %s\n", f, NR, t, $0
				s = substr(s, RSTART + RLENGTH) } }' "$f"
	done | awk -v seed="$seed" 'BEGIN { srand(seed) } { printf "%.9f\t%s\n", rand(), $0 }' |
		sort -n | head -n "$n" | cut -f2-
	exit 0 ;;
esac

[ $# -gt 0 ] || set -- "$top"/notes/recompute/*.list
for l in "$@"; do [ -r "$l" ] || { echo "recompute: cannot read $l" >&2; exit 2; }; done

# One awk program reads the lists; for each line it reads the files it needs.
awk -v top="$top" -v ref="$ref" '
function trim(s) { gsub(/^[ \t]+|[ \t]+$/, "", s); return s }
function fail(why) { bad++; printf "MISMATCH %s:%d: %s\n   %s\n", FILENAME, FNR, why, $0; return 0 }
function decimals(x) { return index(x, ".") ? length(x) - index(x, ".") : 0 }
function rnd(v, d) { return sprintf("%." d "f", v) + 0 }
# The rows of csv f the filters flt[1..nf] keep: their values in got[1..], their pair keys in key[].
function csv_read(f,    line, n, i, h) {
	if (f in loaded) return 1
	n = 0
	while ((getline line < f) > 0) {
		if (line ~ /^#/ || line ~ /^[ \t]*$/) continue
		if (!((f, "hdr") in hcol)) {
			nh = split(line, h, ",")
			for (i = 1; i <= nh; i++) hcol[f, "col", h[i]] = i
			hcol[f, "hdr"] = 1
			continue
		}
		rows[f, ++n] = line
	}
	close(f)
	if (!n) return 0
	nrows[f] = n; loaded[f] = 1
	return 1
}
function col(f, r, name,    c) {
	if (!((f, "col", name) in hcol)) { colerr = name; return "" }
	c = hcol[f, "col", name]
	return r[c]
}
# Whether row (split into r) of f passes filter string s.
function keep(f, r, s,    op, name, v, x, arg, lo, hi, pa) {
	if (s ~ /^probe=/) {
		split(substr(s, 7), x, /\.\./); lo = x[1] + 0; hi = x[2] + 0
		v = col(f, r, "probe_ns") + 0
		if (v < lo || v > hi) return 0
		if ((f, "col", "probe_after_ns") in hcol) { pa = r[hcol[f, "col", "probe_after_ns"]] + 0
			if (pa != 0 && (pa < lo || pa > hi)) return 0 }
		return 1
	}
	if (match(s, /!=|=|~/) == 0) { colerr = "filter " s; return 0 }
	op = substr(s, RSTART, RLENGTH); name = substr(s, 1, RSTART - 1); arg = substr(s, RSTART + RLENGTH)
	v = col(f, r, name)
	if (op == "=") return v == arg
	if (op == "!=") return v != arg
	return v ~ arg
}
# Values of the rows of f passing every filter of set (space-separated) into out[]; returns count.
function select(f, set, out, pairs, vcol,    i, nfl, fl, r, k, n, ok) {
	nfl = split(set, fl, " ")
	n = 0
	for (i = 1; i <= nrows[f]; i++) {
		split(rows[f, i], r, ",")
		ok = 1
		for (k = 1; k <= nfl && ok; k++) if (!keep(f, r, fl[k])) ok = 0
		if (!ok) continue
		out[++n] = col(f, r, vcol) + 0
		pairs[n] = col(f, r, "round") "/" col(f, r, "run")
	}
	return n
}
function sortn(a, n,    i, j, t) { for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t } }
function median(a, n) { sortn(a, n); return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
function stat(how, a, n,    i, s) {
	if (how == "n") return n
	if (!n) return "none"
	sortn(a, n)
	if (how == "min") return a[1]
	if (how == "max") return a[n]
	if (how == "median") return median(a, n)
	if (how == "mean") { s = 0; for (i = 1; i <= n; i++) s += a[i]; return s / n }
	return "bad stat " how
}
BEGIN { FS = "|" }
/^[ \t]*(#|$)/ { next }
{
	checked++
	if (NF < 4) { fail("needs four fields"); next }
	tf = trim($1); quote = trim($2); fig = trim($3)
	recipe = trim($4); for (i = 5; i <= NF; i++) recipe = recipe "|" $i
	path = (tf == "README.md" || tf ~ /^notes\// ? top "/" tf : top "/notes/" tf)
	found = 0
	while ((getline line < path) > 0) if (index(line, quote)) { found = 1; break }
	close(path)
	if (!found) { fail(tf " no longer says \"" quote "\""); next }
	if (!index(quote, fig)) { fail("the quote does not hold the figure " fig); next }
	want = fig; gsub(/,/, "", want)
	split(recipe, w, " ")
	how = w[1]; colerr = ""
	if (how == "text") {
		f = ref "/" w[2]; re = recipe; sub(/^text[ \t]+[^ \t]+[ \t]+/, "", re)
		hit = 0
		while ((getline line < f) > 0) if (line ~ re && (index(line, fig) || index(line, want))) { hit = 1; break }
		close(f)
		if (!hit) fail("no line of " w[2] " matches /" re "/ and holds " fig)
		else ok++
		next
	}
	if (how == "cell") {
		f = ref "/" w[2]; rowname = w[3]; gsub(/_/, " ", rowname); c = w[4] + 1
		hit = ""
		while ((getline line < f) > 0) {
			if (line !~ /^\|/) continue
			split(line, cells, "|")
			if (trim(cells[2]) == w[3] || trim(cells[2]) == rowname) { hit = trim(cells[c + 0]); break }
		}
		close(f)
		if (hit == "") fail("no row " rowname " in " w[2])
		else if (!index(hit, fig) && !index(hit, want)) fail("cell is \"" hit "\", not " fig)
		else ok++
		next
	}
	if (how == "calc") {
		ex = recipe; sub(/^calc[ \t]+/, "", ex)
		cmd = "awk \"BEGIN { printf \\\"%.12g\\\", " ex " }\""
		cmd | getline got; close(cmd)
	} else {
		f = ref "/" w[2]
		if (!csv_read(f)) { fail("cannot read " w[2]); next }
		rest = recipe; sub(/^[^ \t]+[ \t]+[^ \t]+[ \t]*/, "", rest)
		if (how ~ /^ratio/) {
			ns = split(rest, sets, "/")
			if (ns < 2) { fail("ratio needs A / B"); next }
			shared = (ns >= 3 ? sets[3] : "")
			delete va; delete pa; delete vb; delete pb
			na = select(f, sets[1] " " shared, va, pa, "value"); nb = select(f, sets[2] " " shared, vb, pb, "value")
			delete bv; for (i = 1; i <= nb; i++) bv[pb[i]] = vb[i]
			delete rr; n = 0
			for (i = 1; i <= na; i++) if ((pa[i] in bv) && bv[pa[i]] != 0) rr[++n] = va[i] / bv[pa[i]]
			sub(/^ratio-?/, "", how); if (how == "") how = "median"
			got = stat(how, rr, n)
		} else {
			delete va; delete pa
			vcol = "value"
			if (index(how, ":")) { vcol = substr(how, index(how, ":") + 1); how = substr(how, 1, index(how, ":") - 1) }
			n = select(f, rest, va, pa, vcol)
			got = stat(how, va, n)
		}
	}
	if (colerr != "") { fail("no column or bad " colerr); next }
	if (got == "none" || got ~ /^bad/) { fail("recipe gives " got); next }
	if (rnd(got, decimals(want)) != want + 0) { fail(sprintf("recomputed %.6g, which rounds to %s, not %s", got, sprintf("%." decimals(want) "f", got), fig)); next }
	ok++
}
END {
	printf "== recompute: %d figures checked against the committed files, %d hold, %d do not\n", checked, ok, bad
	if (!checked) print "recompute: no list line to check" > "/dev/stderr"
	exit (bad || !checked) ? 1 : 0
}' "$@"
