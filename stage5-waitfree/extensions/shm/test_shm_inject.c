/*
 * stage5-waitfree/extensions/shm/test_shm_inject.c: every kernel call of
 * spsc_shm.h, failed with every errno its manual lists there. Built with
 * AddressSanitizer + UBSan and the link-time wrappers of interpose.h by
 * shm.mk (`make ipc-inject`), run by `make check` (check-shm, ipc-test).
 *
 * For each public function, each system call it makes, and each errno:
 * the wrapper fails that call without making it (close: made, then
 * reported failed, as Linux does), and the test checks that
 *   - the call was made (a fault that never fired tested nothing);
 *   - the function gives the errno its description in spsc_shm.h (and
 *     common/CONTRACT.md) documents, or succeeds where a failure changes
 *     nothing (munmap of its own mapping, close); nothing aborts;
 *   - no fd is left open (counted in /proc/self/fd) and no mapping left
 *     (counted by the wrappers), and ASan finds no leak at exit;
 *   - what the contract says stays usable does: the segment attaches
 *     again in the same role (a failed attach holds no role), a pidfd
 *     answers again, create works again.
 * Then what needs no fault: arguments are checked before any system call,
 * and spsc_shm_exited gives -1 with EBADF for fd -1 and a closed fd, 0 for
 * a running process and 1 once it has died.
 * The negative control, planted-shm-role-leak (a refused role's fd left
 * open), must fail it.
 */
#define _GNU_SOURCE /* before the first #include: spsc_shm.h makes Linux system calls */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#define CHECK_NAME "inject"
#include "check.h"
#include "clock.h"
#include "interpose.h"
#include "extensions/shm/spsc_shm.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* A call and the errnos its manual lists, 0-terminated. */
struct call_errs {
	enum ip_kind kind;
	int errs[10];
};

static const struct call_errs create_calls[] = {
        {IP_MEMFD_CREATE, {EMFILE, ENFILE, ENOMEM, EINVAL, EPERM}},
        {IP_FTRUNCATE, {EINTR, EIO, EFBIG, EINVAL, EPERM, EBADF}},
        {IP_ADD_SEALS, {EBUSY, EINVAL, EPERM, EBADF}},
        {IP_MMAP, {ENOMEM, ENFILE, EAGAIN, EACCES, EINVAL, ENODEV, EOVERFLOW, EPERM, EBADF}},
        {IP_MUNMAP, {EINVAL}},
};
static const struct call_errs attach_calls[] = {
        {IP_GET_SEALS, {EBADF, EINVAL}},
        {IP_FSTAT, {EBADF, ENOMEM, EOVERFLOW}},
        {IP_MMAP, {ENOMEM, ENFILE, EAGAIN, EACCES, EINVAL, ENODEV, EOVERFLOW, EPERM, EBADF}},
        {IP_OPEN, {ENOENT, EACCES, EMFILE, ENFILE, ENOMEM, EINTR}},
        {IP_LOCK, {EAGAIN, EACCES, ENOLCK, EINTR, EINVAL, EBADF}},
};
static const struct call_errs detach_calls[] = {
        {IP_MUNMAP, {EINVAL}},
        {IP_CLOSE, {EINTR, EIO, EBADF}},
};
static const struct call_errs watch_calls[] = {
        {IP_PIDFD_OPEN, {ESRCH, EINVAL, EMFILE, ENFILE, ENODEV, ENOMEM, ENOSYS}},
};
static const struct call_errs exited_calls[] = {
        {IP_POLL, {EINTR, EINVAL, ENOMEM}},
};

static unsigned cases, injected;

/* What the function must give when call `kind` fails with err: the documented errno, or 0 (ignored). */
static int documented(enum ip_kind kind, int err)
{
	if (kind == IP_MUNMAP || kind == IP_CLOSE)
		return 0; /* cannot fail on our own mapping and fd, and changes nothing if it says it did */
	if (kind == IP_GET_SEALS && err == EINVAL)
		return ENOTSUP; /* not a file that takes seals */
	if (kind == IP_LOCK && (err == EAGAIN || err == EACCES))
		return EBUSY; /* another description holds the role */
	return err;
}

/* Arms faults, and after the call checks each fired; what the function set errno to. */
static void arm(const struct ip_fault *f, int n)
{
	cases++;
	injected += (unsigned)n;
	ip_arm(f, n, NULL);
}

static int disarm(const char *what)
{
	int err = errno;

	ip_disarm();
	CHECK(ip_all_fired(), "%s: the function never made the call to fail", what);
	return err;
}

/* A mapping a munmap fault left behind: unmapped here, so that the count says what the function left. */
static void unmap_leftover(void)
{
	for (int i = 0; i < ip.nfaults; i++)
		if (ip.fault[i].kind == IP_MUNMAP && ip.fault[i].fired && ip.live_maps > 0) {
			__real_munmap(ip.map, ip.map_len);
			ip.live_maps--;
		}
}

/* The ring in fd works: both sides attach, three items go through in order, both detach. */
static bool usable(int fd)
{
	spsc_shm p, c;
	uint64_t v;
	bool ok = spsc_shm_attach(&p, fd, SPSC_SHM_PRODUCER) == 0 && spsc_shm_attach(&c, fd, SPSC_SHM_CONSUMER) == 0;

	for (uint64_t i = 0; ok && i < 3; i++)
		ok = spsc_shm_try_push(&p, 40 + i) && spsc_shm_try_pop(&c, &v) && v == 40 + i;
	spsc_shm_detach(&p);
	spsc_shm_detach(&c);
	return ok;
}

static void fail_create(const char *what, const struct ip_fault *f, int n, int want)
{
	int fds = ip_open_fds();

	arm(f, n);
	int fd = spsc_shm_create(64);
	int err = disarm(what);
	unmap_leftover();
	if (want == 0)
		CHECK(fd >= 0 && usable(fd) && close(fd) == 0, "%s: create failed (%s) or its ring did not work", what,
		      strerror(err));
	else
		CHECK(fd == -1 && err == want, "%s: create gave %d (%s), not -1 (%s)", what, fd, strerror(err),
		      strerror(want));
	CHECK(ip.live_maps == 0 && ip_open_fds() == fds, "%s: create left %d mapping(s), %d fd(s)", what, ip.live_maps,
	      ip_open_fds() - fds);
	fd = spsc_shm_create(64);
	CHECK(fd >= 0 && close(fd) == 0, "%s: create failed after", what);
}

static void fail_attach(const char *what, const struct ip_fault *f, int n, int want, enum spsc_shm_role role)
{
	int fd = spsc_shm_create(64), fds = ip_open_fds();
	spsc_shm h;

	arm(f, n);
	int rc = spsc_shm_attach(&h, fd, role);
	int err = disarm(what);
	unmap_leftover();
	CHECK(rc == -1 && err == want && h.seg == NULL && h.role_fd == -1, "%s: attach gave %d (%s), not -1 (%s)", what,
	      rc, strerror(err), strerror(want));
	CHECK(ip.live_maps == 0 && ip_maps_of("spsc-shm") == 0 && ip_open_fds() == fds,
	      "%s: attach left %d mapping(s), %d fd(s)", what, ip.live_maps, ip_open_fds() - fds);
	CHECK(usable(fd), "%s: the segment did not work after (a role left held?)", what);
	close(fd);
}

static void fail_detach(const char *what, const struct ip_fault *f, int n, int want)
{
	int fd = spsc_shm_create(64), fds = ip_open_fds();
	spsc_shm h;

	(void)want;            /* detach cannot fail: it returns nothing */
	ip_arm(NULL, 0, NULL); /* so that its mapping is counted */
	CHECK(spsc_shm_attach(&h, fd, SPSC_SHM_PRODUCER) == 0, "%s: attach", what);
	arm(f, n);
	spsc_shm_detach(&h);
	disarm(what);
	unmap_leftover();
	CHECK(h.seg == NULL && h.role_fd == -1 && ip.live_maps == 0 && ip_open_fds() == fds,
	      "%s: detach left its handle attached, %d mapping(s), %d fd(s)", what, ip.live_maps, ip_open_fds() - fds);
	CHECK(usable(fd), "%s: the role was not released", what);
	close(fd);
}

static void fail_watch(const char *what, const struct ip_fault *f, int n, int want)
{
	int fds = ip_open_fds();

	arm(f, n);
	int pidfd = spsc_shm_watch(getpid());
	int err = disarm(what);
	CHECK(pidfd == -1 && err == want && ip_open_fds() == fds, "%s: watch gave %d (%s), not -1 (%s)", what, pidfd,
	      strerror(err), strerror(want));
	pidfd = spsc_shm_watch(getpid());
	CHECK(pidfd >= 0 && close(pidfd) == 0, "%s: watch failed after", what);
}

static void fail_exited(const char *what, const struct ip_fault *f, int n, int want)
{
	int pidfd = spsc_shm_watch(getpid()); /* this process: running */

	arm(f, n);
	int rc = spsc_shm_exited(pidfd);
	int err = disarm(what);
	CHECK(rc == -1 && err == want, "%s: exited gave %d (%s), not -1 (%s)", what, rc, strerror(err), strerror(want));
	CHECK(spsc_shm_exited(pidfd) == 0, "%s: the pidfd did not answer after", what);
	close(pidfd);
}

typedef void fail_fn(const char *what, const struct ip_fault *f, int n, int want);

/* Every call of calls[], with every errno: one fault each. */
static void each_fault(const char *fn, const struct call_errs *calls, size_t ncalls, fail_fn *run)
{
	char what[160];

	for (size_t i = 0; i < ncalls; i++)
		for (const int *e = calls[i].errs; *e != 0; e++) {
			struct ip_fault f = {.kind = calls[i].kind, .nth = 1, .err = *e};
			snprintf(what, sizeof what, "%s, %s failing with %s", fn, ip_names[f.kind], strerror(*e));
			run(what, &f, 1, documented(f.kind, *e));
		}
}

static void fail_attach_producer(const char *what, const struct ip_fault *f, int n, int want)
{
	fail_attach(what, f, n, want, SPSC_SHM_PRODUCER);
}

static void fail_attach_consumer(const char *what, const struct ip_fault *f, int n, int want)
{
	fail_attach(what, f, n, want, SPSC_SHM_CONSUMER);
}

/* The calls made only on a failure's way out (close, munmap), failing too: the first failure's errno wins. */
static void failing_way_out(void)
{
	static const struct {
		fail_fn *run;
		enum ip_kind first, then;
		int first_err, then_err;
	} pairs[] = {
	        {fail_create, IP_FTRUNCATE, IP_CLOSE, EIO, EINTR},
	        {fail_create, IP_MMAP, IP_CLOSE, ENOMEM, EIO},
	        {fail_attach_consumer, IP_LOCK, IP_CLOSE, ENOLCK, EINTR},
	        {fail_attach_consumer, IP_LOCK, IP_MUNMAP, ENOLCK, EINVAL},
	        {fail_attach_consumer, IP_OPEN, IP_MUNMAP, EMFILE, EINVAL},
	};
	char what[160];

	for (size_t i = 0; i < COUNT(pairs); i++) {
		struct ip_fault f[2] = {{.kind = pairs[i].first, .nth = 1, .err = pairs[i].first_err},
		                        {.kind = pairs[i].then, .nth = 1, .err = pairs[i].then_err}};
		snprintf(what, sizeof what, "%s failing with %s, then %s with %s", ip_names[f[0].kind],
		         strerror(f[0].err), ip_names[f[1].kind], strerror(f[1].err));
		pairs[i].run(what, f, 2, documented(f[0].kind, f[0].err));
	}
}

/* Bad arguments are refused before any system call. */
static void arguments_first(void)
{
	spsc_shm h;
	int fd = spsc_shm_create(8);

	ip_arm(NULL, 0, NULL);
	int a = spsc_shm_create(0), ea = errno;
	int b = spsc_shm_create(SPSC_SHM_MAX_CAPACITY + 1), eb = errno;
	int c = spsc_shm_attach(&h, fd, (enum spsc_shm_role)3), ec = errno;
	int d = spsc_shm_exited(-1), ed = errno;
	ip_disarm();
	CHECK(a == -1 && ea == EINVAL && b == -1 && eb == EINVAL,
	      "create's bad capacities were not refused with EINVAL");
	CHECK(c == -1 && ec == EINVAL, "attach's bad role was not refused with EINVAL");
	CHECK(d == -1 && ed == EBADF, "exited(-1) gave %d (%s), not -1 (EBADF)", d, strerror(ed));
	CHECK(ip.ncalls == 0, "a refused argument cost %d system call(s), the first %s", ip.ncalls,
	      ip_names[ip.trace[0]]);
	close(fd);
}

/* spsc_shm_exited: EBADF for a closed fd; 0 while a child runs; 1 once it has died, before and after it is reaped. */
static void exited_answers(void)
{
	int pipefd[2], status;

	CHECK(pipe(pipefd) == 0, "pipe");
	pid_t child = fork();
	if (child == 0) {
		char c;
		close(pipefd[1]);
		_exit(read(pipefd[0], &c, 1) == 0 ? 0 : 1); /* until the parent closes its end */
	}
	close(pipefd[0]);
	int pidfd = spsc_shm_watch(child);
	int closed = spsc_shm_watch(getpid());
	close(closed);
	errno = 0;
	CHECK(spsc_shm_exited(closed) == -1 && errno == EBADF, "exited(a closed fd) did not give -1 (EBADF)");
	CHECK(pidfd >= 0 && spsc_shm_exited(pidfd) == 0, "exited said a running child had exited");
	close(pipefd[1]);
	uint64_t deadline = now_ns() + UINT64_C(10000000000);
	while (spsc_shm_exited(pidfd) == 0 && now_ns() < deadline)
		usleep(100);
	CHECK(spsc_shm_exited(pidfd) == 1, "exited did not see the child's death within 10 s");
	CHECK(waitpid(child, &status, 0) == child && spsc_shm_exited(pidfd) == 1, "exited after the child was reaped");
	close(pidfd);
}

int main(void)
{
	int fds = ip_open_fds();

	each_fault("create", create_calls, COUNT(create_calls), fail_create);
	each_fault("attach (producer)", attach_calls, COUNT(attach_calls), fail_attach_producer);
	each_fault("attach (consumer)", attach_calls, COUNT(attach_calls), fail_attach_consumer);
	each_fault("detach", detach_calls, COUNT(detach_calls), fail_detach);
	each_fault("watch", watch_calls, COUNT(watch_calls), fail_watch);
	each_fault("exited", exited_calls, COUNT(exited_calls), fail_exited);
	failing_way_out();
	arguments_first();
	exited_answers();
	CHECK(ip_open_fds() == fds, "the tests left %d fd(s) open", ip_open_fds() - fds);
	if (check_status() != 0)
		return 1;
	printf("inject: %u cases, %u failures injected into the 10 system calls of spsc_shm.h (fcntl's 3 commands "
	       "apart), %u checks passed: each "
	       "gave its documented errno (or changed nothing where it cannot matter), no abort, no fd or mapping "
	       "left, the segment usable after; bad arguments cost no system call; exited: -1 (EBADF) for fd -1 and "
	       "a closed fd, 0 running, 1 dead\n",
	       cases, injected, checks);
	return 0;
}
