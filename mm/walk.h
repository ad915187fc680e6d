/* SPDX-License-Identifier: BSD-2-Clause */
/* A software table walker that decodes raw descriptors as the MMU does for a stage 1
 * EL1&0 translation with the 4 KiB granule (Arm ARM D8.3-D8.6). It trusts nothing the
 * builder remembers: only the root address, the VA size and the half. Tests use it as the
 * oracle; the on-CPU self test compares it with AT S1E1R. */
#ifndef KASLBOOT_MM_WALK_H
#define KASLBOOT_MM_WALK_H

#include <stdbool.h>
#include <stdint.h>

#include "mm/pgtable.h"

enum mm_fault {
	MM_FAULT_NONE = 0,
	MM_FAULT_RANGE,       /* VA outside this half (a TxSZ translation fault at level 0) */
	MM_FAULT_TRANSLATION, /* invalid or reserved descriptor at `level` */
	MM_FAULT_ACCESS_FLAG, /* leaf with AF = 0 */
	MM_FAULT_ADDRESS_SIZE,/* output address bits above 47 (RES0 without FEAT_LPA2) set */
	MM_FAULT_TABLE_UNREADABLE, /* a next-level table outside the pool: cannot follow it */
};

struct mm_walk_result {
	enum mm_fault fault;
	unsigned level;        /* level of the leaf, or of the faulting descriptor */
	uint64_t desc;         /* raw leaf descriptor (or the faulting one) */
	uint64_t pa;           /* translated physical address of the VA */
	uint64_t block_pa;     /* start of the block/page */
	uint64_t block_size;   /* 4 KiB, 2 MiB or 1 GiB */
	unsigned attr_index;   /* AttrIndx */
	uint8_t mair_attr;     /* Attr<AttrIndx> byte of MM_MAIR_VALUE */
	enum mm_memtype type;  /* decoded from mair_attr */
	unsigned sh;           /* SH[1:0] of the leaf */
	bool af, ng, contiguous, ns;
	bool writable;         /* at EL1, after APTable[1] of every table on the way */
	bool el0_access;       /* AP[1] and no APTable[0] */
	bool pxn, uxn;         /* effective, including PXNTable/UXNTable and implicit PXN */
	unsigned attrs;        /* the same as MM_RO/MM_RW | MM_EXEC/MM_XN (EL1 view) */
};

/* 0 with *out filled if va translates; KB_ENOENT with out->fault/level set if the MMU would
 * fault (or KB_ECORRUPT if a table pointer leaves the pool and cannot be followed). */
int mm_walk(const struct mm_tables *t, uint64_t va, struct mm_walk_result *out);

/* Memory type for a MAIR Attr<n> byte (MM_MEMTYPE_UNKNOWN for encodings kaslboot never uses). */
enum mm_memtype mm_mair_to_memtype(uint8_t attr);

#endif
