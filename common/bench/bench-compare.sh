#!/bin/sh
# common/bench/bench-compare.sh LATEST REFERENCE: the reader's figures beside the
# committed reference, both read from their progression.md tables, with the
# ratio yours / reference for each. The first number of a cell is its figure.
set -eu
latest=${1:?usage: bench-compare.sh LATEST.md REFERENCE.md}
ref=${2:?REFERENCE.md}

echo "Your run beside the reference ($(sed -n 's/^Machine: //p' "$ref" | head -n 1))"
echo
awk -F'|' '
	function trim(x) { gsub(/^ +| +$/, "", x); return x }
	FNR == 1 { file++; intable = 0; done = 0 }
	done { next }
	/^\| stage \|/ {
		for (i = 2; i < NF; i++) col[file, trim($i)] = i
		intable = 1; next
	}
	intable && /^\|---/ { next }
	intable && /^\|/ {
		st = trim($2); stages[st] = 1; if (file == 1) order[++n] = st
		for (k = 1; k <= nk; k++) val[file, st, k] = trim($(col[file, key[k]])) + 0
		next
	}
	intable { done = 1 }
	BEGIN {
		nk = split("throughput Mitems/s median (min-max)|RTT p50 ns|RTT p99 ns|instr per push+pop|seed-st send ms", key, "|")
		split("throughput Mitems/s|RTT p50 ns|RTT p99 ns|instr/pair|seed-st send ms", short, "|")
	}
	function ratio(a, b) { return b > 0 ? sprintf("%.2f", a / b) : "-" }
	END {
		printf "| stage |"
		for (k = 1; k <= nk; k++) printf " %s: yours | ref | ratio |", short[k]
		printf "\n|---|"
		for (k = 1; k <= nk; k++) printf "--:|--:|--:|"
		printf "\n"
		for (i = 1; i <= n; i++) {
			st = order[i]; printf "| %s |", st
			for (k = 1; k <= nk; k++)
				printf " %g | %g | %s |", val[1, st, k], val[2, st, k], ratio(val[1, st, k], val[2, st, k])
			printf "\n"
		}
	}' "$latest" "$ref"
