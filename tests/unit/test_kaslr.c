/* SPDX-License-Identifier: BSD-2-Clause */
/* KASLR placement: slot counting and choice on hand-made maps, uniformity, a property test
 * against a brute-force oracle, the initrd/DT windows and the virtual policy. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "entropy_testutil.h"
#include "lib/err.h"
#include "loader/kaslr.h"
#include "log_capture.h"

#define SZ_4K 0x1000ULL
#define SZ_1M 0x100000ULL
#define SZ_2M 0x200000ULL
#define SZ_1G 0x40000000ULL
#define CONV MEMMAP_CONVENTIONAL

static struct memmap_entry E(uint64_t phys, uint64_t bytes, uint32_t type, uint64_t attr)
{
	struct memmap_entry e = { phys, bytes / SZ_4K, type, attr | MEMMAP_ATTR_WB };
	return e;
}

#define MAP(...)                                                                   \
	struct memmap_entry map_entries[] = { __VA_ARGS__ };                       \
	struct memmap map = { map_entries, sizeof(map_entries) / sizeof(map_entries[0]) }

static struct drbg test_rng(uint8_t tag)
{
	struct drbg rng;
	uint8_t seed[DRBG_SEED_SIZE] = { tag, 0x4b, 0x41, 0x53 };

	drbg_seed(&rng, seed);
	return rng;
}

/* Lowest slot, slot count, and 200 random draws that all satisfy `ok`. */
static void check_choice(const struct memmap *map, uint64_t align, uint64_t offset,
			 uint64_t size, uint64_t max_addr, uint64_t want_n, uint64_t want_lowest)
{
	struct drbg rng = test_rng(1);
	uint64_t base = 1, n = 0;
	int i;

	assert_int_equal(kaslr_choose_phys(map, align, offset, size, max_addr, false, NULL, &base, &n),
			 KB_OK);
	assert_int_equal(n, want_n);
	assert_int_equal(base, want_lowest);
	for (i = 0; i < 200; i++) {
		assert_int_equal(kaslr_choose_phys(map, align, offset, size, max_addr, true, &rng,
						   &base, &n), KB_OK);
		assert_int_equal(n, want_n);
		assert_int_equal(base % align, 0);
		assert_true(base >= want_lowest);
		assert_true(base + offset > 0);
		if (max_addr)
			assert_true(base + offset + size <= max_addr);
	}
}

static void test_single_region(void **state)
{
	MAP(E(SZ_1G, SZ_1G, CONV, 0));
	(void)state;
	/* (1 GiB - 16 MiB) / 2 MiB + 1 */
	check_choice(&map, SZ_2M, 0, 16 * SZ_1M, 0, 505, SZ_1G);
	assert_int_equal(kaslr_entropy_bits(505), 8);
}

static void test_many_regions_and_too_small(void **state)
{
	MAP(E(3 * SZ_1G, 10 * SZ_1M, CONV, 0),      /* too small for 16 MiB: 0 */
	    E(SZ_1G, 64 * SZ_1M, CONV, 0),          /* (64 - 16) / 2 + 1 = 25 */
	    E(2 * SZ_1G, 16 * SZ_1M, CONV, 0),      /* exactly one */
	    E(5 * SZ_1G, SZ_1G, MEMMAP_LOADER_DATA, 0));
	(void)state;
	/* The lowest slot is found even though its entry is not first in the map. */
	check_choice(&map, SZ_2M, 0, 16 * SZ_1M, 0, 26, SZ_1G);
}

static void test_unaligned_region(void **state)
{
	/* [0x40001000, 0x40801000): bases 0x40200000 and 0x40400000 hold 4 MiB. */
	MAP(E(0x40001000ULL, 8 * SZ_1M, CONV, 0));
	(void)state;
	check_choice(&map, SZ_2M, 0, 4 * SZ_1M, 0, 2, 0x40200000ULL);
}

static void test_no_slot(void **state)
{
	MAP(E(SZ_1G, 4 * SZ_1M - SZ_4K, CONV, 0), E(2 * SZ_1G, 64 * SZ_1M, MEMMAP_RESERVED, 0));
	struct drbg rng = test_rng(2);
	uint64_t base = 0x1234, n = 99;
	(void)state;

	log_capture_start(LOG_INFO);
	assert_int_equal(kaslr_choose_phys(&map, SZ_2M, 0, 4 * SZ_1M, 0, true, &rng, &base, &n),
			 KB_ENOSPC);
	assert_int_equal(base, 0x1234);
	assert_logged("no 0x200000-aligned slot for 0x400000 bytes");
	log_capture_stop();
}

static void test_more_reliable_only(void **state)
{
	MAP(E(SZ_1G, 64 * SZ_1M, CONV, 0), E(4 * SZ_1G, 32 * SZ_1M, CONV, MEMMAP_ATTR_MORE_RELIABLE));
	struct drbg rng = test_rng(3);
	uint64_t base, n;
	int i;
	(void)state;

	/* Mirrored memory has room: only its 9 slots count. */
	check_choice(&map, SZ_2M, 0, 16 * SZ_1M, 0, 9, 4 * SZ_1G);
	/* It has none for 48 MiB: fall back to all conventional memory, (64-48)/2+1 = 9. */
	for (i = 0; i < 50; i++) {
		assert_int_equal(kaslr_choose_phys(&map, SZ_2M, 0, 48 * SZ_1M, 0, true, &rng, &base, &n),
				 KB_OK);
		assert_int_equal(n, 9);
		assert_true(base >= SZ_1G && base + 48 * SZ_1M <= SZ_1G + 64 * SZ_1M);
	}
}

static void test_skipped_types(void **state)
{
	MAP(E(SZ_1G, 64 * SZ_1M, CONV, MEMMAP_ATTR_HOT_PLUGGABLE),
	    E(2 * SZ_1G, 64 * SZ_1M, CONV, MEMMAP_ATTR_SP),
	    E(3 * SZ_1G, 64 * SZ_1M, MEMMAP_BOOT_SERVICES_DATA, 0),
	    E(4 * SZ_1G, 16 * SZ_1M, CONV, 0));
	(void)state;
	check_choice(&map, SZ_2M, 0, 16 * SZ_1M, 0, 1, 4 * SZ_1G);
}

static void test_text_offset(void **state)
{
	/* Region [0x40080000, 0x40480000), image at base + 0x80000: bases 0x40000000 (below the
	 * region: only the image range must be free) and 0x40200000. */
	MAP(E(0x40080000ULL, 4 * SZ_1M, CONV, 0));
	(void)state;
	check_choice(&map, SZ_2M, 0x80000, SZ_1M, 0, 2, 0x40000000ULL);
}

static void test_max_addr_and_zero(void **state)
{
	const uint64_t top = 1ULL << 48;
	MAP(E(top - 32 * SZ_1M, 64 * SZ_1M, CONV, 0));
	struct memmap_entry low[] = { E(0, 16 * SZ_1M, CONV, 0) };
	struct memmap lowmap = { low, 1 };
	(void)state;

	check_choice(&map, SZ_2M, 0, 16 * SZ_1M, top, 9, top - 32 * SZ_1M);
	check_choice(&map, SZ_2M, 0, 16 * SZ_1M, 0, 25, top - 32 * SZ_1M);
	/* Never address 0: 2 MiB .. 14 MiB. */
	check_choice(&lowmap, SZ_2M, 0, SZ_2M, 0, 7, SZ_2M);
	/* With a text_offset, base 0 is fine: the image starts at 0x80000. */
	check_choice(&lowmap, SZ_2M, 0x80000, SZ_2M, 0, 7, 0);
}

static void test_huge_map(void **state)
{
	MAP(E(0, 1ULL << 63, CONV, 0),
	    { 1ULL << 63, (1ULL << 51) - 512, CONV, 0 },
	    { 0 - SZ_2M, SZ_2M / SZ_4K, CONV, 0 }); /* ends exactly at 2^64 */
	struct drbg rng = test_rng(4);
	uint64_t base, n;
	(void)state;

	/* [0, 2^63): 2^51 - 1 pages (page 0 is excluded); [2^63, 2^64 - 2M): 2^51 - 512;
	 * [2^64 - 2M, 2^64): 512. */
	assert_int_equal(kaslr_choose_phys(&map, SZ_4K, 0, SZ_4K, 0, true, &rng, &base, &n), KB_OK);
	assert_int_equal(n, (1ULL << 52) - 1);
	assert_int_equal(kaslr_entropy_bits(n), 51);
	assert_int_equal(kaslr_choose_phys(&map, SZ_2M, 0, SZ_2M, 0, false, NULL, &base, &n), KB_OK);
	assert_int_equal(base, SZ_2M);
	/* The 2 MiB entry that ends exactly at 2^64 holds one 2 MiB slot. */
	{
		struct memmap top = { &map_entries[2], 1 };
		assert_int_equal(kaslr_choose_phys(&top, SZ_2M, 0, SZ_2M, 0, false, NULL, &base, &n), KB_OK);
		assert_int_equal(n, 1);
		assert_int_equal(base, 0 - SZ_2M);
	}
}

static void test_bad_requests(void **state)
{
	MAP(E(SZ_1G, SZ_1G, CONV, 0));
	struct memmap_entry wrap[] = { { 0xfffffffffff00000ULL, 512, CONV, 0 } };
	struct memmap wrapmap = { wrap, 1 };
	struct drbg unseeded;
	uint64_t base, n;
	(void)state;

	memset(&unseeded, 0, sizeof(unseeded));
	log_capture_start(LOG_INFO);
	assert_int_equal(kaslr_choose_phys(&map, 3 * SZ_1M, 0, SZ_1M, 0, false, NULL, &base, &n), KB_EINVAL);
	assert_int_equal(kaslr_choose_phys(&map, 0x800, 0, SZ_1M, 0, false, NULL, &base, &n), KB_EINVAL);
	assert_int_equal(kaslr_choose_phys(&map, SZ_2M, 0, 0, 0, false, NULL, &base, &n), KB_EINVAL);
	assert_int_equal(kaslr_choose_phys(&map, SZ_2M, UINT64_MAX, 2, 0, false, NULL, &base, &n), KB_EINVAL);
	assert_int_equal(kaslr_choose_phys(&map, SZ_2M, 0, SZ_1M, 0, true, NULL, &base, &n), KB_EINVAL);
	assert_int_equal(kaslr_choose_phys(&map, SZ_2M, 0, SZ_1M, 0, true, &unseeded, &base, &n), KB_EINVAL);
	assert_logged("without a seeded generator");
	assert_int_equal(kaslr_choose_phys(&wrapmap, SZ_2M, 0, SZ_1M, 0, false, NULL, &base, &n), KB_ERANGE);
	assert_logged("memory map entry 0 (phys 0xfffffffffff00000, 512 pages) wraps");
	log_capture_stop();
}

static void test_avoid(void **state)
{
	MAP(E(SZ_1G, 64 * SZ_1M, CONV, 0));
	struct kaslr_range avoid[2] = { { SZ_1G + 20 * SZ_1M, 2 * SZ_1M }, { 0, 0 } };
	struct kaslr_request req = { .align = SZ_2M, .size = 16 * SZ_1M, .avoid = avoid, .n_avoid = 2 };
	struct drbg rng = test_rng(5);
	uint64_t base, n;
	int i;
	(void)state;

	/* Bases 1G+{0,2,4} MiB end before the hole; 1G+{22..48} MiB start after it. */
	for (i = 0; i < 200; i++) {
		assert_int_equal(kaslr_choose(&map, &req, true, &rng, &base, &n), KB_OK);
		assert_int_equal(n, 3 + 14);
		assert_true(base + 16 * SZ_1M <= SZ_1G + 20 * SZ_1M || base >= SZ_1G + 22 * SZ_1M);
	}
	req.n_avoid = KASLR_MAX_AVOID + 1;
	assert_int_equal(kaslr_choose(&map, &req, true, &rng, &base, &n), KB_EINVAL);
}

/* 10 slots in three entries: every slot equally likely (chi-square, df 9, p = 0.001). */
static void test_uniform_over_slots(void **state)
{
	MAP(E(SZ_1G, 4 * SZ_1M, CONV, 0), E(2 * SZ_1G, 6 * SZ_1M, CONV, 0),
	    E(3 * SZ_1G, 10 * SZ_1M, CONV, 0));
	const uint64_t slot[10] = { SZ_1G, SZ_1G + SZ_2M, 2 * SZ_1G, 2 * SZ_1G + SZ_2M,
				    2 * SZ_1G + 2 * SZ_2M, 3 * SZ_1G, 3 * SZ_1G + SZ_2M,
				    3 * SZ_1G + 2 * SZ_2M, 3 * SZ_1G + 3 * SZ_2M,
				    3 * SZ_1G + 4 * SZ_2M };
	unsigned count[10] = { 0 }, i, j, draws = 20000;
	struct drbg rng = test_rng(6);
	double chi = 0, expect = draws / 10.0;
	uint64_t base, n;
	(void)state;

	for (i = 0; i < draws; i++) {
		assert_int_equal(kaslr_choose_phys(&map, SZ_2M, 0, SZ_2M, 0, true, &rng, &base, &n), KB_OK);
		assert_int_equal(n, 10);
		for (j = 0; j < 10 && slot[j] != base; j++)
			;
		assert_true(j < 10);
		count[j]++;
	}
	for (j = 0; j < 10; j++)
		chi += (count[j] - expect) * (count[j] - expect) / expect;
	assert_true(chi < 27.88);
}

/* The chi-square value a uniform draw exceeds with probability 0.001 (Wilson-Hilferty:
 * z = 3.09 is the normal quantile at 0.999). */
static double chi2_critical_p001(unsigned df)
{
	double k = df, t = 1 - 2 / (9 * k) + 3.09 * sqrt(2 / (9 * k));
	return k * t * t * t;
}

/* The EFI_KIMG_ALIGN placement of a 4K-page kernel: 64 KiB slots over regions that are
 * not 2 MiB aligned, every allowed base equally likely over 1e5 draws. */
static void test_uniform_over_64k_slots(void **state)
{
	const uint64_t K64 = 0x10000, size = 320 * 1024;
	MAP(E(SZ_1G + 3 * K64, SZ_2M + 5 * K64, CONV, 0), E(2 * SZ_1G + SZ_4K, SZ_1M, CONV, 0),
	    E(3 * SZ_1G, 7 * K64, CONV, 0));
	uint64_t slots[128];
	unsigned count[128] = { 0 }, nslots = 0, draws = 100000;
	struct drbg rng = test_rng(9);
	double chi = 0;
	uint64_t base, n;
	(void)state;

	/* Every 64 KiB-aligned base whose [base, base + size) lies in one region. */
	for (size_t r = 0; r < map.count; r++) {
		uint64_t lo = map.entries[r].phys, hi = lo + map.entries[r].pages * SZ_4K;
		for (uint64_t b = (lo + K64 - 1) & ~(K64 - 1); b + size <= hi; b += K64)
			slots[nslots++] = b;
	}
	assert_true(nslots > 20 && nslots < 128);
	for (unsigned i = 0; i < draws; i++) {
		unsigned j;
		assert_int_equal(kaslr_choose_phys(&map, K64, 0, size, 0, true, &rng, &base, &n), KB_OK);
		assert_int_equal(n, nslots);
		for (j = 0; j < nslots && slots[j] != base; j++)
			;
		assert_true(j < nslots);
		count[j]++;
	}
	for (unsigned j = 0; j < nslots; j++) {
		double expect = (double)draws / nslots;
		chi += (count[j] - expect) * (count[j] - expect) / expect;
	}
	assert_true(chi < chi2_critical_p001(nslots - 1));
}

/* Brute-force oracle: every aligned base below LIMIT checked against the definition. */
#define ORACLE_LIMIT (256 * SZ_1M)

static bool oracle_eligible(const struct memmap *map, const struct kaslr_request *r, uint64_t b,
			    bool mirrored_only)
{
	uint64_t start = b + r->offset, end = start + r->size; /* no overflow below LIMIT */
	size_t i;

	if (start < r->min_addr || start == 0 || (r->max_addr && end > r->max_addr))
		return false;
	for (i = 0; i < r->n_avoid; i++)
		if (r->avoid[i].size && start < r->avoid[i].base + r->avoid[i].size &&
		    r->avoid[i].base < end)
			return false;
	for (i = 0; i < map->count; i++) {
		const struct memmap_entry *e = &map->entries[i];
		if (e->type != CONV || (e->attr & (MEMMAP_ATTR_HOT_PLUGGABLE | MEMMAP_ATTR_SP)))
			continue;
		if (mirrored_only && !(e->attr & MEMMAP_ATTR_MORE_RELIABLE))
			continue;
		if (start >= e->phys && end <= e->phys + e->pages * SZ_4K)
			return true;
	}
	return false;
}

static uint64_t oracle_count(const struct memmap *map, const struct kaslr_request *r,
			     bool mirrored_only, uint64_t *lowest)
{
	uint64_t b, n = 0;

	*lowest = UINT64_MAX;
	for (b = 0; b < ORACLE_LIMIT; b += r->align)
		if (oracle_eligible(map, r, b, mirrored_only)) {
			if (!n)
				*lowest = b;
			n++;
		}
	return n;
}

static void test_property_random_maps(void **state)
{
	static const uint32_t other_types[] = { MEMMAP_LOADER_DATA, MEMMAP_BOOT_SERVICES_CODE,
						MEMMAP_RESERVED, MEMMAP_ACPI_RECLAIM, MEMMAP_MMIO };
	uint64_t s = 0x9e3779b97f4a7c15ULL;
	struct drbg rng = test_rng(7);
	int iter, nonempty = 0;
	(void)state;

	for (iter = 0; iter < 300; iter++) {
		struct memmap_entry ent[8];
		struct memmap map = { ent, 0 };
		struct kaslr_range avoid[2];
		struct kaslr_request r = { 0 };
		uint64_t cur = (tu_rand(&s) % 64) * SZ_1M, n, base, want, want_lowest;
		bool mirrored;
		int k;

		while (map.count < 8) {
			uint64_t len = (1 + tu_rand(&s) % (32 * SZ_1M / SZ_4K)) * SZ_4K;
			struct memmap_entry *e = &ent[map.count];
			if (cur + len > ORACLE_LIMIT - 64 * SZ_1M)
				break;
			e->phys = cur;
			e->pages = len / SZ_4K;
			e->type = tu_rand(&s) % 10 < 7 ? CONV : other_types[tu_rand(&s) % 5];
			e->attr = MEMMAP_ATTR_WB;
			if (tu_rand(&s) % 10 == 0) e->attr |= MEMMAP_ATTR_HOT_PLUGGABLE;
			if (tu_rand(&s) % 10 == 0) e->attr |= MEMMAP_ATTR_SP;
			if (tu_rand(&s) % 5 == 0) e->attr |= MEMMAP_ATTR_MORE_RELIABLE;
			map.count++;
			cur += len + (tu_rand(&s) % 4 ? 0 : (tu_rand(&s) % 4096) * SZ_4K);
		}
		r.align = 64 * 1024ULL << (tu_rand(&s) % 8); /* 64 KiB .. 8 MiB */
		r.offset = tu_rand(&s) % 2 ? 0 : (tu_rand(&s) % 512) * SZ_4K;
		r.size = (1 + tu_rand(&s) % (12 * SZ_1M / SZ_4K)) * SZ_4K;
		r.max_addr = tu_rand(&s) % 2 ? 0 : tu_rand(&s) % ORACLE_LIMIT;
		r.min_addr = tu_rand(&s) % 3 ? 0 : tu_rand(&s) % (ORACLE_LIMIT / 2);
		r.n_avoid = (size_t)(tu_rand(&s) % 3);
		for (k = 0; k < 2; k++) {
			avoid[k].base = tu_rand(&s) % ORACLE_LIMIT;
			avoid[k].size = tu_rand(&s) % (8 * SZ_1M);
		}
		r.avoid = avoid;

		want = oracle_count(&map, &r, true, &want_lowest);
		mirrored = want != 0;
		if (!mirrored)
			want = oracle_count(&map, &r, false, &want_lowest);

		if (!want) {
			assert_int_equal(kaslr_choose(&map, &r, true, &rng, &base, &n), KB_ENOSPC);
			continue;
		}
		nonempty++;
		assert_int_equal(kaslr_choose(&map, &r, false, NULL, &base, &n), KB_OK);
		assert_int_equal(n, want);
		assert_int_equal(base, want_lowest);
		for (k = 0; k < 20; k++) {
			assert_int_equal(kaslr_choose(&map, &r, true, &rng, &base, &n), KB_OK);
			assert_int_equal(n, want);
			assert_int_equal(base % r.align, 0);
			assert_true(oracle_eligible(&map, &r, base, mirrored));
		}
	}
	assert_true(nonempty > 100); /* the generator really exercised the choosing path */
}

/* There is a 1 GiB-aligned window of 32 GiB holding both ranges. */
static bool shares_window(uint64_t a, uint64_t a_size, uint64_t b, uint64_t b_size)
{
	uint64_t lo = a < b ? a : b, hi = a + a_size > b + b_size ? a + a_size : b + b_size;
	return hi - (lo & ~(SZ_1G - 1)) <= 32 * SZ_1G;
}

static void test_initrd_window(void **state)
{
	const uint64_t k = 40 * SZ_1G + 512 * SZ_1M, ksize = 32 * SZ_1M;
	MAP(E(SZ_1G, 64 * SZ_1G, CONV, 0));
	struct drbg rng = test_rng(8);
	uint64_t lo, hi, base, n;
	int i;
	(void)state;

	assert_int_equal(kaslr_initrd_window(SZ_1G, 32 * SZ_1M, &lo, &hi), KB_OK);
	assert_int_equal(lo, 0);
	assert_int_equal(hi, 33 * SZ_1G);
	/* Kernel last byte 0xa21ffffff: lowest window starts at 9 GiB, highest ends at 72 GiB. */
	assert_int_equal(kaslr_initrd_window(k, ksize, &lo, &hi), KB_OK);
	assert_int_equal(lo, 9 * SZ_1G);
	assert_int_equal(hi, 72 * SZ_1G);
	assert_int_equal(kaslr_initrd_window(SZ_1G, 33 * SZ_1G, &lo, &hi), KB_ERANGE);
	assert_int_equal(kaslr_initrd_window(SZ_1G + SZ_2M, 32 * SZ_1G, &lo, &hi), KB_ERANGE);
	assert_int_equal(kaslr_initrd_window(0 - SZ_2M, SZ_2M, &lo, &hi), KB_OK);
	assert_int_equal(hi, UINT64_MAX);

	for (i = 0; i < 500; i++) {
		uint64_t isize = (1 + (uint64_t)i * 7919 % 4096) * SZ_4K * 16;
		assert_int_equal(kaslr_choose_initrd(&map, k, ksize, isize, true, &rng, &base, &n), KB_OK);
		assert_int_equal(base % SZ_4K, 0);
		assert_true(base >= 9 * SZ_1G && base + isize <= 65 * SZ_1G);
		assert_true(base + isize <= k || base >= k + ksize);
		assert_true(shares_window(k, ksize, base, isize));
	}
	/* The lowest is the window's start, and the kernel's own pages are not offered. */
	assert_int_equal(kaslr_choose_initrd(&map, k, ksize, SZ_1M, false, NULL, &base, &n), KB_OK);
	assert_int_equal(base, 9 * SZ_1G);
	assert_int_equal(n, (65 * SZ_1G - 9 * SZ_1G - ksize) / SZ_4K - 2 * (SZ_1M / SZ_4K - 1));
	assert_int_equal(kaslr_choose_in_window(&map, 5 * SZ_1G, 5 * SZ_1G, SZ_4K, SZ_4K, NULL, 0,
						false, NULL, &base, &n), KB_EINVAL);
}

static void test_dt(void **state)
{
	MAP(E(SZ_1G, 64 * SZ_1M, CONV, 0));
	struct kaslr_range used = { SZ_1G, 60 * SZ_1M };
	struct drbg rng = test_rng(9);
	uint64_t base, n;
	(void)state;

	assert_int_equal(kaslr_choose_dt(&map, 3 * SZ_1M, 0, NULL, 0, true, &rng, &base, &n), KB_ERANGE);
	assert_int_equal(kaslr_choose_dt(&map, 0, 0, NULL, 0, true, &rng, &base, &n), KB_ERANGE);
	assert_int_equal(kaslr_choose_dt(&map, 100000, 0, &used, 1, true, &rng, &base, &n), KB_OK);
	assert_int_equal(n, 2); /* 1G+60M and 1G+62M */
	assert_int_equal(base % SZ_2M, 0);
	assert_true(base >= SZ_1G + 60 * SZ_1M);
}

static void test_entropy_bits(void **state)
{
	(void)state;
	assert_int_equal(kaslr_entropy_bits(0), 0);
	assert_int_equal(kaslr_entropy_bits(1), 0);
	assert_int_equal(kaslr_entropy_bits(2), 1);
	assert_int_equal(kaslr_entropy_bits(3), 1);
	assert_int_equal(kaslr_entropy_bits(4), 2);
	assert_int_equal(kaslr_entropy_bits((1ULL << 25) - 1), 24);
	assert_int_equal(kaslr_entropy_bits(1ULL << 25), 25);
	assert_int_equal(kaslr_entropy_bits(UINT64_MAX), 63);
}

static void test_virtual_image(void **state)
{
	const uint64_t lo = KASLBOOT_IMAGE_VA_WINDOW_LO, hi = KASLBOOT_IMAGE_VA_WINDOW_HI;
	const uint64_t size = 64 * SZ_1M;
	struct drbg rng = test_rng(10), unseeded;
	unsigned count[10] = { 0 }, i;
	double chi = 0;
	uint64_t v;
	(void)state;

	assert_true(kaslr_entropy_bits(kaslr_virt_slots(lo, hi, KASLBOOT_IMAGE_ALIGN, size)) >= 25);
	assert_int_equal(kaslr_virt_slots(lo, hi, KASLBOOT_IMAGE_ALIGN, size),
			 (hi - lo - size) / SZ_2M + 1);
	for (i = 0; i < 1000; i++) {
		assert_int_equal(kaslr_choose_virt(&rng, lo, hi, KASLBOOT_IMAGE_ALIGN, size, &v), KB_OK);
		assert_int_equal(v % SZ_2M, 0);
		assert_true(v >= lo && v + size <= hi);
	}
	/* Small window: 10 slots, chi-square df 9. Unaligned window start rounds up. */
	for (i = 0; i < 20000; i++) {
		assert_int_equal(kaslr_choose_virt(&rng, 0xffff900000001000ULL,
						   0xffff900000000000ULL + 11 * SZ_2M, SZ_2M, SZ_2M, &v), KB_OK);
		count[(v - 0xffff900000200000ULL) / SZ_2M]++;
	}
	for (i = 0; i < 10; i++)
		chi += (count[i] - 2000.0) * (count[i] - 2000.0) / 2000.0;
	assert_true(chi < 27.88);
	/* The top of the address space is usable (hi 0 = 2^64). */
	assert_int_equal(kaslr_virt_slots(0 - 4 * SZ_2M, 0, SZ_2M, SZ_2M), 4);

	memset(&unseeded, 0, sizeof(unseeded));
	assert_int_equal(kaslr_choose_virt(&unseeded, lo, hi, SZ_2M, size, &v), KB_EINVAL);
	assert_int_equal(kaslr_choose_virt(&rng, lo, hi, 3, size, &v), KB_EINVAL);
	assert_int_equal(kaslr_choose_virt(&rng, lo, lo + SZ_2M, SZ_2M, size, &v), KB_ENOSPC);
}

static void test_linear_offset(void **state)
{
	const uint64_t ram_lo = 0x40000000ULL + SZ_4K, ram_hi = 0x140000000ULL;
	struct drbg rng = test_rng(11);
	uint64_t off, prev = 0;
	int i, distinct = 0;
	(void)state;

	for (i = 0; i < 1000; i++) {
		assert_int_equal(kaslr_choose_linear_offset(&rng, KASLBOOT_LINEAR_WINDOW_LO,
							    KASLBOOT_LINEAR_WINDOW_HI, ram_lo, ram_hi,
							    KASLBOOT_LINEAR_ALIGN, &off), KB_OK);
		assert_true(ram_lo + off >= KASLBOOT_LINEAR_WINDOW_LO);
		assert_true(ram_hi - 1 + off < KASLBOOT_LINEAR_WINDOW_HI);
		assert_int_equal((ram_lo + off) % SZ_2M, ram_lo % SZ_2M); /* blocks stay possible */
		distinct += off != prev;
		prev = off;
	}
	assert_true(distinct > 990);
	assert_int_equal(kaslr_choose_linear_offset(&rng, KASLBOOT_LINEAR_WINDOW_LO, KASLBOOT_LINEAR_WINDOW_HI,
						    ram_hi, ram_lo, SZ_2M, &off), KB_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_single_region),
		cmocka_unit_test(test_many_regions_and_too_small),
		cmocka_unit_test(test_unaligned_region),
		cmocka_unit_test(test_no_slot),
		cmocka_unit_test(test_more_reliable_only),
		cmocka_unit_test(test_skipped_types),
		cmocka_unit_test(test_text_offset),
		cmocka_unit_test(test_max_addr_and_zero),
		cmocka_unit_test(test_huge_map),
		cmocka_unit_test(test_bad_requests),
		cmocka_unit_test(test_avoid),
		cmocka_unit_test(test_uniform_over_slots),
		cmocka_unit_test(test_uniform_over_64k_slots),
		cmocka_unit_test(test_property_random_maps),
		cmocka_unit_test(test_initrd_window),
		cmocka_unit_test(test_dt),
		cmocka_unit_test(test_entropy_bits),
		cmocka_unit_test(test_virtual_image),
		cmocka_unit_test(test_linear_offset),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
