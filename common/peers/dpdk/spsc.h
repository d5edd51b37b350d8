/*
 * common/peers/dpdk/spsc.h: DPDK's rte_ring in single-producer /
 * single-consumer mode (libdpdk-dev), through the C adapter beside this
 * file: DPDK's headers need GNU C, the driver is ISO C11. It has a bulk
 * API (burst enqueue and dequeue), so the bulk workload measures it too.
 */
#ifndef SPSC_H
#define SPSC_H
#define SPSC_STAGE_NAME "peer-dpdk"
#define SPSC_HAS_BULK   1
#include "../peer.h"
#endif
