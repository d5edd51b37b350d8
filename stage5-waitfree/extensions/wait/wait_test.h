/*
 * stage5-waitfree/extensions/wait/wait_test.h: what the sleeper's hostile
 * tests share (test_wait_pingpong.c, test_wait_inject.c,
 * test_wait_deadline.c, fuzz_wait.c). test_wait.c does not include it: it
 * runs spsc_wait.h as shipped.
 *
 *   the seam      SPSC_WAIT_SYSCALL is wait_syscall here, so every kernel
 *                 call of spsc_wait.h (FUTEX_WAIT, FUTEX_WAKE, the
 *                 membarrier query, registration and barrier,
 *                 clock_gettime) passes through this file: a test makes
 *                 any of them fail (wait_fail: from its nth call, n times
 *                 or for ever, every time or so many per thousand), and can
 *                 delay a FUTEX_WAIT (wait_delay: a sleeper preempted
 *                 between its re-check and its sleep, which widens the
 *                 window a lost wake-up needs). wait_calls[] and
 *                 wait_failed[] count what happened.
 *   the watch     watch_run: runs a case in a child process while the
 *                 parent watches the progress the child posts on a shared
 *                 board. A case that stops moving for the watchdog's
 *                 seconds is killed and reported with what each side was
 *                 waiting for (a lost wake-up becomes a failure in bounded
 *                 time, not a hang); an abort is reported as the signal.
 *   the exchange  exchange_run: a ping-pong over two queues. The driver
 *                 pushes a burst of 1..max_burst items into fwd, then pops
 *                 their replies from back; the echo pops each item from
 *                 fwd and pushes it back. Each side waits for the other's
 *                 reply, so a lost wake-up is never healed by the other
 *                 side's next operation: it stops the exchange. Random
 *                 pauses on both sides, every sequence number checked both
 *                 ways, and each blocking call made with a deadline of a
 *                 random kind (none, far, near, past, malformed) whose
 *                 answer is checked: a false must be EINVAL for a malformed
 *                 deadline and ETIMEDOUT, not before the deadline, for any
 *                 other, and must have moved nothing.
 *
 * The includer defines _GNU_SOURCE before its first #include, and
 * includes this file instead of spsc_wait.h. Single translation unit.
 */
#ifndef WAIT_TEST_H
#define WAIT_TEST_H

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/futex.h>
#include <linux/membarrier.h>

#include "clock.h"
#include "parse_number.h"
#include "sequence.h"

static inline long wait_syscall(long nr, ...);
#define SPSC_WAIT_SYSCALL wait_syscall
#include "extensions/wait/spsc_wait.h"

/* ---------------------------------------------------------------- the seam */

enum wait_call {
	CALL_FUTEX_WAIT,
	CALL_FUTEX_WAKE,
	CALL_MB_QUERY,
	CALL_MB_REGISTER,
	CALL_MB_BARRIER,
	CALL_CLOCK,
	WAIT_CALLS
};
static const char *const wait_call_name[WAIT_CALLS] = {"futex-wait",          "futex-wake", "membarrier-query",
                                                       "membarrier-register", "membarrier", "clock_gettime"};

#define WAIT_FOREVER UINT64_MAX

/* Which calls of one kind fail, and how. Set before the threads start. */
struct wait_fault {
	int err;            /* the errno of a failed call; 0: return ret instead, errno untouched (a query's answer) */
	long ret;           /* what a failed call returns when err is 0 (-1 otherwise) */
	uint64_t from;      /* the first call (numbered from 0) that may fail */
	uint64_t count;     /* how many calls from there may fail (WAIT_FOREVER: all); 0: none */
	unsigned per_mille; /* of those, how many per thousand fail (1000: each) */
};
static struct wait_fault wait_faults[WAIT_CALLS];
static _Atomic uint64_t wait_calls[WAIT_CALLS], wait_failed[WAIT_CALLS];

/* Before a FUTEX_WAIT that reaches the kernel: per_mille of them wait min_us..max_us first. */
static struct {
	unsigned per_mille, min_us, max_us;
} wait_delay;
static _Atomic uint64_t wait_delays;    /* FUTEX_WAITs delayed */
static uint64_t wait_seed = 1;          /* the seam's generator: per thread, from this and the thread */
static _Thread_local uint64_t wait_rng; /* 0 until the thread's first draw */

static inline uint64_t wait_draw(void)
{
	if (wait_rng == 0)
		wait_rng = wait_seed ^ (uint64_t)(uintptr_t)&wait_rng;
	return rng_next(&wait_rng);
}

/* Calls from..from+count-1 of that kind fail with err, per_mille of them. */
static inline void wait_fail(enum wait_call call, int err, uint64_t from, uint64_t count, unsigned per_mille)
{
	wait_faults[call] =
	        (struct wait_fault){.err = err, .ret = -1, .from = from, .count = count, .per_mille = per_mille};
}

/* No fault, no delay, every count at 0. */
static inline void wait_seam_reset(void)
{
	for (int c = 0; c < WAIT_CALLS; c++) {
		wait_faults[c] = (struct wait_fault){0};
		atomic_store(&wait_calls[c], 0);
		atomic_store(&wait_failed[c], 0);
	}
	wait_delay.per_mille = 0;
	atomic_store(&wait_delays, 0);
}

static inline uint64_t wait_calls_total(void)
{
	uint64_t n = 0;

	for (int c = 0; c < WAIT_CALLS; c++)
		n += atomic_load(&wait_calls[c]);
	return n;
}

/* Counts the call; true when it is to fail, with *ret (and errno) set. */
static inline bool wait_injected(enum wait_call call, long *ret)
{
	uint64_t n = atomic_fetch_add(&wait_calls[call], 1);
	const struct wait_fault *f = &wait_faults[call];

	if (f->count == 0 || n < f->from || n - f->from >= f->count)
		return false;
	if (f->per_mille < 1000 && wait_draw() % 1000 >= f->per_mille)
		return false;
	atomic_fetch_add(&wait_failed[call], 1);
	*ret = f->err == 0 ? f->ret : -1;
	if (f->err != 0)
		errno = f->err;
	return true;
}

static inline void sleep_us(uint64_t us)
{
	struct timespec t = {(time_t)(us / 1000000u), (long)(us % 1000000u) * 1000};

	while (nanosleep(&t, &t) != 0 && errno == EINTR)
		;
}

static inline long wait_futex(va_list ap)
{
	uint32_t *word = va_arg(ap, uint32_t *);
	int op = va_arg(ap, int);
	uint32_t val = va_arg(ap, uint32_t);
	const struct timespec *timeout = va_arg(ap, const struct timespec *);
	uint32_t *word2 = va_arg(ap, uint32_t *);
	uint32_t val3 = va_arg(ap, uint32_t);
	enum wait_call call = op == FUTEX_WAKE_PRIVATE ? CALL_FUTEX_WAKE : CALL_FUTEX_WAIT;
	long r;

	if (wait_injected(call, &r))
		return r;
	if (call == CALL_FUTEX_WAIT && wait_delay.per_mille > 0 && wait_draw() % 1000 < wait_delay.per_mille) {
		atomic_fetch_add(&wait_delays, 1);
		sleep_us(wait_delay.min_us + wait_draw() % (wait_delay.max_us - wait_delay.min_us + 1));
	}
	return syscall(SYS_futex, word, op, val, timeout, word2, val3);
}

static inline long wait_membarrier(va_list ap)
{
	int cmd = va_arg(ap, int);
	unsigned flags = va_arg(ap, unsigned);
	int cpu = va_arg(ap, int);
	enum wait_call call = cmd == MEMBARRIER_CMD_QUERY                        ? CALL_MB_QUERY
	                      : cmd == MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED ? CALL_MB_REGISTER
	                                                                         : CALL_MB_BARRIER;
	long r;

	if (wait_injected(call, &r))
		return r;
	return syscall(SYS_membarrier, cmd, flags, cpu);
}

static inline long wait_clock(va_list ap)
{
	clockid_t clock = va_arg(ap, clockid_t);
	struct timespec *now = va_arg(ap, struct timespec *);
	long r;

	if (wait_injected(CALL_CLOCK, &r))
		return r;
	return syscall(SYS_clock_gettime, clock, now);
}

/* SPSC_WAIT_SYSCALL: the three system calls spsc_wait.h makes, with its argument types. */
static inline long wait_syscall(long nr, ...)
{
	va_list ap;
	long r;

	va_start(ap, nr);
	if (nr == SYS_futex)
		r = wait_futex(ap);
	else if (nr == SYS_membarrier)
		r = wait_membarrier(ap);
	else if (nr == SYS_clock_gettime)
		r = wait_clock(ap);
	else {
		fprintf(stderr, "wait_test.h: system call %ld is not one spsc_wait.h makes\n", nr);
		abort();
	}
	va_end(ap);
	return r;
}

/* The usage line, exit 2; first why argv[i] was refused, if it was. */
static inline void wait_usage(char **argv, int i, const char *why, const char *usage)
{
	if (why != NULL)
		fprintf(stderr, "%s: '%s' %s\n", argv[0], argv[i], why);
	fprintf(stderr, "usage: %s %s\n", argv[0], usage);
	exit(2);
}

/* argv[i], when given, into *value, within [lo, hi]; anything else exits 2 with the usage line. */
static inline void wait_arg(int argc, char **argv, int i, uint64_t lo, uint64_t hi, uint64_t *value, const char *usage)
{
	const char *why;

	if (i < argc && (why = parse_number(argv[i], lo, hi, value)) != NULL)
		wait_usage(argv, i, why, usage);
}

/* ---------------------------------------------------------------- the watch */

enum watch_doing { DOING_START, DOING_PUSH, DOING_POP, DOING_DONE };
static const char *const watch_doing_name[] = {"not started", "pushing", "popping", "done"};
static const char *const watch_side_name[2] = {"the driver", "the echo"};

/* Shared with the child (MAP_SHARED): written by the child, read by the parent. */
struct watch_board {
	_Atomic uint64_t progress; /* bumped at every item moved */
	_Atomic int doing[2];      /* each side of the exchange: enum watch_doing */
	_Atomic uint64_t seq[2];   /* and the sequence number it is moving */
	_Atomic uint64_t seed;     /* the fuzzer's round */
};
static struct watch_board *watch_board;

static inline void watch_set(int side, enum watch_doing doing, uint64_t seq)
{
	atomic_store(&watch_board->doing[side], (int)doing);
	atomic_store(&watch_board->seq[side], seq);
}

static inline void watch_progress(void)
{
	atomic_fetch_add(&watch_board->progress, 1);
}

/* The child stopped moving for seconds: say where each side was. */
static inline void watch_stalled(const char *name, unsigned seconds)
{
	fprintf(stderr, "%s: FAILED: no progress for %u s, a lost wake-up or a hang, killed:", name, seconds);
	for (int s = 0; s < 2; s++) {
		int doing = atomic_load(&watch_board->doing[s]);
		fprintf(stderr, " %s %s", watch_side_name[s], watch_doing_name[doing]);
		if (doing == DOING_PUSH || doing == DOING_POP)
			fprintf(stderr, " item %" PRIu64, atomic_load(&watch_board->seq[s]));
		fputc(s == 0 ? ';' : '\n', stderr);
	}
	if (atomic_load(&watch_board->seed) != 0)
		fprintf(stderr, "%s: in the round of seed %#" PRIx64 "\n", name, atomic_load(&watch_board->seed));
}

/* How the child ended: 0 when it exited 0. */
static inline int watch_verdict(const char *name, int status)
{
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFSIGNALED(status))
		fprintf(stderr, "%s: FAILED: killed by signal %d (%s)\n", name, WTERMSIG(status),
		        strsignal(WTERMSIG(status)));
	else
		fprintf(stderr, "%s: FAILED: exit status %d\n", name, WEXITSTATUS(status));
	return 1;
}

static inline int watch_wait(const char *name, pid_t pid, unsigned seconds)
{
	uint64_t seen = UINT64_MAX, since = now_ns();
	int status;

	for (;;) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return watch_verdict(name, status);
		uint64_t progress = atomic_load(&watch_board->progress);
		if (progress != seen) {
			seen = progress;
			since = now_ns();
		} else if (now_ns() - since > (uint64_t)seconds * 1000000000u) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			watch_stalled(name, seconds);
			return 1;
		}
		sleep_us(5000);
	}
}

/* Runs fn(arg) in a child process, watched: 0 when it exits 0, 1 (reported) otherwise. */
static inline int watch_run(const char *name, int (*fn)(void *), void *arg, unsigned seconds)
{
	if (watch_board == NULL) {
		void *p = mmap(NULL, sizeof(*watch_board), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			perror("watch_run: mmap");
			exit(1);
		}
		watch_board = p;
	}
	memset(watch_board, 0, sizeof(*watch_board));
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		perror("watch_run: fork");
		exit(1);
	}
	if (pid == 0)
		exit(fn(arg));
	return watch_wait(name, pid, seconds);
}

/* ---------------------------------------------------------------- the exchange */

enum deadline_kind { DL_NONE, DL_FAR, DL_NEAR, DL_PAST, DL_BAD, DL_KINDS };
static const char *const deadline_name[DL_KINDS] = {"none", "far", "near", "past", "malformed"};

struct exchange {
	/* Set by the caller before exchange_run. */
	spsc_waitq *fwd, *back; /* the driver's items to the echo; the echo's replies */
	uint64_t items;         /* each way */
	size_t max_burst;       /* cut to what the two rings hold, so that the exchange cannot deadlock */
	unsigned pause_per_mille, pause_max_us; /* after each item, on both sides */
	unsigned weight[DL_KINDS];              /* how often each kind of deadline; all 0: none */
	uint64_t seed;
	/* Counted by each side (its own row), read after the join. */
	uint64_t deadlines[2][DL_KINDS], timeouts[2], refused[2];
};

struct xside {
	struct exchange *x;
	int id; /* 0 the driver, 1 the echo */
	uint64_t rng;
};

static inline void xc_fail(const struct xside *s, const char *what, uint64_t seq, const char *why, long long n)
{
	fprintf(stderr, "exchange: FAILED: %s, %s item %" PRIu64 ": %s %lld (seed %#" PRIx64 ")\n",
	        watch_side_name[s->id], what, seq, why, n, s->x->seed);
	fflush(stderr);
	_exit(1);
}

static inline struct timespec ts_of_ns(uint64_t ns)
{
	return (struct timespec){.tv_sec = (time_t)(ns / 1000000000u), .tv_nsec = (long)(ns % 1000000000u)};
}

static inline uint64_t ns_of_ts(const struct timespec *t)
{
	return (uint64_t)t->tv_sec * 1000000000u + (uint64_t)t->tv_nsec;
}

/* One of the malformed deadlines: a negative time, or tv_nsec outside [0, 10^9). */
static inline struct timespec bad_deadline(uint64_t r)
{
	static const struct timespec bad[] = {{0, 1000000000L}, {5, -1},          {5, LONG_MAX},    {5, LONG_MIN},
	                                      {-1, 0},          {-1, 999999999L}, {0, 2000000000L}, {-3600, 0}};
	struct timespec t = bad[r % (sizeof(bad) / sizeof(bad[0]))];

	if (t.tv_sec == 5)
		t.tv_sec = (time_t)(now_ns() / 1000000000u) + 1; /* otherwise a good deadline, a second away */
	return t;
}

/* Draws the kind of deadline of the next call, and the deadline. */
static inline enum deadline_kind xc_deadline(struct xside *s, struct timespec *d)
{
	unsigned total = 0, pick;
	int k = DL_NONE;

	for (int i = 0; i < DL_KINDS; i++)
		total += s->x->weight[i];
	if (total > 0)
		for (pick = (unsigned)(rng_next(&s->rng) % total); pick >= s->x->weight[k]; k++)
			pick -= s->x->weight[k];
	uint64_t now = now_ns(), r = rng_next(&s->rng);
	if (k == DL_FAR)
		*d = ts_of_ns(now + 3600u * 1000000000ull);
	else if (k == DL_NEAR)
		*d = ts_of_ns(now + r % 300000u);
	else if (k == DL_PAST)
		*d = ts_of_ns(now - r % (now < 1000000000u ? now + 1 : 1000000000u));
	else if (k == DL_BAD)
		*d = bad_deadline(r);
	s->x->deadlines[s->id][k]++;
	return (enum deadline_kind)k;
}

/* A call that returned false: right only as EINVAL for a malformed deadline, ETIMEDOUT at or after any other. */
static inline void xc_refusal(struct xside *s, enum deadline_kind k, const struct timespec *d, const char *what,
                              uint64_t seq)
{
	int err = errno;
	uint64_t now = now_ns();

	if (k == DL_BAD) {
		if (err != EINVAL)
			xc_fail(s, what, seq, "a malformed deadline gave errno", err);
		s->x->refused[s->id]++;
		return;
	}
	if (err != ETIMEDOUT)
		xc_fail(s, what, seq, "a false with errno", err);
	if (now < ns_of_ts(d))
		xc_fail(s, what, seq, "timed out before its deadline, ns early:", (long long)(ns_of_ts(d) - now));
	s->x->timeouts[s->id]++;
}

static inline void xc_push(struct xside *s, spsc_waitq *q, uint64_t seq)
{
	watch_set(s->id, DOING_PUSH, seq);
	for (;;) {
		struct timespec d;
		enum deadline_kind k = xc_deadline(s, &d);
		if (k == DL_NONE) {
			spsc_push_wait(q, item_of(seq));
			break;
		}
		errno = 0;
		if (spsc_push_wait_until(q, item_of(seq), &d)) {
			if (k == DL_BAD)
				xc_fail(s, "push", seq, "a malformed deadline was taken: tv_nsec", d.tv_nsec);
			break;
		}
		xc_refusal(s, k, &d, "push", seq);
	}
	watch_progress();
}

static inline void xc_pop(struct xside *s, spsc_waitq *q, uint64_t seq)
{
	const uint64_t untouched = 0x5eed5eed5eed5eedULL;
	uint64_t got = untouched;

	watch_set(s->id, DOING_POP, seq);
	for (;;) {
		struct timespec d;
		enum deadline_kind k = xc_deadline(s, &d);
		if (k == DL_NONE) {
			spsc_pop_wait(q, &got);
			break;
		}
		errno = 0;
		if (spsc_pop_wait_until(q, &got, &d)) {
			if (k == DL_BAD)
				xc_fail(s, "pop", seq, "a malformed deadline was taken: tv_nsec", d.tv_nsec);
			break;
		}
		if (got != untouched)
			xc_fail(s, "pop", seq, "a false wrote *item: sequence number", (long long)seq_of(got));
		xc_refusal(s, k, &d, "pop", seq);
	}
	if (got != item_of(seq))
		xc_fail(s, "pop", seq, "out of sequence: got sequence number", (long long)seq_of(got));
	watch_progress();
}

static inline void xc_pause(struct xside *s)
{
	uint64_t r = rng_next(&s->rng);

	if (r % 1000 < s->x->pause_per_mille)
		sleep_us(1 + (r >> 32) % s->x->pause_max_us);
}

static inline void *xc_driver(void *arg)
{
	struct xside *s = arg;
	const struct exchange *x = s->x;

	for (uint64_t seq = 0; seq < x->items;) {
		uint64_t burst = 1 + rng_next(&s->rng) % x->max_burst;
		if (burst > x->items - seq)
			burst = x->items - seq;
		for (uint64_t i = 0; i < burst; i++) {
			xc_push(s, x->fwd, seq + i);
			xc_pause(s);
		}
		for (uint64_t i = 0; i < burst; i++) {
			xc_pop(s, x->back, seq + i);
			xc_pause(s);
		}
		seq += burst;
	}
	watch_set(s->id, DOING_DONE, x->items);
	return NULL;
}

static inline void *xc_echo(void *arg)
{
	struct xside *s = arg;

	for (uint64_t seq = 0; seq < s->x->items; seq++) {
		xc_pop(s, s->x->fwd, seq);
		xc_pause(s);
		xc_push(s, s->x->back, seq);
	}
	watch_set(s->id, DOING_DONE, s->x->items);
	return NULL;
}

/* Both sides to the end (a failure exits the process); then both rings must be empty. */
static inline void exchange_run(struct exchange *x)
{
	struct xside side[2] = {{x, 0, x->seed ^ 0x2545f4914f6cdd1dULL}, {x, 1, x->seed ^ 0x9e3779b97f4a7c15ULL}};
	size_t room = spsc_capacity(x->fwd->q) + spsc_capacity(x->back->q);
	pthread_t t[2];

	if (x->max_burst == 0 || x->max_burst > room)
		x->max_burst = room;
	if (x->pause_max_us == 0)
		x->pause_max_us = 1;
	if (pthread_create(&t[1], NULL, xc_echo, &side[1]) != 0 ||
	    pthread_create(&t[0], NULL, xc_driver, &side[0]) != 0) {
		fprintf(stderr, "exchange: pthread_create failed\n");
		_exit(1);
	}
	pthread_join(t[0], NULL);
	pthread_join(t[1], NULL);
	if (spsc_size(x->fwd->q) != 0 || spsc_size(x->back->q) != 0)
		xc_fail(&side[0], "end", x->items,
		        "items left over:", (long long)(spsc_size(x->fwd->q) + spsc_size(x->back->q)));
}

/* The two queues of an exchange; false, with a message, when either create fails. */
static inline bool exchange_open(struct exchange *x, size_t capacity, enum spsc_wait_order order)
{
	x->fwd = spsc_waitq_create(capacity, order);
	x->back = x->fwd == NULL ? NULL : spsc_waitq_create(capacity, order);
	if (x->back == NULL) {
		fprintf(stderr, "exchange: spsc_waitq_create(%zu): %s\n", capacity, strerror(errno));
		spsc_waitq_destroy(x->fwd);
		return false;
	}
	return true;
}

static inline void exchange_close(struct exchange *x)
{
	spsc_waitq_destroy(x->fwd);
	spsc_waitq_destroy(x->back);
}

/* *to += *from, counter by counter. */
static inline void stats_add(struct spsc_wait_stats *to, const struct spsc_wait_stats *from)
{
	to->sleeps += from->sleeps;
	to->futex_waits += from->futex_waits;
	to->membarriers += from->membarriers;
	to->futex_wakes += from->futex_wakes;
	to->wake_retries += from->wake_retries;
	to->fallbacks += from->fallbacks;
}

/* One side's slow path over both queues (id 0: the driver, 1: the echo). */
static inline struct spsc_wait_stats exchange_side(const struct exchange *x, int id)
{
	struct spsc_wait_stats s = id == 0 ? x->fwd->producer : x->fwd->consumer;

	stats_add(&s, id == 0 ? &x->back->consumer : &x->back->producer);
	return s;
}

static inline const char *order_name(enum spsc_wait_order order)
{
	return order == SPSC_WAIT_FENCE ? "fence" : "membarrier";
}

#endif /* WAIT_TEST_H */
