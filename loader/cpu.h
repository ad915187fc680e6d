/* CPU facts the entropy and timing code needs (FEAT_RNG, the generic timer), read from
 * system registers. Implemented in loader/cpu_arm64.c for the PE only; the current EL and
 * everything about translation live in mm/cpu.h. */
#ifndef KASLBOOT_CPU_H
#define KASLBOOT_CPU_H

#include <stdbool.h>
#include <stdint.h>

bool cpu_has_rndr(void);               /* ID_AA64ISAR0_EL1.RNDR != 0 (FEAT_RNG) */
bool cpu_rndr(uint64_t *out);          /* one RNDR read; false if the hardware failed it */
uint64_t cpu_counter(void);            /* CNTVCT_EL0 */
uint64_t cpu_counter_freq(void);       /* CNTFRQ_EL0, in Hz */

#endif
