/* SPDX-License-Identifier: BSD-2-Clause */
/* Host builds: the counter is CLOCK_MONOTONIC in nanoseconds; there is no RNDR. */
#include <time.h>

#include "lib/counter.h"
#include "lib/rndr.h"

uint64_t cpu_counter(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t cpu_counter_freq(void)
{
	return 1000000000u;
}

bool cpu_has_rndr(void)
{
	return false;
}

bool cpu_rndr(uint64_t *out)
{
	(void)out;
	return false;
}
