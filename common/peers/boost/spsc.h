/*
 * common/peers/boost/spsc.h: Boost.Lockfree spsc_queue (libboost-dev),
 * through the C++ adapter beside this file. It has a bulk API (push and
 * pop of arrays), so the bulk workload measures it too.
 */
#ifndef SPSC_H
#define SPSC_H
#define SPSC_STAGE_NAME "peer-boost"
#define SPSC_HAS_BULK   1
#include "../peer.h"
#endif
