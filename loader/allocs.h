/* SPDX-License-Identifier: BSD-2-Clause */
/* The page allocations of one boot attempt, tracked so that a failed attempt gives back
 * everything it took (the firmware's next boot option, or the next entry, finds memory as
 * it was). */
#ifndef KASLBOOT_LOADER_ALLOCS_H
#define KASLBOOT_LOADER_ALLOCS_H

#include <stdint.h>

#include "loader/platform.h"

/* An attempt takes the kernel, the initrd, the DT, two page pools, the final-map copy and
 * at most a few refused KASLR claims: 16 leaves room. */
#define KB_ALLOCS_MAX 16

struct kb_allocs {
	const struct kb_platform *pf;
	struct {
		uint64_t base, bytes;
	} a[KB_ALLOCS_MAX];
	unsigned n;
};

void kb_allocs_init(struct kb_allocs *t, const struct kb_platform *pf);
/* [base, base + bytes) exactly; KB_ENOMEM (not logged) if the firmware says no. */
int kb_alloc_at(struct kb_allocs *t, uint64_t base, uint64_t bytes, enum kb_mem_kind kind);
/* Anywhere below max (0: anywhere); logged on failure. */
int kb_alloc_below(struct kb_allocs *t, uint64_t bytes, uint64_t max, enum kb_mem_kind kind,
		   uint64_t *base);
/* Frees one tracked allocation by base, or all of them. */
void kb_free(struct kb_allocs *t, uint64_t base);
void kb_free_all(struct kb_allocs *t);

/* A kaslr_claim_fn (loader/kaslr_claim.h): kb_alloc_at into ctx's tracker and kind. */
struct kb_claim {
	struct kb_allocs *allocs;
	enum kb_mem_kind kind;
};
int kb_claim(uint64_t start, uint64_t size, void *ctx);

#endif
