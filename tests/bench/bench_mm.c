/* SPDX-License-Identifier: BSD-2-Clause */
/* Table pages and build time for linear maps of 1, 4, 16 and 64 GiB (1 GiB-aligned RAM,
 * 48-bit TTBR1), plus the same maps with a PA offset by one page (pages only). Times are
 * reported as ratios against the 1 GiB block build measured in the same run. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mm/arch.h"
#include "mm/pgtable.h"
#include "mm/pool.h"

#define GIB (1ULL << 30)
#define POOL_PAGES (40000)  /* 64 GiB of 4 KiB pages needs 32768 L3 + 64 L2 + ... */
#define REPEAT_BUDGET_NS 200000000ULL /* ~0.2 s per case */

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* Builds the map `reps` times (at least once); returns ns per build and the pages used. */
static double build(struct mm_page_pool *pool, uint64_t size, uint64_t pa_skew, size_t *pages)
{
	double start = now_ns(), elapsed;
	unsigned reps = 0;

	do {
		struct mm_tables t;
		struct mm_region r = { 0xffff000000000000ULL, 0x80000000ULL + pa_skew, size,
				       MM_NORMAL_WB, MM_RW | MM_XN, "linear" };
		pool->used = 0;
		if (mm_tables_init(&t, pool, 48, true) || mm_map_regions(&t, &r, 1)) {
			fprintf(stderr, "bench_mm: build of %llu GiB failed\n", (unsigned long long)(size / GIB));
			exit(1);
		}
		*pages = pool->used;
		reps++;
		elapsed = now_ns() - start;
	} while (elapsed < REPEAT_BUDGET_NS && reps < 100000);
	return elapsed / reps;
}

int main(void)
{
	static const unsigned gib[] = { 1, 4, 16, 64 };
	struct mm_page_pool pool;
	void *buf = aligned_alloc(MM_PAGE_SIZE, (size_t)POOL_PAGES * MM_PAGE_SIZE);
	double ref;
	size_t ref_pages, pages;

	if (!buf || mm_pool_init(&pool, buf, 0x100000000000ULL, POOL_PAGES))
		return 1;
	memset(buf, 0, (size_t)POOL_PAGES * MM_PAGE_SIZE); /* fault the pool in before timing */
	ref = build(&pool, GIB, 0, &ref_pages);
	printf("bench_mm: reference = 1 GiB linear map with blocks (%zu table pages)\n", ref_pages);
	for (unsigned i = 0; i < sizeof(gib) / sizeof(gib[0]); i++) {
		double blk = build(&pool, gib[i] * GIB, 0, &pages);
		size_t pg_pages;
		double pg = build(&pool, gib[i] * GIB, MM_PAGE_SIZE, &pg_pages);
		printf("bench_mm: %2u GiB  blocks: %5zu pages, time x%.2f   "
		       "pages only (PA +4 KiB): %6zu pages, time x%.1f\n",
		       gib[i], pages, blk / ref, pg_pages, pg / ref);
	}
	free(buf);
	return 0;
}
