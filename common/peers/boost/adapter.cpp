// common/peers/boost/adapter.cpp: boost::lockfree::spsc_queue<uint64_t>
// (capacity set at run time) behind the C contract of ../peer.h.
#include "spsc.h"

#include "../adapter.hpp"

#include <boost/lockfree/spsc_queue.hpp>

struct spsc_queue {
	explicit spsc_queue(size_t n) : q(n), capacity(n)
	{
	}
	boost::lockfree::spsc_queue<uint64_t> q; // holds exactly n items (n + 1 slots)
	size_t capacity;
};

spsc_queue *spsc_create(size_t capacity)
{
	return spsc_peer_create<spsc_queue>(capacity, SIZE_MAX / 2 / sizeof(uint64_t));
}

void spsc_destroy(spsc_queue *q)
{
	delete q;
}

bool spsc_try_push(spsc_queue *q, uint64_t item)
{
	return q->q.push(item);
}

bool spsc_try_pop(spsc_queue *q, uint64_t *item)
{
	return q->q.pop(*item);
}

size_t spsc_try_push_n(spsc_queue *q, const uint64_t *items, size_t n)
{
	return q->q.push(items, n);
}

size_t spsc_try_pop_n(spsc_queue *q, uint64_t *items, size_t n)
{
	return q->q.pop(items, n);
}

size_t spsc_capacity(const spsc_queue *q)
{
	return q->capacity;
}

size_t spsc_size(const spsc_queue *q)
{
	return q->q.read_available(); // a snapshot; boost documents it for the consumer
}
