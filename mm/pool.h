/* SPDX-License-Identifier: BSD-2-Clause */
/* A caller-provided pool of 4 KiB pages for translation tables: no heap. In the PE the pool
 * is identity-mapped memory from AllocatePages (base_va == base_pa); on the host it is an
 * aligned buffer with a made-up physical base, so the pool carries the pa <-> va offset. */
#ifndef KASLBOOT_MM_POOL_H
#define KASLBOOT_MM_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mm_page_pool {
	uint64_t base_pa; /* physical address of page 0, 4 KiB aligned */
	void *base_va;    /* where this code sees page 0 (== base_pa in the PE) */
	size_t npages;    /* pages in the pool */
	size_t used;      /* pages handed out so far (allocation is a bump pointer) */
};

/* Checks alignment and wrap-around; KB_EINVAL / KB_ERANGE on bad input. */
int mm_pool_init(struct mm_page_pool *pool, void *base_va, uint64_t base_pa, size_t npages);
/* One zeroed page; its physical address in *pa. KB_ENOMEM (and a log line) when empty. */
int mm_pool_alloc(struct mm_page_pool *pool, uint64_t *pa);
/* The pointer through which pool page `pa` is seen, or NULL if pa is not an allocated pool page. */
void *mm_pool_pa_to_va(const struct mm_page_pool *pool, uint64_t pa);
/* True if [pa, pa+1) lies in a page of the pool that has been handed out. */
bool mm_pool_owns_pa(const struct mm_page_pool *pool, uint64_t pa);

#endif
