/*
 * stage5-waitfree/extensions/shm/fuzz_attach.c: libFuzzer harness for spsc_shm_attach.
 *
 * The input bytes are the segment: its size is the input's length and its
 * content the input (header fields, counters, slots). Built with clang
 * -fsanitize=fuzzer,address,undefined (stage5-waitfree/extensions/shm/shm.mk, `make
 * fuzz-ipc`). For each input, attach as the consumer and as the producer
 * must give exactly what the model below (written from common/CONTRACT.md,
 * not from the header) says: 0, or -1 with errno set to the value of the
 * first rule the segment breaks. A segment that attaches is then used: a
 * few hundred pushes and pops in a pattern taken from the slot bytes, with
 * a PROT_NONE page reserved after each mapping so a stray access faults.
 * The items the segment held at attach are whatever the input says; every
 * item after them must come back exactly as pushed.
 */
#define _GNU_SOURCE /* before the first #include: spsc_shm.h makes Linux system calls */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guard.h"
#include "extensions/shm/spsc_shm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static _Noreturn void diverge(const char *what, int got, int want)
{
	fprintf(stderr, "fuzz-ipc: DIVERGENCE: %s: attach gave %d (%s), the model says %d (%s)\n", what, got,
	        strerror(got), want, strerror(want));
	abort();
}

static uint64_t word(const uint8_t *data, size_t at)
{
	uint64_t v;

	memcpy(&v, data + at, 8);
	return v;
}

/* The contract's attach rules, in order: 0, or the errno value of a refusal. */
static int model(const uint8_t *data, size_t size)
{
	if (size < SPSC_SHM_SLOTS_OFFSET)
		return EMSGSIZE;
	uint64_t cap = word(data, 16);
	if (word(data, 0) != SPSC_SHM_MAGIC || word(data, 8) != 1 || word(data, 24) != 192)
		return EINVAL;
	if (cap == 0 || (cap & (cap - 1)) != 0 || cap > (UINT64_C(1) << 56))
		return EINVAL;
	if (word(data, 32) != size || 192 + cap * 8 != size)
		return EMSGSIZE;
	uint64_t head = word(data, offsetof(struct spsc_shm_segment, head));
	uint64_t tail = word(data, offsetof(struct spsc_shm_segment, tail));
	return tail - head > cap ? ENOTRECOVERABLE : 0;
}

/*
 * Attach as one side: 0, or the errno value of the refusal, which must
 * return exactly -1 with errno set and leave nothing mapped.
 */
static int attach_errno(spsc_shm *h, int fd, enum spsc_shm_role role, const char *side)
{
	errno = 0;
	int rc = spsc_shm_attach(h, fd, role);

	if (rc == 0)
		return 0;
	if (rc != -1 || errno == 0) {
		fprintf(stderr, "fuzz-ipc: DIVERGENCE: %s: attach returned %d with errno %d, not 0 or -1 with errno\n",
		        side, rc, errno);
		abort();
	}
	if (h->seg != NULL)
		diverge("a refused attach left a mapping", 0, errno);
	return errno;
}

/* The input as a memfd of its size, with every seal attach requires. */
static int input_segment(const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz-ipc", MFD_ALLOW_SEALING);

	if (fd < 0 || ftruncate(fd, (off_t)size) != 0 || pwrite(fd, data, size, 0) != (ssize_t)size ||
	    fcntl(fd, F_ADD_SEALS, SPSC_SHM_SEALS) != 0) {
		perror("fuzz-ipc: memfd");
		abort();
	}
	return fd;
}

/*
 * A few hundred pushes and pops on an attached pair, in a pattern taken
 * from the slot bytes: the items the segment held are whatever the input
 * says; every item after them must come back exactly as pushed.
 */
static void use(spsc_shm *p, spsc_shm *c, const uint8_t *data, size_t size)
{
	uint64_t cap = spsc_shm_capacity(c);
	uint64_t backlog = word(data, offsetof(struct spsc_shm_segment, tail)) -
	                   word(data, offsetof(struct spsc_shm_segment, head));
	uint64_t pushed = 0, popped = 0, v;

	for (size_t i = 0; i < 300; i++) {
		uint8_t b = data[(SPSC_SHM_SLOTS_OFFSET + i) % size];
		if (b & 1) {
			bool room = backlog + pushed - popped < cap;
			if (spsc_shm_try_push(p, pushed) != room)
				diverge(room ? "push refused with room" : "push succeeded on a full ring", 0, 0);
			pushed += room;
		} else if (backlog > 0) {
			if (!spsc_shm_try_pop(c, &v))
				diverge("pop refused with the segment's items held", 0, 0);
			backlog--;
		} else {
			bool held = pushed > popped;
			if (spsc_shm_try_pop(c, &v) != held || (held && v != popped))
				diverge("pop did not give the next item pushed", 0, 0);
			popped += held;
		}
	}
	if (spsc_shm_peer_corrupt(p) || spsc_shm_peer_corrupt(c))
		diverge("a sound segment was reported corrupt", 0, 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = input_segment(data, size);
	int want = model(data, size);
	spsc_shm p, c;

	int got_c = attach_errno(&c, fd, SPSC_SHM_CONSUMER, "consumer");
	if (got_c != want)
		diverge("consumer", got_c, want);
	int got_p = attach_errno(&p, fd, SPSC_SHM_PRODUCER, "producer");
	if (got_p != want)
		diverge("producer", got_p, want);
	close(fd);
	if (want != 0)
		return 0;
	/* A PROT_NONE page after each mapping, so that a stray access faults. */
	void *gp = guard_after(p.seg, p.map_size), *gc = guard_after(c.seg, c.map_size);
	use(&p, &c, data, size);
	guard_release(gp);
	guard_release(gc);
	spsc_shm_detach(&p);
	spsc_shm_detach(&c);
	return 0;
}
