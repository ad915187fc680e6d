/* SPDX-License-Identifier: BSD-2-Clause */
/* The PE's own C library (lib/libc_freestanding.c), built here under other names and
 * checked against the host's: memcpy, memset and memmove at every alignment and length
 * up to a few words past the unrolled loop, and memmove over overlaps in both
 * directions (libfdt moves whole trees with it). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define memcpy fs_memcpy
#define memmove fs_memmove
#define memset fs_memset
#define memcmp fs_memcmp
#define memchr fs_memchr
#define strlen fs_strlen
#define strnlen fs_strnlen
#define strcmp fs_strcmp
#define strncmp fs_strncmp
#define strchr fs_strchr
#define strrchr fs_strrchr
#define strtoul fs_strtoul
#define malloc fs_malloc
#define free fs_free
#define __stack_chk_guard fs_stack_chk_guard
#define __stack_chk_fail fs_stack_chk_fail
#include "lib/libc_freestanding.c"
#undef memcpy
#undef memmove
#undef memset
#undef memcmp

#define AREA 512
#define MAX_LEN 160   /* past 4 words unrolled, several times over */
#define MAX_OFF 17

static uint8_t area[AREA], expect[AREA];

static void fill(uint8_t *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 131 + seed * 7 + 1);
}

static void test_memcpy_memset(void **state)
{
	static uint8_t src[AREA];
	(void)state;
	fill(src, sizeof(src), 3);
	for (size_t so = 0; so < MAX_OFF; so++) {
		for (size_t doff = 0; doff < MAX_OFF; doff++) {
			for (size_t n = 0; n <= MAX_LEN; n++) {
				memset(area, 0xee, sizeof(area));
				memcpy(expect, area, sizeof(area));
				memcpy(expect + 64 + doff, src + so, n);
				assert_ptr_equal(fs_memcpy(area + 64 + doff, src + so, n), area + 64 + doff);
				assert_memory_equal(area, expect, sizeof(area));

				memset(expect + 64 + doff, (int)(n & 0xff), n);
				assert_ptr_equal(fs_memset(area + 64 + doff, (int)(n | 0x100), n),
						 area + 64 + doff);
				assert_memory_equal(area, expect, sizeof(area));
			}
		}
	}
}

static void test_memmove_overlaps(void **state)
{
	(void)state;
	for (size_t so = 0; so < 3 * MAX_OFF; so++) {
		for (size_t doff = 0; doff < 3 * MAX_OFF; doff++) {
			for (size_t n = 0; n <= MAX_LEN; n += (n < 40 ? 1 : 7)) {
				fill(area, sizeof(area), (unsigned)n);
				memcpy(expect, area, sizeof(area));
				memmove(expect + 100 + doff, expect + 100 + so, n);
				assert_ptr_equal(fs_memmove(area + 100 + doff, area + 100 + so, n),
						 area + 100 + doff);
				assert_memory_equal(area, expect, sizeof(area));
			}
		}
	}
}

static void test_compare_and_search(void **state)
{
	(void)state;
	assert_int_equal(fs_memcmp("abc", "abd", 3) < 0, 1);
	assert_int_equal(fs_memcmp("abc", "abc", 3), 0);
	assert_int_equal(fs_strcmp("b", "a") > 0, 1);
	assert_int_equal(fs_strlen("kaslboot"), 8);
	assert_string_equal(fs_strrchr("a/b/c", '/'), "/c");
	assert_int_equal(fs_strtoul("0x1f", NULL, 0), 31);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_memcpy_memset),
		cmocka_unit_test(test_memmove_overlaps),
		cmocka_unit_test(test_compare_and_search),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
