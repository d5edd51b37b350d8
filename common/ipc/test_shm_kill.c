/*
 * common/ipc/test_shm_kill.c: the producer dies, the consumer must notice.
 *
 * KILLS times (default 100): a fresh ring (capacities 1, 2, 64 and 4096 in
 * turn) is shared with a forked producer that pushes the sequence numbers
 * 0, 1, 2, ... (disguised: common/support/sequence.h) for ever. The
 * consumer, this process, pops and checks every item is the next number;
 * a random delay (0 to 3 ms) after the first item, it SIGKILLs the
 * producer. It then must learn of the death through the pidfd
 * (spsc_shm_exited) and drain what was published: afterwards the number of
 * items it checked must equal the tail the producer published, and the
 * producer must have died of SIGKILL.
 * Anything else (an item out of order, a slot read that was never written,
 * an item lost, a death not seen within 10 s) fails with exit 1.
 *
 * The planted-shm-skip variant (common/variants/stage5-waitfree/) must fail
 * this test: common/ipc/ipc.mk runs it as the negative control.
 *
 * usage: test_shm_kill [KILLS [SEED]]
 */
#define _GNU_SOURCE 1
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "parse_number.h"
#include "sequence.h"
#include "spin.h"
#include "spsc_shm.h"

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static _Noreturn void fail(unsigned kill_no, const char *what, pid_t child)
{
	fprintf(stderr, "kill test: FAILED at kill %u: %s\n", kill_no, what);
	if (child > 0) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
	}
	exit(1);
}

/* The producer: never returns; dies of the parent's SIGKILL. */
static _Noreturn void produce(int fd)
{
	spsc_shm h;
	int err = spsc_shm_attach(&h, fd, SPSC_SHM_PRODUCER);

	if (err != 0) {
		fprintf(stderr, "kill test: producer cannot attach: %s\n", strerror(err));
		_exit(3);
	}
	for (uint64_t seq = 0;; seq++)
		while (!spsc_shm_try_push(&h, item_of(seq)))
			spin_pause();
}

/* One kill: returns the items checked. */
static uint64_t one_kill(unsigned kill_no, uint64_t capacity, uint64_t delay_ns)
{
	char msg[200];
	int fd = spsc_shm_create(capacity);

	if (fd < 0)
		fail(kill_no, "spsc_shm_create failed", 0);
	pid_t child = fork();
	if (child < 0)
		fail(kill_no, "fork failed", 0);
	if (child == 0)
		produce(fd);

	spsc_shm h;
	int err = spsc_shm_attach(&h, fd, SPSC_SHM_CONSUMER);
	close(fd);
	if (err != 0)
		fail(kill_no, strerror(err), child);
	int pidfd = spsc_shm_watch(child);
	if (pidfd < 0)
		fail(kill_no, "pidfd_open failed (Linux >= 5.3 needed)", child);

	/*
	 * The delay runs from the first item, so that a loaded machine, slow to
	 * schedule the producer, still kills it in the middle of its work; from
	 * the start if no item comes within a second.
	 */
	uint64_t next = 0, killed_at = 0, deadline = now_ns() + 1000000000u;
	bool killed = false, armed = false;
	for (uint64_t spins = 0;; spins++) {
		uint64_t item;
		if (spsc_shm_try_pop(&h, &item)) {
			if (item != item_of(next)) {
				snprintf(msg, sizeof msg, "item %llu read as %#llx (sequence %llu)",
				         (unsigned long long)next, (unsigned long long)item,
				         (unsigned long long)seq_of(item));
				fail(kill_no, msg, killed ? 0 : child);
			}
			next++;
		}
		/* Not on every pop: a clock read costs more than a pop. */
		if ((spins & 255) != 0)
			continue;
		if (!armed && next > 0) {
			deadline = now_ns() + delay_ns;
			armed = true;
		}
		if (!killed && now_ns() >= deadline) {
			/* The death check must be able to say "alive": it is, until the kill below. */
			if (spsc_shm_exited(pidfd) != 0)
				fail(kill_no, "the producer died before it was killed", child);
			kill(child, SIGKILL);
			killed = true;
			killed_at = now_ns();
		}
		if (killed && spsc_shm_exited(pidfd) == 1) {
			/* Dead: everything it published is in the ring. Drain it. */
			uint64_t item;
			while (spsc_shm_try_pop(&h, &item)) {
				if (item != item_of(next)) {
					snprintf(msg, sizeof msg, "after the death, item %llu read as sequence %llu",
					         (unsigned long long)next, (unsigned long long)seq_of(item));
					fail(kill_no, msg, 0);
				}
				next++;
			}
			break;
		}
		if (killed && now_ns() - killed_at > 10000000000u)
			fail(kill_no, "the producer's death was not seen within 10 s", 0);
	}
	close(pidfd);

	uint64_t published = atomic_load_explicit(&h.seg->tail, memory_order_acquire);
	if (published != next || spsc_shm_peer_corrupt(&h)) {
		snprintf(msg, sizeof msg, "the producer published %llu items, the consumer checked %llu%s",
		         (unsigned long long)published, (unsigned long long)next,
		         spsc_shm_peer_corrupt(&h) ? " (and saw corrupt counters)" : "");
		fail(kill_no, msg, 0);
	}
	int status;
	if (waitpid(child, &status, 0) != child || !WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL)
		fail(kill_no, "the producer did not die of SIGKILL", 0);
	spsc_shm_detach(&h);
	return next;
}

int main(int argc, char **argv)
{
	uint64_t kills = 100, seed = (uint64_t)time(NULL);
	const char *why;

	if (argc > 3 || (argc > 1 && (why = parse_number(argv[1], 1, 1000000, &kills)) != NULL) ||
	    (argc > 2 && (why = parse_number(argv[2], 0, UINT32_MAX, &seed)) != NULL)) {
		fprintf(stderr, "usage: %s [KILLS (1..1000000, default 100) [SEED]]\n", argv[0]);
		return 2;
	}
	static const uint64_t capacities[] = {1, 2, 64, 4096};
	unsigned rng = (unsigned)seed;
	uint64_t checked = 0, most = 0;
	for (unsigned k = 0; k < kills; k++) {
		uint64_t delay = (uint64_t)(rand_r(&rng) % 3000) * 1000; /* 0 .. 3 ms */
		uint64_t n = one_kill(k + 1, capacities[k % 4], delay);
		checked += n;
		most = n > most ? n : most;
	}
	printf("kill test: %llu producers SIGKILLed at random points (seed %llu); %llu items checked (at most %llu in "
	       "one run), "
	       "each the next sequence number, every published item drained, every death seen through the pidfd\n",
	       (unsigned long long)kills, (unsigned long long)seed, (unsigned long long)checked,
	       (unsigned long long)most);
	return 0;
}
