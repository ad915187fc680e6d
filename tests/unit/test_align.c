/* SPDX-License-Identifier: BSD-2-Clause */
/* lib/align.h and lib/ascii.h: the arithmetic every page, slot and padding computation
 * shares, at the edges where a hand-written mask goes wrong. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <ctype.h>

#include "lib/align.h"
#include "lib/ascii.h"

static void test_pow2(void **state)
{
	(void)state;
	assert_false(is_pow2(0));
	assert_true(is_pow2(1));
	assert_true(is_pow2(4096));
	assert_true(is_pow2(1ULL << 63));
	assert_false(is_pow2(4097));
	assert_false(is_pow2(UINT64_MAX));
}

static void test_align_up_down(void **state)
{
	(void)state;
	assert_int_equal(align_down(0x1fff, 0x1000), 0x1000);
	assert_int_equal(align_down(0x2000, 0x1000), 0x2000);
	assert_int_equal(align_up(0x2000, 0x1000), 0x2000);
	assert_int_equal(align_up(0x2001, 0x1000), 0x3000);
	assert_int_equal(align_up(0, 0x200000), 0);
	/* 64-bit masks: a 32-bit ~(a - 1) would clear the upper half. */
	assert_true(align_down(0xffffffff80001234ULL, 0x1000) == 0xffffffff80001000ULL);
	assert_true(align_up(0x100000000001ULL, 0x200000) == 0x100000200000ULL);
	assert_int_equal(align_offset(0x1234, 0x1000), 0x234);
	assert_true(is_aligned(0x200000, 0x200000));
	assert_false(is_aligned(0x200001, 0x200000));
	assert_true(is_aligned(12345, 1));
}

static void test_ascii_lower_matches_c_locale(void **state)
{
	(void)state;
	for (int c = 0; c < 128; c++)
		assert_int_equal(ascii_lower((char)c), tolower(c));
	/* Bytes of UTF-8 sequences are never folded. */
	assert_int_equal((unsigned char)ascii_lower((char)0xc4), 0xc4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pow2),
		cmocka_unit_test(test_align_up_down),
		cmocka_unit_test(test_ascii_lower_matches_c_locale),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
