/* SPDX-License-Identifier: BSD-2-Clause */
/* KASLR placement policy: where the kernel, the initrd and the DT go physically, and where
 * an MMU-on payload goes virtually. Portable: it sees the memory map (loader/memmap.h) and
 * a generator (crypto/drbg.h), never the firmware.
 *
 * Physical placement counts every eligible aligned slot in the map and draws one uniformly
 * (drbg_uniform, no modulo bias), like the kernel's efi_random_alloc() but over all 64 bits
 * of the draw and at the 2 MiB alignment booting.rst asks of other loaders. The caller then
 * claims the chosen range with AllocatePages(AllocateAddress). If that fails (a stale map),
 * it may call again with the failed range in `avoid`, which removes every slot overlapping
 * it, and draw again. */
#ifndef KASLBOOT_LOADER_KASLR_H
#define KASLBOOT_LOADER_KASLR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kaslboot/protocol.h>

#include "lib/memmap.h"
#include "lib/sizes.h"
#include "crypto/drbg.h"

/* Placement obeys booting.rst, whose limits live in lib/sizes.h: the kernel at a
 * BOOT_IMAGE_ALIGN-aligned base, below BOOT_IMAGE_PHYS_LIMIT when flags bit 3 lets it go
 * anywhere (the EFI stub's EFI_ALLOC_LIMIT is the same bound); the initrd inside the
 * BOOT_INITRD_WINDOW_* window, page-aligned (the unit of AllocatePages). */
#define KASLR_INITRD_ALIGN MEMMAP_PAGE_SIZE
/* The DT: booting.rst wants it 8-byte aligned, at most BOOT_DT_MAX_SIZE, and not sharing
 * a 2 MiB region with anything that needs special attributes: a 2 MiB-aligned allocation
 * satisfies all three. */
#define KASLR_DT_ALIGN SZ_2M
/* Most ranges a request may avoid (kernel, initrd, DT, a few failed attempts). */
#define KASLR_MAX_AVOID 8

/* MMU-on payload layout, 4 KiB granule, 48-bit VA: TTBR1 covers [0xffff000000000000, 2^64)
 * (Arm ARM D8.2, TCR_EL1.T1SZ = 16). The lower half of it is the linear-map window
 * (KASLBOOT_LINEAR_WINDOW_LO/HI, 128 TiB), the image window (KASLBOOT_IMAGE_VA_WINDOW_LO/HI)
 * is 80 TiB above it, which gives 2^25 2 MiB slots (>= 25 bits, the figure Linux 6.1
 * reaches), and [0xffffe00000000000, 2^64) stays free for the fixmap. Both bases move in
 * level-2 blocks (Arm ARM D8.3): KASLBOOT_IMAGE_ALIGN, KASLBOOT_LINEAR_ALIGN. These are
 * promises of the protocol, so include/kaslboot/protocol.h owns them. */

/* [base, base + size). */
struct kaslr_range {
	uint64_t base;
	uint64_t size;
};

/* A slot is an aligned base B whose region [B + offset, B + offset + size) lies inside ONE
 * eligible memory-map entry, at or above max(min_addr, 1) (never address 0), below
 * max_addr, and overlaps no `avoid` range. Eligible entries: MEMMAP_CONVENTIONAL without
 * HOT_PLUGGABLE or SP; if MORE_RELIABLE (mirrored) entries offer any slot, only they are
 * used (as efi_random_alloc does). */
struct kaslr_request {
	uint64_t align;    /* power of two, >= MEMMAP_PAGE_SIZE (AllocatePages takes pages) */
	uint64_t offset;   /* text_offset: the region starts this far above the base */
	uint64_t size;     /* bytes that must be free, > 0 */
	uint64_t min_addr; /* inclusive lower bound of the region */
	uint64_t max_addr; /* exclusive upper bound of the region; 0 means 2^64 */
	const struct kaslr_range *avoid;
	size_t n_avoid;    /* <= KASLR_MAX_AVOID */
};

/* random: uniform over all slots; otherwise the lowest slot address. *out_nslots (may be
 * NULL) gets the slot count. KB_ENOSPC if there is none, KB_EINVAL for a bad request or an
 * unseeded generator with random set, KB_ERANGE for a map entry that wraps. */
int kaslr_choose(const struct memmap *map, const struct kaslr_request *req, bool random,
		 struct drbg *rng, uint64_t *out_base, uint64_t *out_nslots);

/* The kernel's physical base: kaslr_choose with min_addr 0 and no avoid list. align is
 * BOOT_IMAGE_ALIGN, offset text_offset, size image_size, max_addr exclusive (e.g.
 * BOOT_IMAGE_PHYS_LIMIT), random = flags bit 3 set and KASLR on. */
int kaslr_choose_phys(const struct memmap *map, uint64_t align, uint64_t offset, uint64_t size,
		      uint64_t max_addr, bool random, struct drbg *rng, uint64_t *out_base,
		      uint64_t *out_nslots);

/* The span [*win_lo, *win_hi) in which any range that does not overlap the kernel
 * [kernel_start, kernel_start + kernel_size) shares a 1 GiB-aligned 32 GiB window with it:
 * from roundup(kernel_end - 32 GiB, 1 GiB) to rounddown(kernel_start, 1 GiB) + 32 GiB.
 * KB_ERANGE if the kernel itself fits no such window. */
int kaslr_initrd_window(uint64_t kernel_start, uint64_t kernel_size, uint64_t *win_lo,
			uint64_t *win_hi);

/* A slot of `size` bytes at `align` inside [win_lo, win_hi), avoiding `avoid`. */
int kaslr_choose_in_window(const struct memmap *map, uint64_t win_lo, uint64_t win_hi,
			   uint64_t align, uint64_t size, const struct kaslr_range *avoid,
			   size_t n_avoid, bool random, struct drbg *rng, uint64_t *out_base,
			   uint64_t *out_nslots);

/* The initrd: page-aligned, in the kernel's booting.rst window, not overlapping the kernel
 * [kernel_start, kernel_start + kernel_size). */
int kaslr_choose_initrd(const struct memmap *map, uint64_t kernel_start, uint64_t kernel_size,
			uint64_t initrd_size, bool random, struct drbg *rng, uint64_t *out_base,
			uint64_t *out_nslots);

/* The DT: 2 MiB-aligned, dt_size <= BOOT_DT_MAX_SIZE (KB_ERANGE otherwise), below max_addr (0: none),
 * avoiding `avoid`. */
int kaslr_choose_dt(const struct memmap *map, uint64_t dt_size, uint64_t max_addr,
		    const struct kaslr_range *avoid, size_t n_avoid, bool random,
		    struct drbg *rng, uint64_t *out_base, uint64_t *out_nslots);

/* floor(log2(nslots)): the bits of placement entropy to log; 0 for 0 or 1 slot. */
unsigned kaslr_entropy_bits(uint64_t nslots);

/* Number of align-aligned bases V with [V, V + size) inside [window_lo, window_hi)
 * (window_hi exclusive, 0 meaning 2^64); 0 on bad arguments. */
uint64_t kaslr_virt_slots(uint64_t window_lo, uint64_t window_hi, uint64_t align,
			  uint64_t size);

/* A virtual base uniform over those slots (e.g. KASLBOOT_IMAGE_VA_WINDOW_LO/HI,
 * KASLBOOT_IMAGE_ALIGN). KB_EINVAL: align not a power of two, size 0, unseeded rng;
 * KB_ENOSPC: no slot. */
int kaslr_choose_virt(struct drbg *rng, uint64_t window_lo, uint64_t window_hi, uint64_t align,
		      uint64_t image_size, uint64_t *out);

/* The linear-map offset: VA = PA + *out_offset (mod 2^64) maps RAM [ram_lo, ram_hi) into
 * [lm_lo, lm_hi) at a random align-aligned position (so block mappings stay possible).
 * e.g. KASLBOOT_LINEAR_WINDOW_LO/HI with KASLBOOT_LINEAR_ALIGN. */
int kaslr_choose_linear_offset(struct drbg *rng, uint64_t lm_lo, uint64_t lm_hi, uint64_t ram_lo,
			       uint64_t ram_hi, uint64_t align, uint64_t *out_offset);

#endif
