// stage5-waitfree/extensions/wait/moodycamel_wait.cpp: moodycamel::BlockingReaderWriterCircularBuffer<uint64_t>
// behind the C calls of moodycamel_wait.h. Built with -flto beside bench_wait.c
// (stage5-waitfree/extensions/wait/wait.mk), so the calls inline across the boundary.
#include "moodycamel_wait.h"

#include <new>

#include <readerwriterqueue/readerwritercircularbuffer.h>

struct mc_waitq {
	explicit mc_waitq(size_t n) : q(n)
	{
	}
	moodycamel::BlockingReaderWriterCircularBuffer<uint64_t> q;
};

mc_waitq *mc_waitq_create(size_t capacity)
{
	try {
		return new mc_waitq(capacity);
	} catch (const std::bad_alloc &) {
		return nullptr;
	}
}

void mc_waitq_destroy(mc_waitq *q)
{
	delete q;
}

void mc_push_wait(mc_waitq *q, uint64_t item)
{
	q->q.wait_enqueue(item);
}

void mc_pop_wait(mc_waitq *q, uint64_t *item)
{
	q->q.wait_dequeue(*item);
}
