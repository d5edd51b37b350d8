/*
 * common/read/asm.c: a queue's hot path, out of line, for `make asm`.
 *
 * Compiled against one queue's folder (-I<stage or variant>) with the
 * flags make asm prints; asm.sh disassembles the two functions and puts
 * each source line of spsc.h above the instructions compiled from it.
 */
#include "spsc.h"

bool asm_try_push(spsc_queue *q, uint64_t item);
bool asm_try_pop(spsc_queue *q, uint64_t *item);

bool asm_try_push(spsc_queue *q, uint64_t item)
{
	return spsc_try_push(q, item);
}

bool asm_try_pop(spsc_queue *q, uint64_t *item)
{
	return spsc_try_pop(q, item);
}
