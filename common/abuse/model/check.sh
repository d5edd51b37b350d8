#!/bin/sh
# common/abuse/model/check.sh OUTDIR MODEL.pml "SC CAPS" "WEAK CAPS"
#
# Model-checks the stage 5 protocol with spin under two memory models (what
# each abstracts: the comment at the top of the model): sequential
# consistency (sc) and a weak model with store buffers, load-load and
# load->store reordering, where acquire and relaxed loads differ (weak).
# Then the controls, each of which spin must catch; and the one the sc model
# must pass, to show what it cannot see. Every line printed names the model
# and the variant, and gives the states explored.
#
# For each capacity: a safety search (assertions and invalid end states:
# loss, duplication, order, unwritten reads, overwrites, deadlock) and, under
# sc, a non-progress-cycle search (livelock), both exhaustive: pan is
# compiled without partial-order reduction (-DNOREDUCE), so every
# interleaving is visited, and a search cut short by the depth limit is a
# failure. Each run works in its own folder under OUTDIR, because pan writes
# its counterexample (a .trail file) beside the model it was generated from.
set -u
if [ $# -ne 4 ] || [ ! -f "$2" ]; then
	echo "usage: $0 OUTDIR MODEL.pml \"SC CAPS\" \"WEAK CAPS\"" >&2
	exit 2
fi
out=$1
model=$2
sc_caps=$3
weak_caps=$4
depth=1000000
failed=0

# run, stats, check and control.
# shellcheck source=common/abuse/model/spin-lib.sh
. "$(dirname "$0")/spin-lib.sh"

for cap in $sc_caps; do
	check sc "cap$cap-safety" "-DCAP=$cap" "-DSAFETY -DNOREDUCE" ""
	check sc "cap$cap-progress" "-DCAP=$cap" "-DNP -DNOREDUCE" "-l"
done
for cap in $weak_caps; do
	check weak "cap$cap-safety" "-DWEAK -DCAP=$cap" "-DSAFETY -DNOREDUCE" ""
done
# What the sc model cannot see: the relaxed publish passes there.
check sc "relaxed-publish-cap2-passes" "-DRELAXED_PUBLISH -DCAP=2" "-DSAFETY -DNOREDUCE" ""
# Breadth-first where spin can (safety): the counterexample is a shortest one.
# The tail pair weakened (message passing): a slot read before it was written.
control weak relaxed-publish 'assertion violated' "-DWEAK -DRELAXED_PUBLISH -DCAP=2" "-DSAFETY -DBFS" ""
control weak relaxed-acquire 'assertion violated' "-DWEAK -DRELAXED_ACQUIRE -DCAP=2" "-DSAFETY -DBFS" ""
# The head pair weakened (load buffering): a write reaches a slot whose item
# has not been read, the check made as the write reaches memory.
control weak relaxed-head-store 'assertion violated +!\(holds\[' "-DWEAK -DRELAXED_HEAD_STORE -DCAP=2" "-DSAFETY -DBFS" ""
control weak relaxed-head-load 'assertion violated +!\(holds\[' "-DWEAK -DRELAXED_HEAD_LOAD -DCAP=2" "-DSAFETY -DBFS" ""
control sc publish-before-write 'assertion violated' "-DPUBLISH_BEFORE_WRITE" "-DSAFETY -DBFS" ""
control sc release-before-read 'assertion violated' "-DRELEASE_BEFORE_READ" "-DSAFETY -DBFS" ""
control sc full-test-off 'invalid end state' "-DFULL_TEST_OFF -DCAP=1" "-DSAFETY -DBFS" ""
control sc outer-test-off 'assertion violated' "-DOUTER_TEST_OFF" "-DSAFETY -DBFS" ""
control sc no-reload 'non-progress cycle' "-DNO_RELOAD" "-DNP" "-l"
exit $failed
