/*
 * stage5-waitfree/extensions/shm/demo_boost.cpp: what a user would otherwise pick for a queue
 * between processes, Boost.Interprocess's message_queue (a ring of
 * fixed-size messages in named shared memory, guarded by a process-shared
 * mutex and condition variables), measured by the same driver as
 * spsc_shm.h (stage5-waitfree/extensions/shm/demo_driver.h), between processes. Built twice
 * (stage5-waitfree/extensions/shm/shm.mk): waiting as spsc_shm.h does, try_send and
 * try_receive with spin_pause() between attempts; and with
 * -DDEMO_BOOST_BLOCKING, as its users mostly would, send and receive,
 * which sleep on the queue's condition variables.
 */
#include <boost/interprocess/ipc/message_queue.hpp>

#include <cstdint>
#include <cstdio>
#include <new>
#include <string>

namespace bip = boost::interprocess;

#ifdef DEMO_BOOST_BLOCKING
#define DEMO_NAME "boost_mq_blocking"
#define DEMO_WHAT "Boost.Interprocess message_queue, send and receive, asleep on its condition variables"
#define DEMO_WAIT "block"
#else
#define DEMO_NAME "boost_mq_try"
#define DEMO_WHAT "Boost.Interprocess message_queue, try_send and try_receive, spinning between tries"
#endif
#define DEMO_THREADS 0
/* A tenth of the items: it is that much slower. */
#define DEMO_ITEMS_DIVISOR 10

struct ring {
	char name[64];
};

static struct ring *ring_new(uint64_t capacity)
{
	static unsigned serial;
	struct ring *r = new struct ring;

	std::snprintf(r->name, sizeof r->name, "spsc-ladder-demo-%ld-%u", (long)getpid(), serial++);
	try {
		bip::message_queue::remove(r->name);
		bip::message_queue q(bip::create_only, r->name, capacity, sizeof(uint64_t));
	} catch (const std::exception &e) {
		std::fprintf(stderr, "demo-ipc: boost message_queue %s: %s\n", r->name, e.what());
		std::exit(1);
	}
	return r;
}

static void ring_free(struct ring *r)
{
	bip::message_queue::remove(r->name);
	delete r;
}

static void *ring_open(struct ring *r, int)
{
	try {
		return new bip::message_queue(bip::open_only, r->name);
	} catch (const std::exception &e) {
		std::fprintf(stderr, "demo-ipc: boost message_queue %s: %s\n", r->name, e.what());
		std::exit(1);
	}
}

static bool ep_push(void *ep, uint64_t v)
{
	bip::message_queue *q = static_cast<bip::message_queue *>(ep);
#ifdef DEMO_BOOST_BLOCKING
	q->send(&v, sizeof v, 0);
	return true;
#else
	return q->try_send(&v, sizeof v, 0);
#endif
}

/* A message of another size is not one of ours: refused, so the driver waits on (and would hang visibly). */
static bool ep_pop(void *ep, uint64_t *v)
{
	bip::message_queue *q = static_cast<bip::message_queue *>(ep);
	bip::message_queue::size_type got;
	unsigned prio;
#ifdef DEMO_BOOST_BLOCKING
	q->receive(v, sizeof *v, got, prio);
	return got == sizeof *v;
#else
	return q->try_receive(v, sizeof *v, got, prio) && got == sizeof *v;
#endif
}

static void ep_close(void *ep)
{
	delete static_cast<bip::message_queue *>(ep);
}

#include "demo_driver.h"

int main(int argc, char **argv)
{
	return demo_main(argc, argv);
}
