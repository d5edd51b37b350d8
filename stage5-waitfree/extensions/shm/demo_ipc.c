/*
 * stage5-waitfree/extensions/shm/demo_ipc.c: `make demo-ipc`, stage 5's ring between two
 * processes (fork) and between two threads: stage5-waitfree/extensions/shm/demo_driver.h over
 * stage5-waitfree/extensions/shm/spsc_shm.h.
 */
#define _GNU_SOURCE /* before the first #include: spsc_shm.h makes Linux system calls */
#include <stdio.h>
#include <stdlib.h>

#include "extensions/shm/spsc_shm.h"

#define DEMO_NAME    "spsc_shm.h"
#define DEMO_WHAT    "stage 5's ring in a sealed memfd that both sides map"
#define DEMO_THREADS 1

/* One ring: the memfd, inherited by a fork, shared by a thread. */
struct ring {
	int fd;
};

static struct ring *ring_new(uint64_t capacity)
{
	struct ring *r = malloc(sizeof *r);

	if (r == NULL || (r->fd = spsc_shm_create(capacity)) < 0) {
		perror("demo-ipc: spsc_shm_create");
		exit(1);
	}
	return r;
}

static void ring_free(struct ring *r)
{
	close(r->fd);
	free(r);
}

static void *ring_open(struct ring *r, int producer)
{
	spsc_shm *h = malloc(sizeof *h);

	if (h == NULL || spsc_shm_attach(h, r->fd, producer ? SPSC_SHM_PRODUCER : SPSC_SHM_CONSUMER) != 0) {
		perror("demo-ipc: spsc_shm_attach"); /* errno: malloc's ENOMEM or attach's refusal */
		exit(1);
	}
	return h;
}

static bool ep_push(void *ep, uint64_t v)
{
	return spsc_shm_try_push((spsc_shm *)ep, v);
}

static bool ep_pop(void *ep, uint64_t *v)
{
	return spsc_shm_try_pop((spsc_shm *)ep, v);
}

static void ep_close(void *ep)
{
	spsc_shm_detach((spsc_shm *)ep);
	free(ep);
}

#include "demo_driver.h"

int main(int argc, char **argv)
{
	return demo_main(argc, argv);
}
