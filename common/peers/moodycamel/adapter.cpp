// common/peers/moodycamel/adapter.cpp: moodycamel::ReaderWriterQueue<uint64_t>
// behind the C contract of ../peer.h. Only try_enqueue and try_dequeue are
// used: they never allocate, so the queue stays bounded like a stage.
#include "spsc.h"

#include "../adapter.hpp"

#include <readerwriterqueue/readerwriterqueue.h>

struct spsc_queue {
	explicit spsc_queue(size_t n) : q(n)
	{
	}
	// Blocks of at most 512 slots in a ring of blocks; holds at least n items.
	moodycamel::ReaderWriterQueue<uint64_t> q;
};

spsc_queue *spsc_create(size_t capacity)
{
	return spsc_peer_create<spsc_queue>(capacity, SIZE_MAX / 4 / sizeof(uint64_t));
}

void spsc_destroy(spsc_queue *q)
{
	delete q;
}

bool spsc_try_push(spsc_queue *q, uint64_t item)
{
	return q->q.try_enqueue(item);
}

bool spsc_try_pop(spsc_queue *q, uint64_t *item)
{
	return q->q.try_dequeue(*item);
}

size_t spsc_capacity(const spsc_queue *q)
{
	return q->q.max_capacity();
}

size_t spsc_size(const spsc_queue *q)
{
	return q->q.size_approx();
}
