/* SPDX-License-Identifier: BSD-2-Clause */
/* A software walk of the live TTBR1_EL1 tables, read through the linear map, to learn what
 * AT cannot tell: whether a mapping is executable, and its memory type. The table pages
 * are themselves checked with AT before they are read, so a broken linear map gives a
 * failed check, not a fault. */
#ifndef PROBE_WALK_H
#define PROBE_WALK_H

#include <stdbool.h>
#include <stdint.h>

enum walk_memtype { MEM_NORMAL_WB, MEM_DEVICE, MEM_OTHER };

struct walk {
	bool mapped;        /* a valid leaf translates va */
	const char *error;  /* set when the walk itself went wrong (bad TCR, unreadable table) */
	unsigned level;     /* level of the leaf: 1, 2 (blocks) or 3 (page) */
	uint64_t pa;        /* the PA va translates to */
	uint64_t leaf_va;   /* first VA of the leaf's block/page */
	uint64_t leaf_size; /* its size */
	bool writable;      /* AP[2] clear and no APTable[1] above */
	bool executable;    /* at EL1: PXN clear, no PXNTable above, not WXN-forced */
	bool af;            /* access flag */
	enum walk_memtype memtype;
};

/* Walks va through TTBR1_EL1; linear_offset maps table PAs to readable VAs. */
void walk_ttbr1(uint64_t va, uint64_t linear_offset, struct walk *w);

#endif
