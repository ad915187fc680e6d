/* SPDX-License-Identifier: BSD-2-Clause */
/* Helpers shared by the mm tests: a host page pool with a fake physical base and an
 * independent raw-descriptor enumerator (it does not use mm_walk, so the two cross-check
 * each other); log capture is in log_capture.h. Header-only: static functions, nothing
 * linked into other people's tests. */
#ifndef KASLBOOT_TEST_MM_TESTUTIL_H
#define KASLBOOT_TEST_MM_TESTUTIL_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mm/arch.h"
#include "mm/pgtable.h"
#include "mm/pool.h"

#define TEST_POOL_PA 0x0000123400000000ULL /* fake, far from anything a test maps */

static inline void *test_pool_new(struct mm_page_pool *pool, size_t npages, uint64_t base_pa)
{
	void *buf = aligned_alloc(MM_PAGE_SIZE, npages * MM_PAGE_SIZE);
	memset(buf, 0xa5, npages * MM_PAGE_SIZE); /* garbage: allocation must zero pages */
	if (mm_pool_init(pool, buf, base_pa, npages) != 0)
		abort();
	return buf;
}

/* One leaf found by the raw enumerator. */
struct test_leaf {
	uint64_t va, pa, size, desc;
	unsigned level;
};

typedef void (*test_leaf_fn)(const struct test_leaf *leaf, void *ctx);

static inline void test_enum_table(const struct mm_tables *t, uint64_t table_pa, unsigned level,
				   uint64_t va_base, test_leaf_fn fn, void *ctx)
{
	const uint64_t *tbl = mm_pool_pa_to_va(t->pool, table_pa);
	uint64_t size = 1ULL << (12 + 9 * (3 - level));
	unsigned i;

	if (!tbl)
		abort();
	for (i = 0; i < 512; i++) {
		uint64_t d = tbl[i], va = va_base + i * size;
		if (!(d & 1))
			continue;
		if (level < 3 && (d & 3) == 3) {
			test_enum_table(t, d & 0x0000fffffffff000ULL, level + 1, va, fn, ctx);
		} else {
			struct test_leaf l = { va, d & 0x0000fffffffff000ULL & ~(size - 1), size, d, level };
			fn(&l, ctx);
		}
	}
}

static inline void test_enum_leaves(const struct mm_tables *t, test_leaf_fn fn, void *ctx)
{
	test_enum_table(t, t->root_pa, mm_tables_start_level(t), mm_tables_va_start(t), fn, ctx);
}

/* Deterministic PRNG (xorshift64*), so failures reproduce. */
static inline uint64_t test_rand(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dULL;
}

#endif
