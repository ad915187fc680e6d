/* SPDX-License-Identifier: BSD-2-Clause */
/* lib/sizes.h: the size names and the booting.rst limits against values worked out by
 * hand from the document's own words (and Linux's arch/arm64/include/asm/boot.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/sizes.h"

static void test_size_names(void **state)
{
	(void)state;
	assert_true(SZ_4K == 4096ULL);
	assert_true(SZ_64K == 65536ULL);
	assert_true(SZ_2M == 2097152ULL);
	assert_true(SZ_32M == 33554432ULL);
	assert_true(SZ_1G == 1073741824ULL);
}

static void test_booting_rst_limits(void **state)
{
	(void)state;
	/* "must not exceed 2 megabytes", "on an 8-byte boundary" */
	assert_true(BOOT_DT_MAX_SIZE == 2097152ULL);
	assert_true(BOOT_DT_ALIGN == 8ULL);
	/* "a 2MB aligned base address" */
	assert_true(BOOT_IMAGE_ALIGN == 0x200000ULL);
	/* "within the 48-bit addressable range of physical memory" */
	assert_true(BOOT_IMAGE_PHYS_LIMIT == 0x1000000000000ULL);
	/* "a 1 GB aligned physical memory window of up to 32 GB" */
	assert_true(BOOT_INITRD_WINDOW_ALIGN == 0x40000000ULL);
	assert_true(BOOT_INITRD_WINDOW_SIZE == 0x800000000ULL);
}

/* Every one is unsigned long long: mixing with uint64_t never truncates or sign-extends. */
static void test_types_are_64_bit(void **state)
{
	(void)state;
	assert_int_equal(sizeof(SZ_4K), 8);
	assert_int_equal(sizeof(BOOT_DT_ALIGN), 8);
	assert_int_equal(sizeof(BOOT_INITRD_WINDOW_SIZE), 8);
	assert_true(~BOOT_DT_ALIGN + 1 == (uint64_t)-8);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_size_names),
		cmocka_unit_test(test_booting_rst_limits),
		cmocka_unit_test(test_types_are_64_bit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
