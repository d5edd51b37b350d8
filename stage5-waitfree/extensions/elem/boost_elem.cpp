// stage5-waitfree/extensions/elem/boost_elem.cpp: Boost.Lockfree's
// spsc_queue<T> for the items of bench_elem.c (elem_peers.h), one set of
// C functions per item size, for the driver to call (-flto inlines them).
//
// The capacity is set at run time, as the driver's --capacity asks: Boost
// then allocates capacity + 1 slots with std::allocator and holds exactly
// capacity items. Its slots are not aligned to a cache line (the array is
// aligned as the allocator gives it, 16 bytes with glibc): that is how
// Boost stores a struct of 8-byte words, and the measurement keeps it.
#include "elem_peers.h"

#include <boost/lockfree/spsc_queue.hpp>
#include <cerrno>
#include <new>

namespace
{

template <typename T> using ring = boost::lockfree::spsc_queue<T>;

// The queue behind the C handle: the handle is never dereferenced in C.
template <typename T> ring<T> *as_ring(boost_elem *q)
{
	return reinterpret_cast<ring<T> *>(q);
}

// NULL with errno EINVAL (no capacity) or ENOMEM, never an exception.
template <typename T> boost_elem *create(size_t capacity)
{
	if (capacity == 0 || capacity > SIZE_MAX / 2 / sizeof(T)) {
		errno = EINVAL;
		return nullptr;
	}
	try {
		return reinterpret_cast<boost_elem *>(new ring<T>(capacity));
	} catch (const std::bad_alloc &) {
		errno = ENOMEM;
		return nullptr;
	}
}

} // namespace

#define ELEM_BOOST_DEFINE(bytes)                                                                                       \
	boost_elem *boost_elem_create_##bytes(size_t capacity)                                                         \
	{                                                                                                              \
		return create<elem_item_##bytes>(capacity);                                                            \
	}                                                                                                              \
	void boost_elem_destroy_##bytes(boost_elem *q)                                                                 \
	{                                                                                                              \
		delete as_ring<elem_item_##bytes>(q);                                                                  \
	}                                                                                                              \
	bool boost_elem_push_##bytes(boost_elem *q, const elem_item_##bytes *item)                                     \
	{                                                                                                              \
		return as_ring<elem_item_##bytes>(q)->push(*item);                                                     \
	}                                                                                                              \
	bool boost_elem_pop_##bytes(boost_elem *q, elem_item_##bytes *item)                                            \
	{                                                                                                              \
		return as_ring<elem_item_##bytes>(q)->pop(*item);                                                      \
	}                                                                                                              \
	size_t boost_elem_push_n_##bytes(boost_elem *q, const elem_item_##bytes *items, size_t n)                      \
	{                                                                                                              \
		return as_ring<elem_item_##bytes>(q)->push(items, n);                                                  \
	}                                                                                                              \
	size_t boost_elem_pop_n_##bytes(boost_elem *q, elem_item_##bytes *items, size_t n)                             \
	{                                                                                                              \
		return as_ring<elem_item_##bytes>(q)->pop(items, n);                                                   \
	}

extern "C" {
ELEM_SIZES(ELEM_BOOST_DEFINE)
}
