#!/bin/sh
# common/read/asm.sh ARCH QUEUE_DIR LABEL OUTDIR: the compiled spsc_try_push
# and spsc_try_pop of one queue, for one architecture (x86_64 or aarch64),
# each instruction under the source line of spsc.h it was compiled from
# (from the debug line table: objdump -l). Prints the listing; also writes
# it to OUTDIR/LABEL.ARCH.s.
set -eu
if [ $# -ne 4 ]; then
	echo "usage: $0 x86_64|aarch64 QUEUE_DIR LABEL OUTDIR" >&2
	exit 2
fi
arch=$1 dir=$2 label=$3 out=$4
here=$(cd "$(dirname "$0")" && pwd)
case $arch in
x86_64) cc=${ASM_CC:-gcc} objdump=objdump ;;
aarch64) cc=aarch64-linux-gnu-gcc objdump=aarch64-linux-gnu-objdump ;;
*) echo "asm.sh: unknown architecture '$arch' (x86_64 or aarch64)" >&2; exit 2 ;;
esac
command -v "$cc" >/dev/null || { echo "asm.sh: $cc is missing (make deps installs gcc-aarch64-linux-gnu)" >&2; exit 2; }
flags="-std=c11 -O2 -g -DNDEBUG -fno-asynchronous-unwind-tables -fno-stack-protector"
mkdir -p "$out"
obj=$out/$label.$arch.o
# shellcheck disable=SC2086 # the flags are meant to split
"$cc" $flags -I"$dir" -c "$here/asm.c" -o "$obj"
{
	printf '# %s, %s: %s %s (%s)\n' "$label" "$arch" "$cc" "$flags" "$("$cc" -dumpfullversion)"
	for fn in try_push try_pop; do
		echo
		echo "spsc_$fn:"
		"$objdump" -d -l --no-show-raw-insn --no-addresses "--disassemble=asm_$fn" "$obj" | awk -v dir="$dir" '
			/^\/.*:[0-9]+/ {
				# A source position: print the line of spsc.h it names, once per change.
				split($1, p, ":"); file = p[1]; line = p[2] + 0
				n = split(file, parts, "/"); name = parts[n]
				if (name == "asm.c") { src = ""; next }
				if (file ":" line == last) next
				last = file ":" line
				cmd = "sed -n " line "p " file; cmd | getline text; close(cmd)
				gsub(/^[ \t]+/, "", text)
				printf "  %s:%d  %s\n", name, line, text
				next
			}
			/^\t/ { sub(/^\t/, ""); gsub(/<asm_try_/, "<spsc_try_"); printf "        %s\n", $0 }'
	done
} >"$out/$label.$arch.s"
cat "$out/$label.$arch.s"
