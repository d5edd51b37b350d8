#!/bin/sh
# stage5-waitfree/extensions/slot/check.sh OUTDIR MODEL.pml "SC CAPS" "WEAK CAPS"
#
# Model-checks the protocol of stage5-waitfree/extensions/slot/spsc_slot.h
# with spin (what the model abstracts: the comment at its top) under two
# memory models, as common/abuse/model/check.sh does for stage 5:
# sequential consistency (sc) and a weak model with store buffers,
# load-load and load->store reordering, where acquire and relaxed loads
# differ (weak). Then the variants that must pass, each showing what a
# check cannot see or does not need; then the controls, each of which spin
# must catch. Every line printed names the model and the variant, and
# gives the states explored. Exits 1 if a check fails or a control is not
# caught.
#
# For each capacity: a safety search (assertions and invalid end states:
# loss, duplication, order, unwritten reads, overwrites, the value each
# load of seq finds, deadlock) and, under sc, a non-progress-cycle search
# (livelock), both exhaustive: pan is compiled without partial-order
# reduction (-DNOREDUCE), so every interleaving is visited, and a search
# cut short by the depth limit is a failure. Each run works in its own
# folder under OUTDIR, because pan writes its counterexample (a .trail
# file) beside the model it was generated from.
set -u
if [ $# -ne 4 ] || [ ! -f "$2" ]; then
	echo "usage: $0 OUTDIR MODEL.pml \"SC CAPS\" \"WEAK CAPS\"" >&2
	exit 2
fi
out=$1
model=$2
sc_caps=$3
weak_caps=$4
# pan's depth limit: the deepest search here reaches 3,185 steps (sc,
# capacity 16, progress), and pan allocates its stack for the limit.
depth=100000
failed=0

# run, stats, check and control: shared with the stage 5 model.
# shellcheck source=common/abuse/model/spin-lib.sh
. "$(dirname "$0")/../../../common/abuse/model/spin-lib.sh"

# pan's builds: exhaustive (safety, progress) or breadth-first (the
# controls' safety searches), at -O0 (gcc takes the last -O given, after
# spin-lib's -O2); and its hash table, 2^20 slots rather than 2^24. The
# state spaces here are small, under a million states: compiling pan.c at
# -O2, and clearing a larger table, would take longer than the searches.
safety="-DSAFETY -DNOREDUCE -O0"
progress="-DNP -DNOREDUCE -O0"
bfs="-DSAFETY -DBFS -O0"
hash="-w20"

for cap in $sc_caps; do
	check sc "cap$cap-safety" "-DCAP=$cap" "$safety" "$hash"
	check sc "cap$cap-progress" "-DCAP=$cap" "$progress" "-l $hash"
done
for cap in $weak_caps; do
	check weak "cap$cap-safety" "-DWEAK -DCAP=$cap" "$safety" "$hash"
done
# What the sc model cannot see: the relaxed publish passes there.
check sc "relaxed-publish-cap2-passes" "-DRELAXED_PUBLISH -DCAP=2" "$safety" "$hash"
# What capacity 1 adds: Vyukov's encoding passes at capacity 2, under the
# weak model too; the control vyukov-encoding-cap1 below catches it at 1.
check weak "vyukov-encoding-cap2-passes" "-DWEAK -DVYUKOV_ENCODING -DCAP=2" "$safety" "$hash"
# What the tests need of seq: full or free, and no position. With seq kept
# modulo 2 (a flag, as FastForward's) the protocol still passes.
for cap in $weak_caps; do
	check weak "seq-flag-cap$cap-passes" "-DWEAK -DSEQ_FLAG -DCAP=$cap" "$safety" "$hash"
done
# Breadth-first where spin can (safety): the counterexample is a shortest one.
# The item's hand-off weakened (message passing): an item read before it was written.
control weak relaxed-publish 'assertion violated +holds\[' "-DWEAK -DRELAXED_PUBLISH -DCAP=2" "$bfs" "$hash"
control weak relaxed-acquire 'assertion violated +eh' "-DWEAK -DRELAXED_ACQUIRE -DCAP=2" "$bfs" "$hash"
# The slot's hand-back weakened (load buffering): a write reaches a slot
# whose item has not been read, the check made as the write reaches memory.
control weak relaxed-free 'assertion violated +!\(holds\[' "-DWEAK -DRELAXED_FREE -DCAP=2" "$bfs" "$hash"
control weak relaxed-free-load 'assertion violated +!\(holds\[' "-DWEAK -DRELAXED_FREE_LOAD -DCAP=2" "$bfs" "$hash"
control sc publish-before-write 'assertion violated +holds\[' "-DPUBLISH_BEFORE_WRITE -DCAP=2" "$bfs" "$hash"
control sc free-before-read 'assertion violated +!\(holds\[' "-DFREE_BEFORE_READ -DCAP=2" "$bfs" "$hash"
control sc vyukov-encoding-cap1 'assertion violated +!\(holds\[' "-DVYUKOV_ENCODING -DCAP=1" "$bfs" "$hash"
# A value for neither position the protocol allows: the assertion on each load of seq.
control sc zero-init 'assertion violated +allowed' "-DZERO_INIT -DCAP=2" "$bfs" "$hash"
# That assertion off, so that the deadlock it would report first is found.
control sc no-free 'invalid end state' "-DNO_FREE -DNO_SEQ_CHECK -DCAP=1" "$bfs" "$hash"
control sc no-reload 'non-progress cycle' "-DNO_RELOAD -DCAP=2" "-DNP -O0" "-l $hash"
exit $failed
