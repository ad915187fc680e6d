/* SPDX-License-Identifier: BSD-2-Clause */
#include "mm/regs.h"

#include "mm/arch.h"

uint64_t mm_tcr_ttbr1_fields(unsigned va_bits)
{
	return ((uint64_t)(64 - va_bits) << MM_TCR_T1SZ_SHIFT) |
	       (MM_TCR_RGN_WBWA << MM_TCR_IRGN1_SHIFT) | (MM_TCR_RGN_WBWA << MM_TCR_ORGN1_SHIFT) |
	       (MM_SH_INNER << MM_TCR_SH1_SHIFT) | (MM_TCR_TG1_4K << MM_TCR_TG1_SHIFT);
}

uint64_t mm_tcr_ttbr0_fields(unsigned va_bits)
{
	return ((uint64_t)(64 - va_bits) << MM_TCR_T0SZ_SHIFT) |
	       (MM_TCR_RGN_WBWA << MM_TCR_IRGN0_SHIFT) | (MM_TCR_RGN_WBWA << MM_TCR_ORGN0_SHIFT) |
	       (MM_SH_INNER << MM_TCR_SH0_SHIFT) | (MM_TCR_TG0_4K << MM_TCR_TG0_SHIFT);
}

uint64_t mm_tcr_value(unsigned va_bits, unsigned parange)
{
	uint64_t ips = parange > MM_PARANGE_48 ? MM_PARANGE_48 : parange;

	return mm_tcr_ttbr0_fields(va_bits) | mm_tcr_ttbr1_fields(va_bits) |
	       (ips << MM_TCR_IPS_SHIFT);
}

uint64_t mm_tcr_with_ttbr1(uint64_t tcr, unsigned va_bits)
{
	return (tcr & ~MM_TCR_TTBR1_MASK) | mm_tcr_ttbr1_fields(va_bits);
}
