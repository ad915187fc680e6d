/* SPDX-License-Identifier: BSD-2-Clause */
/* System-register side of mm/cpu.h: AT queries, cache maintenance, TTBR installation. */
#include "lib/align.h"
#include "mm/cpu.h"

#include "mm/arch.h"

#define CURRENTEL_EL_MASK 3u
#define CTR_WORD_SIZE     4u /* CTR_EL0 line sizes count 4-byte words */

unsigned mm_current_el(void)
{
	uint64_t v;
	__asm__ volatile("mrs %0, CurrentEL" : "=r"(v));
	return (unsigned)(v >> MM_CURRENTEL_SHIFT) & CURRENTEL_EL_MASK;
}

unsigned mm_cpu_parange(void)
{
	uint64_t v;
	__asm__ volatile("mrs %0, id_aa64mmfr0_el1" : "=r"(v));
	return (unsigned)(v & MM_MMFR0_PARANGE_MASK);
}

uint64_t mm_at_s1e1r(uint64_t va)
{
	uint64_t par;
	/* The ISB orders the AT before the PAR_EL1 read (Arm ARM D8.13, "Address
	 * translation instructions"). */
	__asm__ volatile("at s1e1r, %1\n\tisb\n\tmrs %0, par_el1" : "=r"(par) : "r"(va) : "memory");
	return par;
}

uint64_t mm_at_s1e1w(uint64_t va)
{
	uint64_t par;
	__asm__ volatile("at s1e1w, %1\n\tisb\n\tmrs %0, par_el1" : "=r"(par) : "r"(va) : "memory");
	return par;
}

void mm_dcache_clean_poc(uint64_t va, uint64_t size)
{
	uint64_t ctr, line, a, end = va + size;

	if (!size)
		return;
	__asm__ volatile("mrs %0, ctr_el0" : "=r"(ctr));
	/* DminLine: the smallest D-cache line in the system, so no line is skipped. By VA,
	 * line by line, as booting.rst says: set/way operations are for cache power
	 * management, do not reach system caches, and trap under a hypervisor; there is no
	 * range form. Eight lines an iteration (a 27 MiB kernel is ~430000 lines). */
	line = (uint64_t)CTR_WORD_SIZE << ((ctr >> MM_CTR_DMINLINE_SHIFT) & MM_CTR_DMINLINE_MASK);
	a = align_down(va, line);
	for (; end - a > 8 * line; a += 8 * line)
		__asm__ volatile("dc cvac, %0\n\tdc cvac, %1\n\tdc cvac, %2\n\tdc cvac, %3\n\t"
				 "dc cvac, %4\n\tdc cvac, %5\n\tdc cvac, %6\n\tdc cvac, %7"
				 : : "r"(a), "r"(a + line), "r"(a + 2 * line), "r"(a + 3 * line),
				   "r"(a + 4 * line), "r"(a + 5 * line), "r"(a + 6 * line),
				   "r"(a + 7 * line) : "memory");
	for (; a < end; a += line)
		__asm__ volatile("dc cvac, %0" : : "r"(a) : "memory");
	__asm__ volatile("dsb sy" : : : "memory");
}

void mm_icache_invalidate_all(void)
{
	__asm__ volatile("ic ialluis\n\tdsb ish\n\tisb" : : : "memory");
}

static void tlb_flush_el1(void)
{
	__asm__ volatile("isb\n\ttlbi vmalle1\n\tdsb nsh\n\tisb" : : : "memory");
}

void mm_install_ttbr0_el1(uint64_t ttbr0)
{
	/* Table writes must be visible to the walker before it can use them. */
	__asm__ volatile("dsb ishst\n\tmsr ttbr0_el1, %0" : : "r"(ttbr0) : "memory");
	tlb_flush_el1();
}

void mm_install_ttbr1_el1(uint64_t ttbr1)
{
	__asm__ volatile("dsb ishst\n\tmsr ttbr1_el1, %0" : : "r"(ttbr1) : "memory");
	tlb_flush_el1();
}

void mm_cpu_replace_ttbr1(uint64_t new_ttbr1, uint64_t zero_table_pa)
{
	uint64_t daif;

	/* No interrupt may be taken while TTBR1 points at the empty table. */
	__asm__ volatile("mrs %0, daif\n\tmsr daifset, #0xf\n\tdsb ishst" : "=r"(daif) : : "memory");
	mm_replace_ttbr1_idmap(new_ttbr1, zero_table_pa & MM_DESC_OA_MASK);
	__asm__ volatile("msr daif, %0" : : "r"(daif) : "memory");
}

void mm_tramp_range(uint64_t *pa, uint64_t *size)
{
	/* The loader runs identity-mapped under UEFI: the address is the physical one. */
	*pa = (uint64_t)(uintptr_t)mm_tramp_start;
	*size = (uint64_t)(mm_tramp_end - mm_tramp_start);
}
