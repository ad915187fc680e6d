/* SPDX-License-Identifier: BSD-2-Clause */
/* The kernel's virtual layout as data, after arm64 Linux: an early ("init", like
 * init_pg_dir) TTBR1 set holding the kernel image segment by segment and a fixmap with the
 * DT and an early console page, plus a TTBR0 identity map of the trampoline; and a final
 * ("swapper") set with the same and a linear map of all RAM that is read-write, never
 * executable, and has no writable alias of the image's text or read-only data. */
#ifndef KASLBOOT_MM_LAYOUT_H
#define KASLBOOT_MM_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/memmap.h"
#include "lib/sizes.h"
#include "mm/arch.h"
#include "mm/pgtable.h"

/* Top of the fixmap, as Linux 6.12 FIXADDR_TOP (-8 MiB): inside the high half for 39- and
 * 48-bit VAs alike, and not moved by KASLR. Slots count down from it (__fix_to_virt). */
#define MM_FIXMAP_TOP     MM_U64(0xffffffffff800000)
/* The DT window: a DT of at most BOOT_DT_MAX_SIZE (booting.rst) at any in-page offset
 * spans that many bytes plus one page. */
#define MM_FIX_FDT_PAGES  (BOOT_DT_MAX_SIZE / MM_PAGE_SIZE + 1)

enum mm_fixmap_slot {
	MM_FIX_HOLE = 0,                                   /* never mapped: guard at the top */
	MM_FIX_FDT_END = 1,                                /* highest page of the DT window */
	MM_FIX_FDT = MM_FIX_FDT_END + MM_FIX_FDT_PAGES - 1, /* lowest page: the DT starts here */
	MM_FIX_EARLYCON,                                   /* one device page for a UART */
	MM_FIX_COUNT
};

uint64_t mm_fixmap_slot_va(enum mm_fixmap_slot slot);
/* Lowest VA of the fixmap (slot MM_FIX_COUNT - 1). */
uint64_t mm_fixmap_start(void);
/* Where the DT at physical fdt_pa is seen through the fixmap (in-page offset kept). */
uint64_t mm_fixmap_fdt_va(uint64_t fdt_pa);
/* Where the console register at physical console_pa is seen through the fixmap. */
uint64_t mm_fixmap_earlycon_va(uint64_t console_pa);

/* One segment of the kernel image, at image_va + offset / image_pa + offset. */
struct mm_image_segment {
	uint64_t offset, size; /* 4 KiB aligned */
	unsigned attrs;        /* e.g. text MM_RO|MM_EXEC, rodata MM_RO|MM_XN, data MM_RW|MM_XN */
	const char *name;
};

struct mm_layout_params {
	unsigned va_bits;                    /* 39 or 48, both halves */
	uint64_t image_va, image_pa;         /* kernel image virtual (randomised) and physical base */
	const struct mm_image_segment *segs;
	size_t nsegs;
	uint64_t fdt_pa, fdt_size;           /* the DT, size <= BOOT_DT_MAX_SIZE */
	unsigned fdt_access;                 /* MM_RO or MM_RW (XN always) */
	bool has_console;
	uint64_t console_pa;                 /* mapped device nGnRE into MM_FIX_EARLYCON */
	uint64_t tramp_pa, tramp_size;       /* identity-mapped RX in TTBR0; size 0: no TTBR0 set */
	/* final ("swapper") set only: */
	const struct memmap *memmap;         /* RAM = usable types with MEMMAP_ATTR_WB */
	uint64_t lm_offset;                  /* linear map: va = pa + lm_offset */
};

struct mm_layout {
	struct mm_tables ttbr1; /* high half: image, fixmap (+ linear map in the final set) */
	struct mm_tables ttbr0; /* low half: identity map of the trampoline */
	bool has_ttbr0;
};

int mm_layout_init(const struct mm_layout_params *p, struct mm_page_pool *pool,
		   struct mm_layout *out);
int mm_layout_final(const struct mm_layout_params *p, struct mm_page_pool *pool,
		    struct mm_layout *out);

/* Is this memory map entry RAM for the linear map? */
bool mm_memmap_is_ram(const struct memmap_entry *e);

#endif
