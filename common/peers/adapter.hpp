// common/peers/adapter.hpp: what the C++ adapters share. The contract's
// spsc_create for a queue type Q built from a capacity: the capacity a
// stage would have, or NULL with errno EINVAL or ENOMEM, never an exception.
#ifndef SPSC_PEER_ADAPTER_HPP
#define SPSC_PEER_ADAPTER_HPP

#include <new>

#include "peer.h"

template <typename Q> Q *spsc_peer_create(size_t capacity, size_t limit)
{
	size_t n = spsc_peer_capacity_(capacity, 1, limit);

	if (n == 0)
		return nullptr;
	try {
		return new Q(n);
	} catch (const std::bad_alloc &) {
		errno = ENOMEM;
		return nullptr;
	}
}

#endif
