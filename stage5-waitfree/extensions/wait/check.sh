#!/bin/sh
# stage5-waitfree/extensions/wait/check.sh OUTDIR MODEL.pml "CAPS"
#
# Model-checks the sleeper protocol of stage5-waitfree/extensions/wait/spsc_wait.h with spin
# (what the model abstracts: the comment at its top): both orderings, the
# fence and the membarrier variant, under the weak (store-buffer) model at
# each capacity, exhaustively (-DNOREDUCE; a search cut short by the depth
# limit is a failure). Then the controls: broken protocols spin must catch
# as a lost wake-up (an invalid end state: a thread asleep for ever), each
# searched breadth-first so the counterexample printed is a shortest one;
# and the one broken protocol the sequentially consistent model must pass,
# to show that only the store buffers expose it. Exits 1 if a correct
# variant fails or a control is not caught.
set -u
if [ $# -ne 3 ] || [ ! -f "$2" ]; then
	echo "usage: $0 OUTDIR MODEL.pml \"CAPS\"" >&2
	exit 2
fi
out=$1
model=$2
caps=$3
depth=1000000
failed=0

# run, stats, check and control: shared with the stage 5 model.
# shellcheck source=common/abuse/model/spin-lib.sh
. "$(dirname "$0")/../../../common/abuse/model/spin-lib.sh"

for cap in $caps; do
	check weak "fence-cap$cap" "-DCAP=$cap" "-DSAFETY -DNOREDUCE" ""
	check weak "membarrier-cap$cap" "-DMEMBARRIER -DCAP=$cap" "-DSAFETY -DNOREDUCE" ""
done
# What the sc model cannot see: without the waker's fence it still passes.
check sc "no-waker-fence-passes" "-DSC -DNO_WAKER_FENCE" "-DSAFETY -DNOREDUCE" ""
control weak no-waker-fence 'invalid end state' "-DNO_WAKER_FENCE" "-DSAFETY -DBFS" ""
control weak membarrier-no-ipi 'invalid end state' "-DMEMBARRIER -DNO_IPI" "-DSAFETY -DBFS" ""
control sc recheck-first 'invalid end state' "-DSC -DRECHECK_FIRST" "-DSAFETY -DBFS" ""
control weak no-swap 'invalid end state' "-DNO_SWAP" "-DSAFETY -DBFS" ""
exit $failed
