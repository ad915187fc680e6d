/* SPDX-License-Identifier: BSD-2-Clause */
/* Translation-table engine and walker: random region sets checked through the walker and
 * through an independent raw enumerator; edge cases; block and contiguous-hint use. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/err.h"
#include "lib/sizes.h"
#include "log_capture.h"
#include "mm/regs.h"
#include "mm/ttbr.h"
#include "mm/walk.h"
#include "mm_testutil.h"
#include "assert_kb.h"

static const unsigned legal_attrs[] = { MM_RO | MM_EXEC, MM_RO | MM_XN, MM_RW | MM_XN };

/* ---------- checks shared by random and fixed cases ---------- */

struct check_ctx {
	const struct mm_tables *t;
	const struct mm_region *r;
	size_t n;
	uint64_t mapped_bytes;
};

static const struct mm_region *region_of(const struct mm_region *r, size_t n, uint64_t va)
{
	for (size_t i = 0; i < n; i++)
		if (va >= r[i].va && va - r[i].va < r[i].size)
			return &r[i];
	return NULL;
}

/* Every leaf lies inside one region, translates as that region says, has the attribute
 * bits the region asks for, is the largest block alignment allows, and carries the
 * contiguous hint exactly when its aligned group of 16 qualifies. */
static void check_leaf(const struct test_leaf *l, void *vctx)
{
	struct check_ctx *c = vctx;
	const struct mm_region *reg = region_of(c->r, c->n, l->va);
	uint64_t parent = l->size << 9;

	assert_non_null(reg);
	assert_true(l->va + (l->size - 1) - reg->va < reg->size); /* leaf within the region */
	assert_int_equal(l->pa, reg->pa + (l->va - reg->va));
	assert_int_equal(l->desc & ~(MM_DESC_OA_MASK | MM_DESC_CONT | MM_DESC_TYPE_MASK),
			 mm_leaf_attr_bits(reg->type, reg->attrs));
	assert_int_equal(l->desc & MM_DESC_TYPE_MASK, l->level == 3 ? MM_DESC_PAGE : MM_DESC_BLOCK);
	assert_true(l->level >= 1);
	/* Largest block first: a leaf below level 1 whose whole parent-sized, aligned span
	 * is inside the region with an equally aligned PA should have been a bigger block. */
	if (l->level >= 2) {
		uint64_t span = l->va & ~(parent - 1);
		uint64_t span_pa = reg->pa + (span - reg->va);
		bool fits = span >= reg->va && span + (parent - 1) - reg->va < reg->size &&
			    !(span_pa & (parent - 1));
		assert_false(fits);
	}
	/* Contiguous hint: recompute the group from raw descriptors. */
	if (l->level >= 2) {
		struct mm_walk_result w;
		assert_kb_ok(mm_walk(c->t, l->va, &w));
		assert_int_equal(w.level, l->level);
		assert_int_equal(w.pa, l->pa);
		assert_int_equal(w.contiguous, !!(l->desc & MM_DESC_CONT));
		/* The aligned group of 16 this leaf belongs to qualifies iff it lies inside the
		 * same region with a PA aligned to the group size. */
		uint64_t group_va = l->va & ~(l->size * MM_CONT_ENTRIES - 1);
		const struct mm_region *g = region_of(c->r, c->n, group_va);
		bool qualifies = g == reg && group_va + (l->size * MM_CONT_ENTRIES - 1) - reg->va < reg->size &&
				 !((reg->pa + (group_va - reg->va)) & (l->size * MM_CONT_ENTRIES - 1));
		assert_int_equal(!!(l->desc & MM_DESC_CONT), qualifies);
	}
	c->mapped_bytes += l->size;
}

static void check_walks(const struct mm_tables *t, const struct mm_region *r, size_t n,
			uint64_t *seed)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t probes[8] = { 0, r[i].size - SZ_4K };
		for (int k = 2; k < 8; k++)
			probes[k] = (test_rand(seed) % (r[i].size / SZ_4K)) * SZ_4K + (test_rand(seed) & 0xfff);
		for (int k = 0; k < 8; k++) {
			struct mm_walk_result w;
			uint64_t va = r[i].va + probes[k];
			assert_kb_ok(mm_walk(t, va, &w));
			assert_int_equal(w.pa, r[i].pa + probes[k]);
			assert_int_equal(w.type, r[i].type);
			assert_int_equal(w.attrs, r[i].attrs);
			assert_true(w.af);
			assert_false(w.ng);
			assert_true(w.uxn);
			assert_false(w.el0_access);
			assert_int_equal(w.sh, r[i].type <= MM_NORMAL_NC ? MM_SH_INNER : 0);
		}
		/* The page on either side is unmapped unless another region holds it. */
		uint64_t before = r[i].va - SZ_4K, after = r[i].va + r[i].size;
		struct mm_walk_result w;
		if (r[i].va != mm_tables_va_start(t) && !region_of(r, n, before))
			assert_int_equal(mm_walk(t, before, &w), KB_ENOENT);
		if (r[i].va + r[i].size - 1 != mm_tables_va_last(t) && !region_of(r, n, after))
			assert_int_equal(mm_walk(t, after, &w), KB_ENOENT);
	}
	/* Random probes anywhere in the half: mapped iff inside a region. */
	for (int k = 0; k < 64; k++) {
		uint64_t span = mm_tables_va_last(t) - mm_tables_va_start(t);
		uint64_t va = mm_tables_va_start(t) + test_rand(seed) % span;
		struct mm_walk_result w;
		const struct mm_region *reg = region_of(r, n, va);
		int rc = mm_walk(t, va, &w);
		assert_int_equal(rc, reg ? 0 : KB_ENOENT);
		if (reg)
			assert_int_equal(w.pa, reg->pa + (va - reg->va));
	}
}

static void check_all(const struct mm_tables *t, const struct mm_region *r, size_t n,
		      uint64_t *seed)
{
	struct check_ctx c = { t, r, n, 0 };
	uint64_t total = 0;

	test_enum_leaves(t, check_leaf, &c);
	for (size_t i = 0; i < n; i++)
		total += r[i].size;
	assert_int_equal(c.mapped_bytes, total); /* nothing else is mapped */
	check_walks(t, r, n, seed);
}

/* ---------- random region sets ---------- */

static uint64_t rand_size(uint64_t *s)
{
	switch (test_rand(s) % 6) {
	case 0: return (1 + test_rand(s) % 40) * SZ_4K;
	case 1: return (1 + test_rand(s) % 64) * SZ_64K;
	case 2: return (1 + test_rand(s) % 40) * SZ_2M;
	case 3: return (1 + test_rand(s) % 40) * SZ_2M + (test_rand(s) % 512) * SZ_4K;
	case 4: return (1 + test_rand(s) % 3) * SZ_1G + (test_rand(s) % 4) * SZ_2M;
	default: return (16 + test_rand(s) % 48) * SZ_2M;
	}
}

static uint64_t rand_align(uint64_t *s)
{
	static const uint64_t a[] = { SZ_4K, SZ_64K, SZ_2M, SZ_32M, SZ_1G };
	return a[test_rand(s) % 5];
}

static size_t make_random_set(const struct mm_tables *t, struct mm_region *r, size_t max,
			      uint64_t *s)
{
	size_t n = 1 + test_rand(s) % max;
	uint64_t half = MM_BIT(t->va_bits);
	/* Place regions in increasing VA order with random gaps so they do not overlap. */
	uint64_t cursor = mm_tables_va_start(t) + (test_rand(s) % (half / 4)) / SZ_4K * SZ_4K;

	for (size_t i = 0; i < n; i++) {
		uint64_t al = rand_align(s), size = rand_size(s);
		uint64_t va = (cursor + al - 1) & ~(al - 1);
		uint64_t pa;
		if (va < cursor || va + size - 1 > mm_tables_va_last(t) || va + size - 1 < va)
			return i;
		/* PA shares the VA's alignment most of the time so blocks are possible. */
		pa = (test_rand(s) % (1ULL << 47)) & ~(SZ_1G - 1);
		if (test_rand(s) & 3) {
			pa += va & (SZ_1G - 1);
		} else {
			/* Misaligned PA forces pages: keep it small so the pool suffices. */
			pa += (test_rand(s) % 4096) * SZ_4K;
			if (size > SZ_32M)
				size = SZ_32M + (size & (SZ_2M - 1));
		}
		r[i] = (struct mm_region){ .va = va, .pa = pa, .size = size,
			.type = (enum mm_memtype)(test_rand(s) % 4), .name = "random" };
		r[i].attrs = r[i].type >= MM_DEVICE_nGnRE ? (test_rand(s) & 1 ? MM_RW : MM_RO) | MM_XN
							   : legal_attrs[test_rand(s) % 3];
		cursor = va + size + (test_rand(s) % 3) * (test_rand(s) % 8) * SZ_2M +
			 (test_rand(s) & 1) * SZ_4K * (test_rand(s) % 16);
		if (test_rand(s) % 8 == 0)
			cursor += (test_rand(s) % 64) * SZ_1G;
	}
	return n;
}

#define RANDOM_SETS 3000
#define POOL_PAGES 4096

static void test_random_sets(void **state)
{
	uint64_t seed = 0x6b61736c626f6f74ULL; /* "kaslboot" */
	struct mm_page_pool pool;
	void *buf = test_pool_new(&pool, POOL_PAGES, TEST_POOL_PA);
	struct mm_region r[24];
	unsigned blocks_seen = 0;

	for (int set = 0; set < RANDOM_SETS; set++) {
		struct mm_tables t;
		unsigned va_bits = (set & 1) ? 48 : 39;
		bool high = (set & 2) != 0;
		size_t n;

		pool.used = 0;
		assert_kb_ok(mm_tables_init(&t, &pool, va_bits, high));
		n = make_random_set(&t, r, 24, &seed);
		if (n == 0)
			continue;
		/* Map in one or two calls: the second call must also see the first's mappings. */
		size_t split = test_rand(&seed) % (n + 1);
		assert_kb_ok(mm_map_regions(&t, r, split));
		assert_kb_ok(mm_map_regions(&t, r + split, n - split));
		check_all(&t, r, n, &seed);
		if (pool.used < 8)
			blocks_seen++;
		/* Mapping any region again is an overlap and leaves the tables unchanged. */
		size_t used = pool.used;
		log_capture_start(LOG_ERROR);
		assert_int_equal(mm_map_regions(&t, &r[test_rand(&seed) % n], 1), KB_ERANGE);
		assert_int_equal(captured_lines, 1);
		log_capture_stop();
		assert_int_equal(pool.used, used);
	}
	assert_true(blocks_seen > 0);
	free(buf);
}

/* ---------- edge cases ---------- */

struct fixture {
	struct mm_page_pool pool;
	void *buf;
	struct mm_tables t48hi, t39lo;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	f->buf = test_pool_new(&f->pool, 256, TEST_POOL_PA);
	if (mm_tables_init(&f->t48hi, &f->pool, 48, true) || mm_tables_init(&f->t39lo, &f->pool, 39, false))
		return -1;
	*state = f;
	log_capture_start(LOG_ERROR);
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	log_capture_stop();
	free(f->buf);
	free(f);
	return 0;
}

static void expect_reject(struct mm_tables *t, struct mm_region r, int err, const char *what)
{
	size_t used = t->pool->used;
	log_capture_clear();
	assert_int_equal(mm_map_regions(t, &r, 1), err);
	assert_int_equal(captured_lines, 1);
	assert_last_logged(r.name);
	assert_last_logged(what);
	assert_int_equal(t->pool->used, used);
	for (unsigned i = 0; i < 512; i++)
		assert_int_equal(t->root[i], 0);
}

static void test_rejects(void **state)
{
	struct fixture *f = *state;
	const uint64_t hi = 0xffff800000000000ULL;
	struct mm_region ok = { hi, 0x80000000, SZ_4K, MM_NORMAL_WB, MM_RW | MM_XN, "bad-one" };
	struct mm_region r;

	r = ok; r.size = 0;                 expect_reject(&f->t48hi, r, KB_EINVAL, "size is 0");
	r = ok; r.va += 0x800;              expect_reject(&f->t48hi, r, KB_EINVAL, "aligned");
	r = ok; r.pa += 8;                  expect_reject(&f->t48hi, r, KB_EINVAL, "aligned");
	r = ok; r.size = 0x1800;            expect_reject(&f->t48hi, r, KB_EINVAL, "aligned");
	r = ok; r.va = ~0xfffULL; r.size = 2 * SZ_4K; expect_reject(&f->t48hi, r, KB_ERANGE, "wraps");
	r = ok; r.pa = (1ULL << 48) - SZ_4K; r.size = 2 * SZ_4K;
	expect_reject(&f->t48hi, r, KB_ERANGE, "48-bit PA");
	r = ok; r.va = 0xfffe000000000000ULL; expect_reject(&f->t48hi, r, KB_ERANGE, "TTBR1 half");
	r = ok; r.va = 1ULL << 39;          expect_reject(&f->t39lo, r, KB_ERANGE, "TTBR0 half");
	r = ok; r.va = 0;                   expect_reject(&f->t48hi, r, KB_ERANGE, "TTBR1 half");
	r = ok; r.attrs = MM_RW | MM_EXEC;  expect_reject(&f->t48hi, r, KB_EPERM, "W^X");
	r = ok; r.type = MM_DEVICE_nGnRE; r.attrs = MM_RO | MM_EXEC;
	expect_reject(&f->t48hi, r, KB_EPERM, "device");
	r = ok; r.attrs = MM_RW;            expect_reject(&f->t48hi, r, KB_EINVAL, "exactly one");
	r = ok; r.attrs = MM_RO | MM_RW | MM_XN; expect_reject(&f->t48hi, r, KB_EINVAL, "exactly one");
	r = ok; r.type = (enum mm_memtype)7; expect_reject(&f->t48hi, r, KB_EINVAL, "memory type");

	/* Overlap inside one list: nothing of the list is mapped. */
	struct mm_region two[2] = { ok, ok };
	two[0].size = 4 * SZ_4K; two[0].name = "first";
	two[1].va += 3 * SZ_4K; two[1].name = "second";
	log_capture_clear();
	assert_int_equal(mm_map_regions(&f->t48hi, two, 2), KB_ERANGE);
	assert_int_equal(captured_lines, 1);
	assert_last_logged("second");
	/* The first region alone is fine; then the second overlaps what is mapped. */
	assert_kb_ok(mm_map_regions(&f->t48hi, two, 1));
	log_capture_clear();
	assert_int_equal(mm_map_regions(&f->t48hi, &two[1], 1), KB_ERANGE);
	assert_last_logged("already");
	/* A region right after it is not an overlap. */
	two[1].va = ok.va + 4 * SZ_4K;
	assert_kb_ok(mm_map_regions(&f->t48hi, &two[1], 1));
}

static void test_last_pages(void **state)
{
	struct fixture *f = *state;
	struct mm_walk_result w;
	struct mm_region top = { ~0xfffULL, 0x1000, SZ_4K, MM_NORMAL_WB, MM_RO | MM_XN, "top" };
	struct mm_region low = { (1ULL << 39) - SZ_4K, 0x2000, SZ_4K, MM_DEVICE_nGnRnE,
				 MM_RW | MM_XN, "low-top" };

	assert_kb_ok(mm_map_regions(&f->t48hi, &top, 1));
	assert_kb_ok(mm_walk(&f->t48hi, ~0ULL, &w));
	assert_int_equal(w.pa, 0x1fff);
	assert_int_equal(w.attrs, MM_RO | MM_XN);
	assert_int_equal(mm_walk(&f->t48hi, ~0ULL - SZ_4K, &w), KB_ENOENT);
	assert_int_equal(w.fault, MM_FAULT_TRANSLATION);
	assert_int_equal(w.level, 3);

	assert_kb_ok(mm_map_regions(&f->t39lo, &low, 1));
	assert_kb_ok(mm_walk(&f->t39lo, (1ULL << 39) - 1, &w));
	assert_int_equal(w.pa, 0x2fff);
	assert_int_equal(w.type, MM_DEVICE_nGnRnE);
	assert_int_equal(mm_walk(&f->t39lo, 1ULL << 39, &w), KB_ENOENT);
	assert_int_equal(w.fault, MM_FAULT_RANGE);
	/* Device memory has no shareability bits. */
	assert_int_equal(w.sh, 0);
}

static void test_pool_exhaustion(void **state)
{
	struct mm_page_pool pool;
	void *buf = test_pool_new(&pool, 3, TEST_POOL_PA);
	struct mm_tables t;
	/* 48-bit root + L1 + L2 + L3 would need 4 pages; the pool has 3. */
	struct mm_region r = { 0x40201000, 0x40201000, SZ_4K, MM_NORMAL_WB, MM_RO | MM_EXEC, "page" };

	log_capture_start(LOG_ERROR);
	assert_kb_ok(mm_tables_init(&t, &pool, 48, false));
	assert_int_equal(mm_map_regions(&t, &r, 1), KB_ENOMEM);
	assert_last_logged("exhausted");
	assert_int_equal(pool.used, 3);
	struct mm_tables t2;
	assert_int_equal(mm_tables_init(&t2, &pool, 48, false), KB_ENOMEM);
	log_capture_stop();
	free(buf);
}

/* ---------- block and contiguous-hint use ---------- */

static void test_linear_4g_blocks(void **state)
{
	for (unsigned va_bits = 39; va_bits <= 48; va_bits += 9) {
		struct mm_page_pool pool;
		void *buf = test_pool_new(&pool, 16, TEST_POOL_PA);
		struct mm_tables t;
		uint64_t base = (uint64_t)0 - (1ULL << va_bits);
		struct mm_region r = { base, 0x40000000, 4 * SZ_1G, MM_NORMAL_WB, MM_RW | MM_XN, "lm" };
		struct mm_walk_result w;
		uint64_t seed = 1;

		assert_kb_ok(mm_tables_init(&t, &pool, va_bits, true));
		assert_kb_ok(mm_map_regions(&t, &r, 1));
		/* 48-bit: root (L0) + one L1 table of four 1 GiB blocks. 39-bit: the root is L1. */
		assert_int_equal(pool.used, va_bits == 48 ? 2 : 1);
		assert_kb_ok(mm_walk(&t, base + 3 * SZ_1G + 0x1234, &w));
		assert_int_equal(w.level, 1);
		assert_int_equal(w.block_size, SZ_1G);
		assert_int_equal(w.pa, 0x40000000 + 3 * SZ_1G + 0x1234);
		check_all(&t, &r, 1, &seed);
		free(buf);
	}
}

static void test_contiguous(void **state)
{
	struct mm_page_pool pool;
	void *buf = test_pool_new(&pool, 16, TEST_POOL_PA);
	struct mm_tables t;
	struct mm_walk_result w;
	struct mm_region r[] = {
		/* 16 aligned pages: one contiguous group. */
		{ 0x10000000, 0x20010000, 16 * SZ_4K, MM_NORMAL_WB, MM_RO | MM_EXEC, "cont-pages" },
		/* 15 pages: no group. */
		{ 0x10100000, 0x20100000, 15 * SZ_4K, MM_NORMAL_WB, MM_RO | MM_EXEC, "short" },
		/* 16 pages, VA aligned but PA off by a page: no group. */
		{ 0x10200000, 0x20201000, 16 * SZ_4K, MM_NORMAL_WB, MM_RO | MM_EXEC, "misaligned-pa" },
		/* 32 MiB of 2 MiB blocks, aligned: one level-2 group. */
		{ 0x12000000, 0x32000000, SZ_32M, MM_NORMAL_NC, MM_RW | MM_XN, "cont-blocks" },
	};

	assert_kb_ok(mm_tables_init(&t, &pool, 39, false));
	assert_kb_ok(mm_map_regions(&t, r, 4));
	assert_kb_ok(mm_walk(&t, 0x1000f000, &w));
	assert_true(w.contiguous);
	assert_kb_ok(mm_walk(&t, 0x10100000, &w));
	assert_false(w.contiguous);
	assert_kb_ok(mm_walk(&t, 0x10200000, &w));
	assert_false(w.contiguous);
	assert_kb_ok(mm_walk(&t, 0x13fff000, &w));
	assert_true(w.contiguous);
	assert_int_equal(w.level, 2);
	/* Filling the rest of a half-built group later sets the hint on all 16. */
	struct mm_region lo = { 0x10400000, 0x20400000, 8 * SZ_4K, MM_NORMAL_WB, MM_RO | MM_XN, "lo" };
	struct mm_region hi = { 0x10408000, 0x20408000, 8 * SZ_4K, MM_NORMAL_WB, MM_RO | MM_XN, "hi" };
	assert_kb_ok(mm_map_regions(&t, &lo, 1));
	assert_kb_ok(mm_walk(&t, 0x10400000, &w));
	assert_false(w.contiguous);
	assert_kb_ok(mm_map_regions(&t, &hi, 1));
	assert_kb_ok(mm_walk(&t, 0x10400000, &w));
	assert_true(w.contiguous);
	free(buf);
}

/* ---------- the walker on hand-made descriptors ---------- */

static void test_walker_decodes(void **state)
{
	struct mm_page_pool pool;
	void *buf = test_pool_new(&pool, 16, TEST_POOL_PA);
	struct mm_tables t;
	struct mm_walk_result w;
	struct mm_region r = { 0x200000, 0x200000, SZ_4K, MM_NORMAL_WB, MM_RW | MM_XN, "p" };

	assert_kb_ok(mm_tables_init(&t, &pool, 48, false));
	assert_kb_ok(mm_map_regions(&t, &r, 1));
	/* Find the raw descriptors on the path. */
	uint64_t *l0 = t.root;
	uint64_t *l1 = mm_pool_pa_to_va(&pool, l0[0] & MM_DESC_OA_MASK);
	uint64_t *l2 = mm_pool_pa_to_va(&pool, l1[0] & MM_DESC_OA_MASK);
	uint64_t *l3 = mm_pool_pa_to_va(&pool, l2[1] & MM_DESC_OA_MASK);
	uint64_t page = l3[0];

	assert_kb_ok(mm_walk(&t, 0x200000, &w));
	assert_true(w.writable);
	l3[0] = (page & ~MM_DESC_TYPE_MASK) | MM_DESC_BLOCK; /* 0b01 at level 3: reserved */
	assert_int_equal(mm_walk(&t, 0x200000, &w), KB_ENOENT);
	assert_int_equal(w.fault, MM_FAULT_TRANSLATION);
	l3[0] = page & ~MM_DESC_AF;
	assert_int_equal(mm_walk(&t, 0x200000, &w), KB_ENOENT);
	assert_int_equal(w.fault, MM_FAULT_ACCESS_FLAG);
	l3[0] = page | (1ULL << 48);
	assert_int_equal(mm_walk(&t, 0x200000, &w), KB_ENOENT);
	assert_int_equal(w.fault, MM_FAULT_ADDRESS_SIZE);
	l3[0] = (page & ~MM_DESC_AP_MASK) | MM_DESC_AP_EL0; /* EL0-writable: implicit PXN */
	assert_kb_ok(mm_walk(&t, 0x200000, &w));
	assert_true(w.el0_access && w.pxn);
	l3[0] = page & ~(MM_DESC_PXN | MM_DESC_ATTRINDX_MASK); /* AttrIndx 0 */
	assert_kb_ok(mm_walk(&t, 0x200000, &w));
	assert_int_equal(w.type, MM_DEVICE_nGnRnE);
	assert_int_equal(w.attrs, MM_RW | MM_EXEC);
	l3[0] = (page & ~MM_DESC_ATTRINDX_MASK) | (MM_ATTRIDX_NORMAL_WT << MM_DESC_ATTRINDX_SHIFT);
	assert_kb_ok(mm_walk(&t, 0x200000, &w));
	assert_int_equal(w.type, MM_MEMTYPE_UNKNOWN);
	l3[0] = page;
	/* Hierarchical controls in the level-2 table descriptor apply below it. */
	l2[1] |= MM_TABLE_AP_RO | MM_TABLE_PXNTABLE;
	assert_kb_ok(mm_walk(&t, 0x200000, &w));
	assert_false(w.writable);
	assert_true(w.pxn);
	/* A level-0 block is reserved with the 4 KiB granule. */
	uint64_t l0e = l0[0];
	l0[0] = (l0e & ~MM_DESC_TYPE_MASK) | MM_DESC_BLOCK;
	assert_int_equal(mm_walk(&t, 0x200000, &w), KB_ENOENT);
	assert_int_equal(w.level, 0);
	/* A table pointer out of the pool cannot be followed. */
	l0[0] = 0x7000 | MM_DESC_TABLE;
	assert_int_equal(mm_walk(&t, 0x200000, &w), KB_ECORRUPT);
	l0[0] = l0e;
	free(buf);
}

/* ---------- TTBR conversion and register values ---------- */

static void test_ttbr(void **state)
{
	struct mm_page_pool pool;
	void *buf = test_pool_new(&pool, 8, TEST_POOL_PA);
	struct mm_tables t;
	uint64_t ttbr = 0, lm_offset = 0xffff000000000000ULL - 0x1200000000ULL;
	uint64_t root_va = (uint64_t)(uintptr_t)pool.base_va;

	log_capture_start(LOG_ERROR);
	assert_kb_ok(mm_tables_init(&t, &pool, 48, true));
	assert_kb_ok(mm_ttbr_value(&t, MM_ADDR_IDMAP, root_va, 0, &ttbr));
	assert_int_equal(ttbr, TEST_POOL_PA);
	ttbr = 0;
	assert_kb_ok(mm_ttbr_value(&t, MM_ADDR_LINEAR, TEST_POOL_PA + lm_offset, lm_offset, &ttbr));
	assert_int_equal(ttbr, TEST_POOL_PA);
	/* A kernel-image address is refused, whatever it is. */
	log_capture_clear();
	assert_int_equal(mm_ttbr_value(&t, MM_ADDR_KIMAGE, 0xffff800080123000ULL, 0, &ttbr), KB_EINVAL);
	assert_int_equal(captured_lines, 1);
	assert_last_logged("lm_alias");
	/* ...and so is a kernel-image address passed off as a linear one: the PA it would
	 * give is not a page of the pool. */
	uint64_t pa = 0;
	assert_int_equal(mm_table_phys(&pool, MM_ADDR_LINEAR, 0xffff800080123000ULL, lm_offset, &pa), KB_EINVAL);
	assert_int_equal(pa, 0);
	assert_int_equal(mm_ttbr_value(&t, MM_ADDR_LINEAR, 0xffff800080123000ULL, lm_offset, &ttbr), KB_EINVAL);
	/* An identity address that is no pool page (a kernel VA on the host's side). */
	assert_int_equal(mm_table_phys(&pool, MM_ADDR_IDMAP, 0xffff800080123000ULL, 0, &pa), KB_EINVAL);
	assert_kb_ok(mm_table_phys(&pool, MM_ADDR_IDMAP, root_va, 0, &pa));
	assert_int_equal(pa, TEST_POOL_PA);
	/* An identity address outside the pool, or inside but unaligned, or not the root. */
	assert_int_equal(mm_ttbr_value(&t, MM_ADDR_IDMAP, root_va + 8 * SZ_4K, 0, &ttbr), KB_EINVAL);
	assert_int_equal(mm_ttbr_value(&t, MM_ADDR_IDMAP, root_va - SZ_4K, 0, &ttbr), KB_EINVAL);
	assert_int_equal(mm_ttbr_value(&t, MM_ADDR_IDMAP, root_va + 8, 0, &ttbr), KB_EINVAL);
	uint64_t other;
	assert_kb_ok(mm_pool_alloc(&pool, &other));
	assert_int_equal(mm_ttbr_value(&t, MM_ADDR_IDMAP, root_va + SZ_4K, 0, &ttbr), KB_EINVAL);
	assert_last_logged("not the root");
	assert_int_equal(ttbr, TEST_POOL_PA); /* untouched by failures */
	log_capture_stop();
	free(buf);
}

static void test_tcr(void **state)
{
	/* Field values from the Arm ARM TCR_EL1 description, checked field by field. */
	uint64_t tcr = mm_tcr_value(48, MM_PARANGE_48);
	assert_int_equal(tcr & 0x3f, 16);                     /* T0SZ = 64 - 48 */
	assert_int_equal((tcr >> 16) & 0x3f, 16);             /* T1SZ */
	assert_int_equal((tcr >> 14) & 3, 0);                 /* TG0 = 4 KiB */
	assert_int_equal((tcr >> 30) & 3, 2);                 /* TG1 = 4 KiB */
	assert_int_equal((tcr >> 8) & 0xf, 5);                /* IRGN0 = ORGN0 = WBWA */
	assert_int_equal((tcr >> 24) & 0xf, 5);               /* IRGN1 = ORGN1 = WBWA */
	assert_int_equal((tcr >> 12) & 3, 3);                 /* SH0 inner */
	assert_int_equal((tcr >> 28) & 3, 3);                 /* SH1 inner */
	assert_int_equal((tcr >> 32) & 7, 5);                 /* IPS 48 bits */
	assert_int_equal(tcr & (MM_TCR_EPD0 | MM_TCR_EPD1 | MM_TCR_A1), 0);
	assert_int_equal((mm_tcr_value(39, MM_PARANGE_52) >> 32) & 7, 5); /* capped */
	assert_int_equal(mm_tcr_value(39, MM_PARANGE_40) & 0x3f, 25);
	/* Merging TTBR1 fields into a firmware TCR keeps its TTBR0 half and IPS. */
	uint64_t fw = 0x00000005b5193519ULL | MM_TCR_EPD1; /* T0SZ 25, T1SZ 25, EPD1 */
	uint64_t m = mm_tcr_with_ttbr1(fw, 48);
	assert_int_equal(m & 0xffff, fw & 0xffff);
	assert_int_equal(m & MM_TCR_IPS_MASK, fw & MM_TCR_IPS_MASK);
	assert_int_equal(m & MM_TCR_EPD1, 0);
	assert_int_equal((m >> 16) & 0x3f, 16);
	/* MAIR: the indices the builder uses hold the encodings the walker expects. */
	assert_int_equal((MM_MAIR_VALUE >> (8 * MM_ATTRIDX_NORMAL_WB)) & 0xff, 0xff);
	assert_int_equal((MM_MAIR_VALUE >> (8 * MM_ATTRIDX_DEVICE_nGnRE)) & 0xff, 0x04);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_sets),
		cmocka_unit_test_setup_teardown(test_rejects, setup, teardown),
		cmocka_unit_test_setup_teardown(test_last_pages, setup, teardown),
		cmocka_unit_test(test_pool_exhaustion),
		cmocka_unit_test(test_linear_4g_blocks),
		cmocka_unit_test(test_contiguous),
		cmocka_unit_test(test_walker_decodes),
		cmocka_unit_test(test_ttbr),
		cmocka_unit_test(test_tcr),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
