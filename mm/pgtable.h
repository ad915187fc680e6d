/* SPDX-License-Identifier: BSD-2-Clause */
/* Describe, then build: a list of mm_region records (VA, PA, size, memory type, access) is
 * validated as a whole and turned into AArch64 stage 1 translation tables (4 KiB granule,
 * 39-bit/3-level or 48-bit/4-level, one TTBR half per table set), in pages from a
 * caller-provided pool. Largest blocks first, pages only where alignment demands, and the
 * contiguous hint on aligned runs of 16. */
#ifndef KASLBOOT_MM_PGTABLE_H
#define KASLBOOT_MM_PGTABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mm/pool.h"

enum mm_memtype {
	MM_NORMAL_WB = 0,     /* normal memory, inner/outer write-back, inner shareable */
	MM_NORMAL_NC = 1,     /* normal memory, non-cacheable */
	MM_DEVICE_nGnRE = 2,  /* device, posted writes allowed (MMIO such as a UART) */
	MM_DEVICE_nGnRnE = 3, /* device, strongly ordered */
	MM_MEMTYPE_UNKNOWN = 4, /* only reported by the walker: MAIR byte not one of the above */
};

/* Access attributes: exactly one of MM_RO/MM_RW and one of MM_EXEC/MM_XN. Both halves are
 * explicit bits so that a forgotten flag is an error, not a silent default. All mappings are
 * privileged (EL1) only and never executable at EL0. */
#define MM_RO   (1u << 0)
#define MM_RW   (1u << 1)
#define MM_EXEC (1u << 2) /* executable at EL1 */
#define MM_XN   (1u << 3) /* execute-never */
#define MM_ATTR_ALL (MM_RO | MM_RW | MM_EXEC | MM_XN)

struct mm_region {
	uint64_t va, pa, size; /* all 4 KiB aligned, size > 0 */
	enum mm_memtype type;
	unsigned attrs;        /* MM_RO|MM_RW, MM_EXEC|MM_XN */
	const char *name;      /* for error messages */
};

struct mm_tables {
	uint64_t root_pa;          /* physical address of the root table (TTBR BADDR) */
	uint64_t *root;            /* the same page as this code sees it */
	unsigned va_bits;          /* 39 (walk starts at level 1) or 48 (level 0) */
	bool high_half;            /* TTBR1: VAs 2^64-2^va_bits .. 2^64-1; else TTBR0: 0 .. 2^va_bits-1 */
	struct mm_page_pool *pool; /* every table page of this set comes from here */
};

/* Allocates the (zeroed) root page. KB_EINVAL for va_bits other than 39/48. */
int mm_tables_init(struct mm_tables *t, struct mm_page_pool *pool, unsigned va_bits, bool high_half);

/* Validates every region (alignment, size 0, wrap, VA in this half, PA < 2^48, flags, W+X,
 * device+exec, overlaps within the list and with what t already maps) before touching the
 * tables; the first bad region gets one log_error line and KB_EINVAL/KB_ERANGE/KB_EPERM.
 * Then builds. KB_ENOMEM if the pool runs out during the build: t then holds part of the
 * regions and should be discarded. */
int mm_map_regions(struct mm_tables *t, const struct mm_region *r, size_t n);

/* First and last VA of the half t translates. */
uint64_t mm_tables_va_start(const struct mm_tables *t);
uint64_t mm_tables_va_last(const struct mm_tables *t);
/* Level at which the walk starts: 0 for 48-bit, 1 for 39-bit. */
unsigned mm_tables_start_level(const struct mm_tables *t);
/* Index of the descriptor for va in a table at `level`. */
unsigned mm_table_index(uint64_t va, unsigned level);

/* The attribute bits (lower+upper, no OA, no type) a leaf descriptor gets for this
 * memory type and access; exposed so tests can compare against the walker. */
uint64_t mm_leaf_attr_bits(enum mm_memtype type, unsigned attrs);

#endif
