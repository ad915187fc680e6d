/* SPDX-License-Identifier: BSD-2-Clause */
/* Linux 6.1 / 6.12 virtual base prediction. Expected values were computed by hand (the
 * first 6.1 case step by step below) and with Python's unbounded integers, following
 * kaslr_early.c/head.S (6.1) and kaslr_early.c/map_kernel.c (6.12) literally. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "entropy_testutil.h"
#include "linux_kaslr.h"

struct example {
	uint64_t seed, pa, v61, v612;
};

static const struct example examples[] = {
	/* 6.1: seed & GENMASK(45,0) = 0x056789abcdef; + BIT(45) = 0x256789abcdef; clear the low
	 * 21 bits (0x0bcdef) = 0x256789a00000; + 0xffff800008000000 = 0xffffa56791a00000. */
	{ 0x0123456789abcdefULL, 0x40200000ULL, 0xffffa56791a00000ULL, 0xffff9fc7fd800000ULL },
	/* The top of both ranges. */
	{ 0xffffffffffffffffULL, 0x40000000ULL, 0xffffe00007e00000ULL, 0xffffde7fef800000ULL },
	/* The bottom: 6.1 adds BIT(45); 6.12 adds range / 2. */
	{ 1, 0x40000000ULL, 0xffffa00008000000ULL, 0xffff9f804fe00000ULL },
	/* PA mod 2 MiB carries into the VA unchanged. */
	{ 0x0123456789abcdefULL, 0x4021f345ULL, 0xffffa56791a1f345ULL, 0xffff9fc7fd81f345ULL },
	/* 6.1 ignores seed bits 46..63; 6.12 uses the high bits most. */
	{ 0x8000000000000000ULL, 0x80000000ULL, 0xffffa00008000000ULL, 0xffffbf001fc00000ULL },
	/* No seed (and no RNDR): no randomization, only the PA misalignment. */
	{ 0, 0x40212345ULL, 0xffff800008012345ULL, 0xffff800080012345ULL },
};

static void test_examples(void **state)
{
	size_t i;
	(void)state;

	for (i = 0; i < sizeof(examples) / sizeof(examples[0]); i++) {
		const struct example *e = &examples[i];
		assert_int_equal(linux61_text_va(e->seed, e->pa), e->v61);
		assert_int_equal(linux612_text_va(e->seed, e->pa), e->v612);
		assert_int_equal(linux61_kaslr_offset(e->seed, e->pa), e->v61 - LINUX61_KIMAGE_VADDR);
		assert_int_equal(linux612_kaslr_offset(e->seed, e->pa),
				 e->v612 - LINUX612_KIMAGE_VADDR);
	}
}

/* Over random seeds: the documented ranges (reference §3.1/3.2), 2 MiB steps, and the
 * 6.12 formula against a direct 128-bit computation. */
static void test_ranges(void **state)
{
	uint64_t s = 0xfeedULL;
	int i;
	(void)state;

	for (i = 0; i < 100000; i++) {
		uint64_t seed = tu_rand(&s) | 1, pa = (tu_rand(&s) & 0xffffffffffULL);
		uint64_t v61 = linux61_text_va(seed, pa), v612 = linux612_text_va(seed, pa);
		uint64_t range = (LINUX612_VMALLOC_END - LINUX612_KIMAGE_VADDR) / 2;
		uint64_t off612 = range / 2 + (uint64_t)(((unsigned __int128)range * seed) >> 64);

		assert_true(v61 >= 0xffffa00008000000ULL && v61 < 0xffffe00008000000ULL);
		assert_true(v612 >= 0xffff9f804fe00000ULL && v612 < 0xffffde7fefa00000ULL);
		assert_int_equal(v61 & 0x1fffff, pa & 0x1fffff);
		assert_int_equal(v612 & 0x1fffff, pa & 0x1fffff);
		assert_int_equal(v612, LINUX612_KIMAGE_VADDR + ((pa & 0x1fffff) | (off612 & ~0x1fffffULL)));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_examples),
		cmocka_unit_test(test_ranges),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
