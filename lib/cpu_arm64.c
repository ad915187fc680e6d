/* SPDX-License-Identifier: BSD-2-Clause */
#include "lib/counter.h"
#include "lib/rndr.h"

/* ID_AA64ISAR0_EL1.RNDR, bits [63:60]: 0b0001 = RNDR/RNDRRS implemented (Arm ARM D19.2.61). */
#define ID_AA64ISAR0_RNDR_SHIFT 60
#define ID_AA64ISAR0_RNDR_MASK  0xfULL

bool cpu_has_rndr(void)
{
	uint64_t v;
	__asm__ volatile("mrs %0, id_aa64isar0_el1" : "=r"(v));
	return ((v >> ID_AA64ISAR0_RNDR_SHIFT) & ID_AA64ISAR0_RNDR_MASK) != 0;
}

bool cpu_rndr(uint64_t *out)
{
	uint64_t v, nzcv;
	/* RNDR is s3_3_c2_c4_0; it sets PSTATE.NZCV to 0b0100 (Z) when no entropy was
	 * available and returns 0, so the Z flag is the failure indication. */
	__asm__ volatile("mrs %0, s3_3_c2_c4_0\n\tmrs %1, nzcv" : "=r"(v), "=r"(nzcv));
	if (nzcv & (1ULL << 30)) /* NZCV.Z, bit 30 */
		return false;
	*out = v;
	return true;
}

uint64_t cpu_counter(void)
{
	uint64_t v;
	__asm__ volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(v) :: "memory");
	return v;
}

uint64_t cpu_counter_freq(void)
{
	uint64_t v;
	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(v));
	return v;
}
