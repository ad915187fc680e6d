/* SPDX-License-Identifier: BSD-2-Clause */
/* loader/screen_info.c and loader/memreserve.c: struct screen_info filled from a graphics
 * mode as Linux 6.12's stub fills it (libstub gop.c, efi_setup_gop and setup_pixel_info:
 * the expected values below are worked out from that code by hand), and both tables
 * installed into the fake firmware in the memory the stub uses, and taken out again. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "assert_kb.h"
#include "fake_platform.h"
#include "lib/err.h"
#include "log_capture.h"
#include "loader/allocs.h"
#include "loader/memreserve.h"
#include "loader/screen_info.h"

/* QEMU's ramfb under edk2 (QemuRamfbDxe): 800x600 XRGB8888, i.e. BGRX in memory. */
static const struct kb_gop_mode ramfb = {
	.fb_base = 0x7f000000,
	.width = 800,
	.height = 600,
	.stride = 800,
	.format = KB_PIXEL_BGRX8,
};

static void test_bgrx_as_the_stub(void **state)
{
	struct linux_screen_info si;
	(void)state;
	memset(&si, 0xa5, sizeof(si)); /* every other field must come back zero */
	assert_kb_ok(screen_info_fill(&ramfb, &si));
	assert_int_equal(si.orig_video_isVGA, 0x70);
	assert_int_equal(si.lfb_width, 800);
	assert_int_equal(si.lfb_height, 600);
	assert_int_equal(si.lfb_depth, 32);
	assert_int_equal(si.lfb_linelength, 3200);
	assert_int_equal(si.lfb_size, 3200 * 600);
	assert_int_equal(si.lfb_base, 0x7f000000);
	assert_int_equal(si.ext_lfb_base, 0);
	assert_int_equal(si.capabilities, 1); /* SKIP_QUIRKS only: the base fits 32 bits */
	assert_int_equal(si.pages, 1);
	assert_int_equal(si.red_pos, 16);
	assert_int_equal(si.green_pos, 8);
	assert_int_equal(si.blue_pos, 0);
	assert_int_equal(si.rsvd_pos, 24);
	assert_int_equal(si.red_size, 8);
	assert_int_equal(si.green_size, 8);
	assert_int_equal(si.blue_size, 8);
	assert_int_equal(si.rsvd_size, 8);
	/* The bytes the kernel reads, at the uapi offsets. */
	const uint8_t *b = (const uint8_t *)&si;
	assert_int_equal(b[0x0f], 0x70);
	assert_int_equal(b[0x12] | b[0x13] << 8, 800);
	assert_int_equal(b[0x24] | b[0x25] << 8, 3200);
	assert_int_equal(b[0x26], 8);
	assert_int_equal(b[0x27], 16);
	assert_int_equal(b[0x32], 1);
	assert_int_equal(b[0x36], 1);
	for (size_t i = 0; i < 0x0f; i++)
		assert_int_equal(b[i], 0);
}

static void test_rgbx_and_a_base_above_4g(void **state)
{
	struct kb_gop_mode m = ramfb;
	struct linux_screen_info si;
	(void)state;
	m.format = KB_PIXEL_RGBX8;
	m.fb_base = 0x8000001000ULL;
	m.stride = 832; /* a padded line: the stride, not the width, gives linelength */
	assert_kb_ok(screen_info_fill(&m, &si));
	assert_int_equal(si.red_pos, 0);
	assert_int_equal(si.blue_pos, 16);
	assert_int_equal(si.lfb_linelength, 832 * 4);
	assert_int_equal(si.lfb_size, 832 * 4 * 600);
	assert_int_equal(si.lfb_base, 0x1000);
	assert_int_equal(si.ext_lfb_base, 0x80);
	assert_int_equal(si.capabilities, 3); /* SKIP_QUIRKS | 64BIT_BASE */
}

static void test_bitmask_rgb565(void **state)
{
	struct kb_gop_mode m = ramfb;
	struct linux_screen_info si;
	(void)state;
	m.format = KB_PIXEL_BITMASK;
	m.red_mask = 0xf800;
	m.green_mask = 0x07e0;
	m.blue_mask = 0x001f;
	m.rsvd_mask = 0;
	assert_kb_ok(screen_info_fill(&m, &si));
	assert_int_equal(si.red_pos, 11);
	assert_int_equal(si.red_size, 5);
	assert_int_equal(si.green_pos, 5);
	assert_int_equal(si.green_size, 6);
	assert_int_equal(si.blue_pos, 0);
	assert_int_equal(si.blue_size, 5);
	assert_int_equal(si.rsvd_pos, 0);
	assert_int_equal(si.rsvd_size, 0);
	assert_int_equal(si.lfb_depth, 16);
	assert_int_equal(si.lfb_linelength, 1600);
	assert_int_equal(si.lfb_size, 1600 * 600);
}

static void test_no_framebuffer_refused(void **state)
{
	struct kb_gop_mode m = ramfb;
	struct linux_screen_info si;
	(void)state;
	m.format = KB_PIXEL_BLT_ONLY;
	assert_kb_err(screen_info_fill(&m, &si), KB_EUNSUPP);
	m.format = 4; /* PixelFormatMax */
	assert_kb_err(screen_info_fill(&m, &si), KB_EUNSUPP);
	/* 16384 pixels a line of 4 bytes: 65536 does not fit lfb_linelength (u16). */
	m = ramfb;
	m.stride = 16384;
	assert_kb_err(screen_info_fill(&m, &si), KB_EUNSUPP);
	assert_int_equal(si.orig_video_isVGA, 0);
}

/* The allocation that holds p, or -1. */
static int alloc_of(const void *p)
{
	uint64_t a = (uint64_t)(uintptr_t)p;
	for (unsigned i = 0; i < fake.nallocs; i++)
		if (fake.allocs[i].base <= a && a < fake.allocs[i].base + fake.allocs[i].bytes)
			return (int)i;
	return -1;
}

static void test_install_and_remove(void **state)
{
	struct kb_allocs allocs;
	bool si_on, rsv_on;
	(void)state;
	fake_fw_init(16ULL << 20);
	kb_allocs_init(&allocs, &fake_platform);

	/* No graphics output: no table, not a word. */
	log_capture_clear();
	screen_info_install(&fake_platform, &allocs, &si_on);
	assert_false(si_on);
	assert_null(fake_fw_table(&linux_screen_info_table_guid));
	assert_int_equal(captured_warnings, 0);

	fake.has_gop = true;
	fake.gop = ramfb;
	screen_info_install(&fake_platform, &allocs, &si_on);
	memreserve_install(&fake_platform, &allocs, &rsv_on);
	assert_true(si_on && rsv_on);
	const struct linux_screen_info *si = fake_fw_table(&linux_screen_info_table_guid);
	const struct linux_efi_memreserve_head *rsv = fake_fw_table(&linux_memreserve_table_guid);
	assert_non_null(si);
	assert_non_null(rsv);
	assert_int_equal(si->lfb_base, 0x7f000000);
	assert_int_equal(si->lfb_linelength, 3200);
	assert_int_equal(rsv->size, 0);
	assert_int_equal(rsv->count, 0);
	assert_int_equal(rsv->next, 0);
	/* The memory types of libstub's alloc_screen_info and install_memreserve_table. */
	assert_true(alloc_of(si) >= 0 && alloc_of(rsv) >= 0);
	assert_int_equal(fake.allocs[alloc_of(si)].kind, KB_MEM_ACPI_RECLAIM);
	assert_int_equal(fake.allocs[alloc_of(rsv)].kind, KB_MEM_DATA);

	screen_info_remove(&fake_platform, &si_on);
	memreserve_remove(&fake_platform, &rsv_on);
	assert_false(si_on || rsv_on);
	assert_null(fake_fw_table(&linux_screen_info_table_guid));
	assert_null(fake_fw_table(&linux_memreserve_table_guid));
	kb_free_all(&allocs);
	assert_int_equal(fake.nallocs, 0);
	fake_fw_free();
}

/* A firmware that refuses the table: one warning each, the page given back at once. */
static void test_install_refused(void **state)
{
	struct kb_allocs allocs;
	bool si_on, rsv_on;
	(void)state;
	fake_fw_init(16ULL << 20);
	kb_allocs_init(&allocs, &fake_platform);
	fake.has_gop = true;
	fake.gop = ramfb;
	log_capture_clear();
	fake.fail_at = fake.calls + 3; /* gop_mode, alloc_below, install_config_table */
	screen_info_install(&fake_platform, &allocs, &si_on);
	assert_false(si_on);
	assert_string_equal(fake.failed_op, "install_config_table");
	assert_logged("the screen_info table cannot be installed: Linux gets no framebuffer");
	fake.fail_at = fake.calls + 2; /* alloc_below, install_config_table */
	memreserve_install(&fake_platform, &allocs, &rsv_on);
	assert_false(rsv_on);
	assert_logged("the memreserve table cannot be installed");
	assert_int_equal(captured_warnings, 2);
	assert_int_equal(fake.nallocs, 0);
	assert_int_equal(fake.ntables, 0);

	/* A mode Linux cannot use: named in the warning, nothing installed. */
	fake.fail_at = 0;
	fake.gop.format = KB_PIXEL_BLT_ONLY;
	screen_info_install(&fake_platform, &allocs, &si_on);
	assert_false(si_on);
	assert_logged("graphics output 800x600 (pixel format 3, 800 per line): not a framebuffer "
		      "Linux can use");
	assert_int_equal(fake.nallocs, 0);
	fake_fw_free();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bgrx_as_the_stub),
		cmocka_unit_test(test_rgbx_and_a_base_above_4g),
		cmocka_unit_test(test_bitmask_rgb565),
		cmocka_unit_test(test_no_framebuffer_refused),
		cmocka_unit_test(test_install_and_remove),
		cmocka_unit_test(test_install_refused),
	};
	log_capture_start(LOG_DEBUG);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
