/* SPDX-License-Identifier: BSD-2-Clause */
/* The generic timer's virtual counter (Arm ARM D11.1): kaslboot's clock for phase timings
 * and the loader-time variables, and one low-grade entropy input. The PE reads it in
 * lib/cpu_arm64.c; host builds read CLOCK_MONOTONIC (lib/counter_host.c). */
#ifndef KASLBOOT_LIB_COUNTER_H
#define KASLBOOT_LIB_COUNTER_H

#include <stdint.h>

uint64_t cpu_counter(void);            /* CNTVCT_EL0 */
uint64_t cpu_counter_freq(void);       /* CNTFRQ_EL0, in Hz */

/* Microseconds of the counter between t0 and t1 (0 if the frequency is unknown). */
static inline uint64_t counter_us(uint64_t t0, uint64_t t1)
{
	uint64_t f = cpu_counter_freq();
	if (!f || t1 < t0)
		return 0;
	/* Split to avoid overflow: a 100 MHz counter wraps a naive *1e6 after ~5 hours. */
	uint64_t d = t1 - t0;
	return d / f * 1000000 + d % f * 1000000 / f;
}

/* Milliseconds of the counter since t0. */
static inline uint64_t ms_since(uint64_t t0)
{
	return counter_us(t0, cpu_counter()) / 1000;
}

#endif
