/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef KASLBOOT_LOADER_KERNEL_LOAD_H
#define KASLBOOT_LOADER_KERNEL_LOAD_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/memmap.h"
#include "loader/allocs.h"
#include "crypto/drbg.h"
#include "formats/image.h"
#include "formats/kernel_format.h"

struct loaded_kernel {
	uint64_t base;          /* the slot's base; the Image starts at base + text_offset */
	uint64_t align;         /* the slot alignment (image_placement_align) */
	uint64_t image;         /* physical address of Image+0: the entry point */
	uint64_t file_bytes;    /* bytes of Image written (the rest of image_size is BSS) */
	struct image_info info;
	uint64_t nslots;        /* eligible slots it was drawn from */
	enum kernel_format format;
	/* The Image in its slot is in PCR 4 already: the Secure Boot verifier measured it
	 * (measure_verify_end), so kaslboot does not measure it again. */
	bool measured;
};

/* Opens the file once, reads its header, validates it, draws the slot from the memory map as
 * it is right then (random, or the lowest one), claims it with AllocatePages(AllocateAddress) and reads or inflates the
 * kernel straight into it. A plain Image is read once, into its slot (the header read
 * first is copied there, the rest follows it); a gzip or zboot kernel is read into a
 * temporary buffer and inflated into the slot. With Secure Boot on, the bytes that will
 * run are verified (kb_platform.verify_image): the Image in its slot, or the zboot PE before it is
 * inflated; a bare gzip kernel has no signature and is refused. A compressed file is
 * measured into PCR 4 here (after its verification: not when the verifier measured it);
 * the Image in its slot is the caller's to measure, unless out->measured. */
int kernel_load(const struct kb_platform *pf, bool secure_boot, const char *path,
		bool random, struct drbg *rng, struct kb_allocs *allocs, struct loaded_kernel *out);

#endif
