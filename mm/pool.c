/* SPDX-License-Identifier: BSD-2-Clause */
#include "mm/pool.h"

#include <string.h>

#include "lib/align.h"
#include "lib/err.h"
#include "lib/log.h"
#include "mm/arch.h"

int mm_pool_init(struct mm_page_pool *pool, void *base_va, uint64_t base_pa, size_t npages)
{
	uint64_t bytes = (uint64_t)npages << MM_PAGE_SHIFT;

	if (!is_aligned(base_pa, MM_PAGE_SIZE) || !is_aligned((uintptr_t)base_va, MM_PAGE_SIZE))
		return log_error_ret(KB_EINVAL,
				     "mm: page pool at pa %#llx / va %p is not 4 KiB aligned",
				     (unsigned long long)base_pa, base_va);
	if (npages == 0 || (bytes >> MM_PAGE_SHIFT) != npages || base_pa + bytes < base_pa ||
	    base_pa + bytes > MM_BIT(MM_PA_BITS)) {
		return log_error_ret(KB_ERANGE,
				     "mm: page pool of %zu pages at pa %#llx is empty or leaves "
				     "the 48-bit PA space",
				     npages, (unsigned long long)base_pa);
	}
	pool->base_pa = base_pa;
	pool->base_va = base_va;
	pool->npages = npages;
	pool->used = 0;
	return KB_OK;
}

int mm_pool_alloc(struct mm_page_pool *pool, uint64_t *pa)
{
	if (pool->used >= pool->npages)
		return log_error_ret(KB_ENOMEM,
				     "mm: page-table pool exhausted (%zu pages at pa %#llx)",
				     pool->npages, (unsigned long long)pool->base_pa);
	/* A new table must read as all-invalid descriptors (bits[0] = 0) before it is hooked in. */
	memset((char *)pool->base_va + (pool->used << MM_PAGE_SHIFT), 0, MM_PAGE_SIZE);
	*pa = pool->base_pa + ((uint64_t)pool->used << MM_PAGE_SHIFT);
	pool->used++;
	return KB_OK;
}

bool mm_pool_owns_pa(const struct mm_page_pool *pool, uint64_t pa)
{
	return pa >= pool->base_pa && ((pa - pool->base_pa) >> MM_PAGE_SHIFT) < pool->used;
}

void *mm_pool_pa_to_va(const struct mm_page_pool *pool, uint64_t pa)
{
	if (!mm_pool_owns_pa(pool, pa))
		return NULL;
	return (char *)pool->base_va + (pa - pool->base_pa);
}
