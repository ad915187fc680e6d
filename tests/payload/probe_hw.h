/* SPDX-License-Identifier: BSD-2-Clause */
/* System-register reads, address translation (AT) and PSCI calls for the probe. */
#ifndef PROBE_HW_H
#define PROBE_HW_H

#include <stdint.h>

#define READ_SYSREG(name) ({ uint64_t v_; __asm__ volatile("mrs %0, " #name : "=r"(v_)); v_; })

/* PAR_EL1 (Arm ARM D19.2): F, bit 0, set when the AT walk faulted; then FST[6:1] is the
 * fault status code. With F == 0, PA[47:12] and ATTR[63:56] describe the translation. */
#define PAR_F 1ull
#define PAR_FST_SHIFT 1
#define PAR_FST_MASK 0x3full
#define PAR_PA_MASK 0x0000fffffffff000ull
#define FSC_TYPE_MASK 0x3cull      /* DFSC[5:2]: the fault kind, [1:0] the level */
#define FSC_TRANSLATION 0x04ull    /* 0b0001LL: translation fault (nothing mapped) */
#define FSC_PERMISSION 0x0cull     /* 0b0011LL: permission fault */

/* AT S1E1R / AT S1E1W: stage 1 EL1 translation as a read / a write (Arm ARM C5.5). */
static inline uint64_t at_s1e1r(uint64_t va)
{
	uint64_t par;
	__asm__ volatile("at s1e1r, %1\n\tisb\n\tmrs %0, par_el1" : "=r"(par) : "r"(va) : "memory");
	return par;
}

static inline uint64_t at_s1e1w(uint64_t va)
{
	uint64_t par;
	__asm__ volatile("at s1e1w, %1\n\tisb\n\tmrs %0, par_el1" : "=r"(par) : "r"(va) : "memory");
	return par;
}

static inline int par_fault_kind(uint64_t par)
{
	return (int)(((par >> PAR_FST_SHIFT) & PAR_FST_MASK) & FSC_TYPE_MASK);
}

/* PSCI 1.1 (Arm DEN 0022) SYSTEM_OFF, SMC32/HVC32 function ID. */
#define PSCI_SYSTEM_OFF 0x84000008u

enum psci_conduit { PSCI_NONE, PSCI_HVC, PSCI_SMC };

static inline void psci_system_off(enum psci_conduit c)
{
	register uint64_t x0 __asm__("x0") = PSCI_SYSTEM_OFF;

	if (c == PSCI_HVC)
		__asm__ volatile("hvc #0" : "+r"(x0) : : "x1", "x2", "x3", "memory");
	else if (c == PSCI_SMC)
		__asm__ volatile("smc #0" : "+r"(x0) : : "x1", "x2", "x3", "memory");
}

#endif
