/* SPDX-License-Identifier: BSD-2-Clause */
/* Values of the EL1 translation control registers for kaslboot's table sets. Portable
 * (computed, not written here) so the host tests can check them; mm/cpu_arm64.c and the
 * assembly install them. */
#ifndef KASLBOOT_MM_REGS_H
#define KASLBOOT_MM_REGS_H

#include <stdint.h>

/* TCR_EL1 fields that only concern TTBR1: T1SZ = 64 - va_bits, TG1 4 KiB, IRGN1/ORGN1
 * write-back write-allocate, SH1 inner shareable, EPD1 = 0, A1 = 0. */
uint64_t mm_tcr_ttbr1_fields(unsigned va_bits);
/* The same for TTBR0 (T0SZ, TG0, IRGN0, ORGN0, SH0, EPD0 = 0). */
uint64_t mm_tcr_ttbr0_fields(unsigned va_bits);
/* A whole TCR_EL1 for both halves of va_bits each; IPS from ID_AA64MMFR0_EL1.PARange,
 * capped at 48 bits (no FEAT_LPA). */
uint64_t mm_tcr_value(unsigned va_bits, unsigned parange);
/* Replace the TTBR1 fields of an existing TCR_EL1 (the firmware's), keeping TTBR0's. */
uint64_t mm_tcr_with_ttbr1(uint64_t tcr, unsigned va_bits);

#endif
