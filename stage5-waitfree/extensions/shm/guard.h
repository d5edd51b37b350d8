/*
 * stage5-waitfree/extensions/shm/guard.h: a PROT_NONE page after a mapping, for the hostile
 * tests and the attach fuzzer. A stray access just past the segment then
 * faults, where it could otherwise land in the file's last page or in a
 * neighbouring mapping and go unseen (AddressSanitizer does not watch
 * mmap'd memory).
 */
#ifndef IPC_GUARD_H
#define IPC_GUARD_H

#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

/* Reserves the page after [base, base + size) if it is free; returns it, or NULL. */
static inline void *guard_after(const void *base, size_t size)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	uintptr_t end = ((uintptr_t)base + size + page - 1) & ~(uintptr_t)(page - 1);
	void *g = mmap((void *)end, page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

	if (g == MAP_FAILED)
		return NULL;
	if (g != (void *)end) { /* a kernel older than 4.17 took the flag as a hint: not the page we wanted */
		munmap(g, page);
		return NULL;
	}
	return g;
}

/* Releases a page guard_after reserved (NULL: nothing). */
static inline void guard_release(void *g)
{
	if (g != NULL)
		munmap(g, (size_t)sysconf(_SC_PAGESIZE));
}

#endif /* IPC_GUARD_H */
