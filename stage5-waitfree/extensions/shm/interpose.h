/*
 * stage5-waitfree/extensions/shm/interpose.h: every kernel call spsc_shm.h
 * makes, wrapped at link time, for the hostile-creator test
 * (test_shm_creator.c) and the failure injection (test_shm_inject.c).
 *
 * shm.mk links those two with -Wl,--wrap=NAME for each call below
 * (IPC_WRAP): the linker sends every call to NAME that the test's own
 * object makes (the test, and spsc_shm.h's functions inlined into it) to
 * __wrap_NAME here, and __real_NAME reaches the C library's. No LD_PRELOAD,
 * and the C library's own calls are not wrapped. A wrapper that was never
 * reached is seen: the tests check the calls each public function made.
 *
 * Disarmed (the default) a wrapper only forwards. Armed (ip_arm ..
 * ip_disarm, around one call of a public function), it records each call
 * in ip.trace, counts the mappings made and not yet unmapped while armed
 * (ip.live_maps, kept across arms; ip.map is the last one), calls ip.hook before call k (point 2k) and after it
 * (point 2k + 1), and fails the calls ip.fault[] names (kind, occurrence,
 * errno) without making them. close is the exception: it is made, then
 * reported failed, as Linux releases an fd even when close reports an error.
 */
#ifndef IPC_INTERPOSE_H
#define IPC_INTERPOSE_H

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

enum ip_kind {
	IP_MEMFD_CREATE,
	IP_FTRUNCATE,
	IP_ADD_SEALS, /* fcntl(F_ADD_SEALS) */
	IP_GET_SEALS, /* fcntl(F_GET_SEALS) */
	IP_FSTAT,
	IP_MMAP,
	IP_MUNMAP,
	IP_OPEN,
	IP_LOCK, /* fcntl(F_OFD_SETLK) */
	IP_CLOSE,
	IP_PIDFD_OPEN, /* syscall(SYS_pidfd_open) */
	IP_POLL,
	IP_KINDS
};

static const char *const ip_names[IP_KINDS] = {"memfd_create",
                                               "ftruncate",
                                               "fcntl(F_ADD_SEALS)",
                                               "fcntl(F_GET_SEALS)",
                                               "fstat",
                                               "mmap",
                                               "munmap",
                                               "open",
                                               "fcntl(F_OFD_SETLK)",
                                               "close",
                                               "pidfd_open",
                                               "poll"};

/* One call to fail: the nth (from 1) of its kind while armed, with err. */
struct ip_fault {
	enum ip_kind kind;
	int nth, err;
	bool fired;
};

#define IP_TRACE  32
#define IP_FAULTS 2

static struct {
	bool armed;
	int ncalls;                   /* calls made while armed */
	enum ip_kind trace[IP_TRACE]; /* their kinds, in order */
	int seen[IP_KINDS];           /* calls of each kind while armed */
	struct ip_fault fault[IP_FAULTS];
	int nfaults;
	void (*hook)(int point); /* NULL: none */
	int live_maps;           /* mmaps minus munmaps, while armed */
	void *map;               /* the last mapping made while armed */
	size_t map_len;
} ip;

/* Arms the wrappers with up to IP_FAULTS faults (nfaults 0: none) and a hook (NULL: none). */
static inline void ip_arm(const struct ip_fault *faults, int nfaults, void (*hook)(int))
{
	int live = ip.live_maps; /* the mappings, kept from one armed call to the next */
	void *map = ip.map;
	size_t map_len = ip.map_len;

	memset(&ip, 0, sizeof ip);
	ip.map = map;
	ip.map_len = map_len;
	for (int i = 0; i < nfaults && i < IP_FAULTS; i++)
		ip.fault[i] = faults[i];
	ip.nfaults = nfaults;
	ip.hook = hook;
	ip.live_maps = live;
	ip.armed = true;
}

static inline void ip_disarm(void)
{
	ip.armed = false;
}

/* Whether every armed fault fired: a fault that never fired tested nothing. */
static inline bool ip_all_fired(void)
{
	for (int i = 0; i < ip.nfaults; i++)
		if (!ip.fault[i].fired)
			return false;
	return true;
}

static inline void ip_run_hook(int point)
{
	int err = errno;

	if (ip.hook != NULL)
		ip.hook(point);
	errno = err;
}

/* Before an armed call: records it, runs the hook; true (errno set) when this call is to fail. */
static inline bool ip_before(enum ip_kind kind)
{
	int k = ip.ncalls++;

	if (k < IP_TRACE)
		ip.trace[k] = kind;
	int nth = ++ip.seen[kind];
	ip_run_hook(2 * k);
	for (int i = 0; i < ip.nfaults; i++) {
		if (ip.fault[i].kind == kind && ip.fault[i].nth == nth) {
			ip.fault[i].fired = true;
			errno = ip.fault[i].err;
			return true;
		}
	}
	return false;
}

/* After an armed call (made or failed): the hook, errno kept. */
static inline void ip_after(void)
{
	ip_run_hook(2 * (ip.ncalls - 1) + 1);
}

/* A wrapper for a call that only forwards, or fails with `failed`. */
#define IP_WRAP(type, name, kind, failed, params, args)                                                                \
	type __real_##name params;                                                                                     \
	type __wrap_##name params;                                                                                     \
	type __wrap_##name params                                                                                      \
	{                                                                                                              \
		if (!ip.armed)                                                                                         \
			return __real_##name args;                                                                     \
		type rc = ip_before(kind) ? failed : __real_##name args;                                               \
		ip_after();                                                                                            \
		return rc;                                                                                             \
	}

IP_WRAP(int, memfd_create, IP_MEMFD_CREATE, -1, (const char *name, unsigned flags), (name, flags))
IP_WRAP(int, ftruncate, IP_FTRUNCATE, -1, (int fd, off_t len), (fd, len))
IP_WRAP(int, fstat, IP_FSTAT, -1, (int fd, struct stat *st), (fd, st))
IP_WRAP(int, poll, IP_POLL, -1, (struct pollfd * fds, nfds_t n, int timeout), (fds, n, timeout))

void *__real_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
void *__wrap_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
void *__wrap_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	if (!ip.armed)
		return __real_mmap(addr, len, prot, flags, fd, off);
	void *p = ip_before(IP_MMAP) ? MAP_FAILED : __real_mmap(addr, len, prot, flags, fd, off);
	if (p != MAP_FAILED) {
		ip.live_maps++;
		ip.map = p;
		ip.map_len = len;
	}
	ip_after();
	return p;
}

int __real_munmap(void *addr, size_t len);
int __wrap_munmap(void *addr, size_t len);
int __wrap_munmap(void *addr, size_t len)
{
	if (!ip.armed)
		return __real_munmap(addr, len);
	int rc = ip_before(IP_MUNMAP) ? -1 : __real_munmap(addr, len);
	if (rc == 0)
		ip.live_maps--;
	ip_after();
	return rc;
}

int __real_close(int fd);
int __wrap_close(int fd);
int __wrap_close(int fd)
{
	if (!ip.armed)
		return __real_close(fd);
	bool fail = ip_before(IP_CLOSE);
	int err = errno;
	int rc = __real_close(fd); /* made even when it is to fail: Linux releases the fd whatever close reports */
	if (fail) {
		rc = -1;
		errno = err;
	}
	ip_after();
	return rc;
}

/* spsc_shm.h opens without O_CREAT: no mode argument. */
int __real_open(const char *path, int flags, ...);
int __wrap_open(const char *path, int flags, ...);
int __wrap_open(const char *path, int flags, ...)
{
	if ((flags & O_CREAT) != 0 || (flags & O_TMPFILE) == O_TMPFILE) {
		fprintf(stderr, "interpose: open with a mode is not wrapped\n");
		abort();
	}
	if (!ip.armed)
		return __real_open(path, flags);
	int rc = ip_before(IP_OPEN) ? -1 : __real_open(path, flags);
	ip_after();
	return rc;
}

/* The three fcntl commands spsc_shm.h and these tests use; any other is a test's bug. */
int __real_fcntl(int fd, int cmd, ...);
int __wrap_fcntl(int fd, int cmd, ...);
int __wrap_fcntl(int fd, int cmd, ...)
{
	va_list ap;
	int arg = 0;
	void *ptr = NULL;

	va_start(ap, cmd);
	if (cmd == F_ADD_SEALS)
		arg = va_arg(ap, int);
	else if (cmd == F_OFD_SETLK || cmd == F_OFD_GETLK)
		ptr = va_arg(ap, void *);
	else if (cmd != F_GET_SEALS) {
		fprintf(stderr, "interpose: fcntl command %d is not wrapped\n", cmd);
		abort();
	}
	va_end(ap);
	enum ip_kind kind = cmd == F_ADD_SEALS ? IP_ADD_SEALS : cmd == F_GET_SEALS ? IP_GET_SEALS : IP_LOCK;
	bool fail = ip.armed && ip_before(kind);
	int rc = fail ? -1 : ptr != NULL ? __real_fcntl(fd, cmd, ptr) : __real_fcntl(fd, cmd, arg);
	if (ip.armed)
		ip_after();
	return rc;
}

/* syscall(SYS_pidfd_open, pid, 0), spsc_shm_watch's only system call by number; any other is a test's bug. */
long __real_syscall(long n, ...);
long __wrap_syscall(long n, ...);
long __wrap_syscall(long n, ...)
{
	va_list ap;

	if (n != SYS_pidfd_open) {
		fprintf(stderr, "interpose: syscall %ld is not wrapped\n", n);
		abort();
	}
	va_start(ap, n);
	int pid = va_arg(ap, int);
	unsigned flags = va_arg(ap, unsigned);
	va_end(ap);
	if (!ip.armed)
		return __real_syscall(n, pid, flags);
	long rc = ip_before(IP_PIDFD_OPEN) ? -1 : __real_syscall(n, pid, flags);
	ip_after();
	return rc;
}

/* The open fds of this process: /proc/self/fd's entries, less the one reading it. */
static inline int ip_open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = -1;

	if (d == NULL) {
		perror("interpose: /proc/self/fd");
		exit(1);
	}
	for (struct dirent *e; (e = readdir(d)) != NULL;)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/* Lines of /proc/self/maps naming the memfd called `name`: its mappings in this process. */
static inline int ip_maps_of(const char *name)
{
	char line[512], want[80];
	int n = 0;
	FILE *f = fopen("/proc/self/maps", "r");

	if (f == NULL) {
		perror("interpose: /proc/self/maps");
		exit(1);
	}
	snprintf(want, sizeof want, "/memfd:%s ", name);
	while (fgets(line, sizeof line, f) != NULL)
		n += strstr(line, want) != NULL;
	fclose(f);
	return n;
}

#endif /* IPC_INTERPOSE_H */
