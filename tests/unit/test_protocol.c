/* SPDX-License-Identifier: BSD-2-Clause */
/* include/kaslboot/protocol.h: included first, so it must stand on its own; its values
 * against the numbers docs/protocol.md states, and against kaslboot's own layout. */
#include <kaslboot/protocol.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "mm/layout.h"

static void test_chosen_names(void **state)
{
	static const struct { const char *name, *want; } names[] = {
		{ KASLBOOT_CHOSEN_LAYOUT_VERSION, "kaslboot,layout-version" },
		{ KASLBOOT_CHOSEN_IMAGE_PHYS_BASE, "kaslboot,image-phys-base" },
		{ KASLBOOT_CHOSEN_IMAGE_VIRT_BASE, "kaslboot,image-virt-base" },
		{ KASLBOOT_CHOSEN_IMAGE_SIZE, "kaslboot,image-size" },
		{ KASLBOOT_CHOSEN_LINEAR_MAP_OFFSET, "kaslboot,linear-map-offset" },
		{ KASLBOOT_CHOSEN_FIXMAP_BASE, "kaslboot,fixmap-base" },
		{ KASLBOOT_CHOSEN_FIXMAP_SIZE, "kaslboot,fixmap-size" },
		{ KASLBOOT_CHOSEN_UART_VIRT_BASE, "kaslboot,uart-virt-base" },
		{ KASLBOOT_CHOSEN_STACK_TOP, "kaslboot,stack-top" },
		{ KASLBOOT_CHOSEN_STACK_SIZE, "kaslboot,stack-size" },
		{ KASLBOOT_CHOSEN_IDMAP_BASE, "kaslboot,idmap-base" },
		{ KASLBOOT_CHOSEN_IDMAP_SIZE, "kaslboot,idmap-size" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		assert_string_equal(names[i].name, names[i].want);
	assert_int_equal(KASLBOOT_LAYOUT_VERSION, 1);
	assert_int_equal(KASLBOOT_CHOSEN_VALUE_SIZE, 8);
}

/* Section 2 and 3 figures: 4 KiB pages, 1..8 PT_LOAD, p_align <= 2 MiB, span <= 1 GiB,
 * 2 MiB-aligned bases, a 64 KiB stack with a one-page guard, SP 16-byte aligned. */
static void test_numbers(void **state)
{
	(void)state;
	assert_true(KASLBOOT_PAGE_SIZE == 4096);
	assert_int_equal(KASLBOOT_MAX_LOAD_SEGMENTS, 8);
	assert_true(KASLBOOT_MAX_SEGMENT_ALIGN == 2 * 1024 * 1024);
	assert_true(KASLBOOT_MAX_IMAGE_SPAN == 1024 * 1024 * 1024);
	assert_int_equal(KASLBOOT_VA_BITS, 48);
	assert_true(KASLBOOT_IMAGE_ALIGN == 2 * 1024 * 1024);
	assert_true(KASLBOOT_LINEAR_ALIGN == 2 * 1024 * 1024);
	assert_true(KASLBOOT_STACK_SIZE_MIN == 64 * 1024);
	assert_true(KASLBOOT_GUARD_SIZE == 4096);
	assert_int_equal(KASLBOOT_STACK_ALIGN, 16);
}

/* Section 3: the linear window is the lower half of the 48-bit TTBR1 range (128 TiB),
 * the image window lies above it with 2^25 2 MiB slots, and the fixmap lies above that. */
static void test_windows(void **state)
{
	(void)state;
	assert_true(KASLBOOT_LINEAR_WINDOW_LO == 0 - (1ULL << KASLBOOT_VA_BITS));
	assert_true(KASLBOOT_LINEAR_WINDOW_HI - KASLBOOT_LINEAR_WINDOW_LO == 128ULL << 40);
	assert_true(KASLBOOT_LINEAR_WINDOW_HI <= KASLBOOT_IMAGE_VA_WINDOW_LO);
	assert_true(KASLBOOT_IMAGE_VA_WINDOW_LO == 0xffff900000000000ULL);
	assert_true(KASLBOOT_IMAGE_VA_WINDOW_HI == 0xffffe00000000000ULL);
	assert_true((KASLBOOT_IMAGE_VA_WINDOW_HI - KASLBOOT_IMAGE_VA_WINDOW_LO) / KASLBOOT_IMAGE_ALIGN ==
		    41943040ULL); /* 80 TiB / 2 MiB: the slot count section 3 reports */
	assert_true(KASLBOOT_IMAGE_VA_WINDOW_LO % KASLBOOT_IMAGE_ALIGN == 0);
	assert_true(mm_fixmap_start() >= KASLBOOT_IMAGE_VA_WINDOW_HI);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chosen_names),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_windows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
