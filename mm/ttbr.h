/* SPDX-License-Identifier: BSD-2-Clause */
/* Turning a table's address into a TTBR value. The physical address of a table is only
 * derivable from an address whose VA->PA relation is known: the identity map (the pool as
 * this code sees it) or the linear map (va = pa + lm_offset). A kernel-image address is not
 * one of those -- the kernel's init_pg_dir review caught cpu_replace_ttbr1(swapper_pg_dir)
 * needing lm_alias() -- so the caller must say which kind of address it passes, and
 * anything that does not land on a page of the pool is refused loudly. */
#ifndef KASLBOOT_MM_TTBR_H
#define KASLBOOT_MM_TTBR_H

#include <stdint.h>

#include "mm/pgtable.h"

enum mm_addr_kind {
	MM_ADDR_IDMAP,  /* the pool's own view (va == pa in the PE) */
	MM_ADDR_LINEAR, /* linear-map alias: pa = va - lm_offset */
	MM_ADDR_KIMAGE, /* an address inside a kernel image mapping: never convertible */
};

/* Physical address of the table page at `addr` (of the given kind). KB_EINVAL with a
 * log_error line for a kernel-image address, an address outside the pool or not page
 * aligned. */
int mm_table_phys(const struct mm_page_pool *pool, enum mm_addr_kind kind, uint64_t addr,
		  uint64_t lm_offset, uint64_t *pa);

/* TTBRn_EL1 value (BADDR = root PA, ASID 0, CnP 0) for t, given its root by address:
 * the address must convert (mm_table_phys) to t->root_pa. */
int mm_ttbr_value(const struct mm_tables *t, enum mm_addr_kind kind, uint64_t root_addr,
		  uint64_t lm_offset, uint64_t *ttbr);

#endif
