/*
 * stage5-waitfree/extensions/shm/test_shm_kill.c: the producer dies, the consumer must notice, and a
 * restarted producer takes its role. Run by `make check` (check-shm, ipc-test: `make ipc-kill`).
 *
 * Four rings (capacities 1, 2, 64 and 4096) live for the whole run, each
 * with its consumer: this process, attached once. KILLS times (default
 * 100), in turn on each ring, a forked producer attaches (from the second
 * on each ring, a restarted one: it takes the role of the producer killed
 * before it) and pushes the sequence numbers (disguised:
 * common/support/sequence.h) from where the ring stands, for ever. The
 * consumer pops and checks every item is the next number; once the
 * producer has pushed, it checks that neither a second producer nor a
 * second consumer can attach (EBUSY), and a random delay (0 to 3 ms) after
 * the producer's first item it SIGKILLs it. It then must learn of the
 * death through the pidfd (spsc_shm_exited) and drain what was published:
 * afterwards the number of items it checked on that ring must equal the
 * tail published there, and the producer must have died of SIGKILL.
 * Anything else (an item out of order, a slot read that was never written,
 * an item lost, a restarted producer refused, a second holder of a role
 * let in, a death not seen within 10 s) fails with exit 1.
 *
 * The planted-shm-skip variant (common/variants/stage5-waitfree/) must fail
 * this test: stage5-waitfree/extensions/shm/shm.mk runs it as the negative control.
 *
 * usage: test_shm_kill [KILLS [SEED]]
 */
#define _GNU_SOURCE /* before the first #include: spsc_shm.h makes Linux system calls */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "clock.h"
#include "parse_number.h"
#include "sequence.h"
#include "spin.h"
#include "extensions/shm/spsc_shm.h"

static _Noreturn void fail(unsigned kill_no, const char *what, pid_t child)
{
	fprintf(stderr, "kill test: FAILED at kill %u: %s\n", kill_no, what);
	if (child > 0) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
	}
	exit(1);
}

/*
 * The producer: attaches (taking the role of a producer killed before it)
 * and pushes the sequence from the items published so far, for ever;
 * never returns, dies of the parent's SIGKILL.
 */
static _Noreturn void produce(int fd)
{
	spsc_shm h;

	if (spsc_shm_attach(&h, fd, SPSC_SHM_PRODUCER) != 0) {
		fprintf(stderr, "kill test: a producer cannot attach: %s\n", strerror(errno));
		_exit(3);
	}
	for (uint64_t seq = h.tail;; seq++)
		while (!spsc_shm_try_push(&h, item_of(seq)))
			spin_pause();
}

/* One ring, for the whole run: the memfd each producer attaches through, and the consumer. */
struct ring {
	int fd;
	spsc_shm h;         /* the consumer's handle */
	uint64_t next;      /* items checked so far: the sequence number expected next */
	unsigned producers; /* started on it so far */
};

/* One kill: the consumer's side of it. */
struct kill_run {
	unsigned kill_no;
	struct ring *ring;
	pid_t child;        /* the producer */
	int pidfd;          /* watches it */
	uint64_t first;     /* ring->next when it started */
	bool killed, dead;  /* SIGKILL sent; its death seen through the pidfd */
	uint64_t killed_at; /* now_ns() at the kill */
};

/* A fresh ring of `capacity`, the consumer attached. */
static void ring_open(struct ring *g, uint64_t capacity)
{
	*g = (struct ring){.fd = spsc_shm_create(capacity)};
	if (g->fd < 0 || spsc_shm_attach(&g->h, g->fd, SPSC_SHM_CONSUMER) != 0)
		fail(0, strerror(errno), 0);
}

/* A producer forked on the ring (a restarted one after the first), and the consumer watching it. */
static void start(struct kill_run *r, unsigned kill_no, struct ring *g)
{
	*r = (struct kill_run){.kill_no = kill_no, .ring = g, .first = g->next};
	r->child = fork();
	if (r->child < 0)
		fail(kill_no, "fork failed", 0);
	if (r->child == 0)
		produce(g->fd);
	g->producers++;
	r->pidfd = spsc_shm_watch(r->child);
	if (r->pidfd < 0)
		fail(kill_no, "pidfd_open failed (Linux >= 5.3 needed)", r->child);
}

/* Pops one item, if the ring holds one, and checks it is the next; returns whether it popped. */
static bool pop_one(struct kill_run *r)
{
	char msg[200];
	uint64_t item;

	if (!spsc_shm_try_pop(&r->ring->h, &item))
		return false;
	if (item != item_of(r->ring->next)) {
		snprintf(msg, sizeof msg, "%sitem %llu read as %#llx (sequence %llu)",
		         r->dead ? "after the death, " : "", (unsigned long long)r->ring->next,
		         (unsigned long long)item, (unsigned long long)seq_of(item));
		fail(r->kill_no, msg, r->killed ? 0 : r->child);
	}
	r->ring->next++;
	return true;
}

/* While the producer runs (it has pushed, so it holds its role): a second producer and a second consumer are refused. */
static void roles_held(struct kill_run *r)
{
	spsc_shm other;

	if (spsc_shm_attach(&other, r->ring->fd, SPSC_SHM_PRODUCER) != -1 || errno != EBUSY)
		fail(r->kill_no, "a second producer was not refused with EBUSY", r->child);
	if (spsc_shm_attach(&other, r->ring->fd, SPSC_SHM_CONSUMER) != -1 || errno != EBUSY)
		fail(r->kill_no, "a second consumer was not refused with EBUSY", r->child);
}

static void kill_producer(struct kill_run *r)
{
	/* The death check must be able to say "alive": it is, until the kill below. */
	if (spsc_shm_exited(r->pidfd) != 0)
		fail(r->kill_no, "the producer died before it was killed", r->child);
	roles_held(r);
	kill(r->child, SIGKILL);
	r->killed = true;
	r->killed_at = now_ns();
}

/*
 * Pops and checks until the producer, killed delay_ns after the first item
 * (so that a loaded machine, slow to schedule the producer, still kills it
 * in the middle of its work; a second after the start if no item comes),
 * is seen dead through the pidfd; then drains what it published.
 */
static void consume_until_death(struct kill_run *r, uint64_t delay_ns)
{
	uint64_t deadline = now_ns() + 1000000000u;
	bool armed = false;

	for (uint64_t spins = 0; !r->dead; spins++) {
		pop_one(r);
		/* Not on every pop: a clock read costs more than a pop. */
		if ((spins & 255) != 0)
			continue;
		if (!armed && r->ring->next > r->first) {
			deadline = now_ns() + delay_ns;
			armed = true;
		}
		if (!r->killed && now_ns() >= deadline)
			kill_producer(r);
		r->dead = r->killed && spsc_shm_exited(r->pidfd) == 1;
		if (r->killed && !r->dead && now_ns() - r->killed_at > 10000000000u)
			fail(r->kill_no, "the producer's death was not seen within 10 s", 0);
	}
	/* Dead: everything it published is in the ring. Drain it. */
	while (pop_one(r))
		;
}

/* Every published item was checked, no reload saw corrupt counters, and the producer died of SIGKILL. */
static void check_after_death(struct kill_run *r)
{
	char msg[200];
	int status;
	struct ring *g = r->ring;
	uint64_t published = atomic_load_explicit(&g->h.seg->tail, memory_order_acquire);

	if (published != g->next || spsc_shm_peer_corrupt(&g->h)) {
		snprintf(msg, sizeof msg, "the producers published %llu items, the consumer checked %llu%s",
		         (unsigned long long)published, (unsigned long long)g->next,
		         spsc_shm_peer_corrupt(&g->h) ? " (and saw corrupt counters)" : "");
		fail(r->kill_no, msg, 0);
	}
	if (waitpid(r->child, &status, 0) != r->child || !WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL)
		fail(r->kill_no, "the producer did not die of SIGKILL", 0);
}

/* One kill on ring g: returns the items this producer pushed that were checked. */
static uint64_t one_kill(unsigned kill_no, struct ring *g, uint64_t delay_ns)
{
	struct kill_run r;

	start(&r, kill_no, g);
	consume_until_death(&r, delay_ns);
	close(r.pidfd);
	check_after_death(&r);
	return g->next - r.first;
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
	static const uint64_t capacities[4] = {1, 2, 64, 4096};
	struct ring rings[4];
	uint64_t rng = seed, checked = 0, most = 0;
	unsigned restarted = 0;
	for (unsigned i = 0; i < 4; i++)
		ring_open(&rings[i], capacities[i]);
	for (unsigned k = 0; k < kills; k++) {
		uint64_t delay = rng_next(&rng) % 3000 * 1000; /* 0 .. 3 ms */
		restarted += rings[k % 4].producers > 0;
		uint64_t n = one_kill(k + 1, &rings[k % 4], delay);
		checked += n;
		most = n > most ? n : most;
	}
	for (unsigned i = 0; i < 4; i++) {
		spsc_shm_detach(&rings[i].h);
		close(rings[i].fd);
	}
	printf("kill test: %llu producers SIGKILLed at random points (seed %llu), %u of them restarted on a ring whose "
	       "producer was killed, each taking its role (4 rings, capacities 1, 2, 64, 4096) while a second producer "
	       "and a second consumer were refused; %llu items checked (at most %llu from one producer), each the next "
	       "sequence number, every published item drained, every death seen through the pidfd\n",
	       (unsigned long long)kills, (unsigned long long)seed, restarted, (unsigned long long)checked,
	       (unsigned long long)most);
	return 0;
}
