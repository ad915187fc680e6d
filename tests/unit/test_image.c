/* SPDX-License-Identifier: BSD-2-Clause */
/* arm64 Image header validation (formats/image.c) and kernel format detection
 * (formats/kernel_format.c). Headers are built field by field in image_fixture.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/err.h"
#include "lib/log.h"
#include "lib/sizes.h"
#include "formats/image.h"
#include "formats/image_pe.h"
#include "formats/kernel_format.h"

#include "image_fixture.h"
#include "log_capture.h"

static void test_valid_header(void **state)
{
	uint8_t h[64];
	struct image_info info;

	(void)state;
	make_header(h, 0, 30u << 20, FLAGS_4K_ANYWHERE);
	assert_int_equal(image_header_validate(h, 27u << 20, &info, "Image"), 0);
	assert_int_equal(info.text_offset, 0);
	assert_int_equal(info.image_size, 30u << 20);
	assert_int_equal(info.flags, FLAGS_4K_ANYWHERE);
	assert_int_equal(info.page_size_code, IMAGE_PAGE_SIZE_4K);
	assert_true(info.phys_anywhere);
	assert_false(info.big_endian);
	assert_false(info.legacy);
	assert_int_equal(captured_errors, 0);
	assert_int_equal(captured_warnings, 0);
}

static void test_file_equal_to_image_size_ok(void **state)
{
	uint8_t h[64];
	struct image_info info;

	(void)state;
	make_header(h, 0, 1u << 20, 0);
	assert_int_equal(image_header_validate(h, 1u << 20, &info, "Image"), 0);
	assert_false(info.phys_anywhere);
	assert_int_equal(info.page_size_code, IMAGE_PAGE_SIZE_UNSPECIFIED);
}

static void test_bad_magic(void **state)
{
	uint8_t h[64];
	struct image_info info;

	(void)state;
	make_header(h, 0, 1u << 20, FLAGS_4K_ANYWHERE);
	h[56] ^= 0x01;
	assert_int_equal(image_header_validate(h, 4096, &info, "\\vmlinuz"), KB_EINVAL);
	assert_int_equal(captured_errors, 1);
	assert_logged("\\vmlinuz");
	assert_logged("magic");
}

static void test_big_endian_refused(void **state)
{
	uint8_t h[64];
	struct image_info info;

	(void)state;
	make_header(h, 0, 1u << 20, FLAGS_4K_ANYWHERE | IMAGE_FLAG_BE);
	assert_int_equal(image_header_validate(h, 4096, &info, "Image"), KB_EUNSUPP);
	assert_int_equal(captured_errors, 1);
	assert_logged("big-endian");
}

static void test_file_longer_than_image_size(void **state)
{
	uint8_t h[64];
	struct image_info info;

	(void)state;
	make_header(h, 0, 1u << 20, FLAGS_4K_ANYWHERE);
	assert_int_equal(image_header_validate(h, (1u << 20) + 1, &info, "Image"), KB_ERANGE);
	assert_int_equal(captured_errors, 1);
	assert_logged("image_size");
}

static void test_image_size_absurd(void **state)
{
	uint8_t h[64];
	struct image_info info;

	(void)state;
	make_header(h, 0, IMAGE_SIZE_MAX + 1, FLAGS_4K_ANYWHERE);
	assert_int_equal(image_header_validate(h, 4096, &info, "Image"), KB_ERANGE);
	make_header(h, 0, UINT64_MAX, FLAGS_4K_ANYWHERE);
	assert_int_equal(image_header_validate(h, 4096, &info, "Image"), KB_ERANGE);
	make_header(h, 0, IMAGE_SIZE_MAX, FLAGS_4K_ANYWHERE);
	assert_int_equal(image_header_validate(h, 4096, &info, "Image"), 0);
}

static void test_truncated_header(void **state)
{
	uint8_t h[64];
	struct image_info info;

	(void)state;
	make_header(h, 0, 1u << 20, FLAGS_4K_ANYWHERE);
	assert_int_equal(image_header_validate(h, 63, &info, "Image"), KB_EINVAL);
	assert_int_equal(image_header_validate(h, 0, &info, "Image"), KB_EINVAL);
	assert_int_equal(captured_errors, 2);
	assert_int_equal(image_header_validate(h, 64, &info, "Image"), 0);
}

static void test_text_offset_rules(void **state)
{
	uint8_t h[64];
	struct image_info info;

	(void)state;
	/* Pre-5.8 kernels used 0x80000: accepted as is. */
	make_header(h, 0x80000, 1u << 20, FLAGS_4K_ANYWHERE);
	assert_int_equal(image_header_validate(h, 4096, &info, "Image"), 0);
	assert_int_equal(info.text_offset, 0x80000);
	/* The largest 4K-aligned offset inside the 2 MB block. */
	make_header(h, BOOT_IMAGE_ALIGN - 0x1000, 1u << 20, FLAGS_4K_ANYWHERE);
	assert_int_equal(image_header_validate(h, 4096, &info, "Image"), 0);
	make_header(h, BOOT_IMAGE_ALIGN, 1u << 20, FLAGS_4K_ANYWHERE);
	assert_int_equal(image_header_validate(h, 4096, &info, "Image"), KB_EINVAL);
	make_header(h, 0x80800, 1u << 20, FLAGS_4K_ANYWHERE);
	assert_int_equal(image_header_validate(h, 4096, &info, "Image"), KB_EINVAL);
	assert_int_equal(captured_errors, 2);
	assert_logged("text_offset");
}

static void test_legacy_image_size_zero(void **state)
{
	uint8_t h[64];
	struct image_info info;
	size_t file_len = 5u * 1024 * 1024 + 123; /* rounds up to 6 MiB */

	(void)state;
	make_header(h, 0x80000, 0, 0);
	assert_int_equal(image_header_validate(h, file_len, &info, "Image"), 0);
	assert_true(info.legacy);
	assert_int_equal(info.text_offset, IMAGE_LEGACY_TEXT_OFFSET);
	assert_int_equal(info.image_size, 6u * 1024 * 1024 + IMAGE_LEGACY_BSS_MARGIN);
	assert_true(info.image_size >= file_len);
	assert_false(info.phys_anywhere); /* pre-3.17 has no bit 3: place low */
	assert_int_equal(captured_errors, 0);
	assert_int_equal(captured_warnings, 1);
	assert_logged("pre-3.17");

	/* A legacy kernel's text_offset field is not trusted (its endianness was undefined). */
	make_header(h, 0x12345, 0, 0);
	assert_int_equal(image_header_validate(h, file_len, &info, "Image"), 0);
	assert_int_equal(info.text_offset, IMAGE_LEGACY_TEXT_OFFSET);

	/* Even legacy files over the size bound are refused. */
	assert_int_equal(image_header_validate(h, (size_t)IMAGE_SIZE_MAX + 1, &info, "Image"),
			 KB_ERANGE);
}

static void test_reserved_flags_warn(void **state)
{
	uint8_t h[64];
	struct image_info info;

	(void)state;
	make_header(h, 0, 1u << 20, FLAGS_4K_ANYWHERE | (1ull << 4) | (1ull << 63));
	assert_int_equal(image_header_validate(h, 4096, &info, "Image"), 0);
	assert_int_equal(captured_errors, 0);
	assert_int_equal(captured_warnings, 1);
	assert_logged("reserved");
	assert_true(info.phys_anywhere);

	log_capture_clear();
	make_header(h, 0, 1u << 20, FLAGS_4K_ANYWHERE);
	assert_int_equal(image_header_validate(h, 4096, &info, "Image"), 0);
	assert_int_equal(captured_warnings, 0);
}

static void test_page_sizes_recorded(void **state)
{
	uint8_t h[64];
	struct image_info info;
	static const unsigned codes[] = { IMAGE_PAGE_SIZE_UNSPECIFIED, IMAGE_PAGE_SIZE_4K,
					  IMAGE_PAGE_SIZE_16K, IMAGE_PAGE_SIZE_64K };

	(void)state;
	for (size_t i = 0; i < 4; i++) {
		make_header(h, 0, 1u << 20, (uint64_t)codes[i] << 1);
		assert_int_equal(image_header_validate(h, 4096, &info, "Image"), 0);
		assert_int_equal(info.page_size_code, codes[i]);
		assert_false(info.phys_anywhere);
	}
	assert_string_equal(image_page_size_name(IMAGE_PAGE_SIZE_64K), "64K");
}

/* The placement alignment rule (formats/image.h): 2 MiB + text_offset for old kernels,
 * legacy headers, unknown page sizes and kernels without an EFI stub; EFI_KIMG_ALIGN
 * (64 KiB for 4K/16K pages, 128 KiB for 64K) otherwise. */
static void test_placement_align(void **state)
{
	uint8_t h[IMAGE_PE_PROBE_LEN] = { 0 };
	struct image_info info;
	static const struct {
		uint64_t text_offset, flags;
		bool efi_stub;
		uint64_t want;
	} cases[] = {
		{ 0, FLAGS_4K_ANYWHERE, true, 0x10000 },
		{ 0, (2ull << 1) | 8, true, 0x10000 },         /* 16K pages */
		{ 0, (3ull << 1) | 8, true, 0x20000 },         /* 64K pages */
		{ 0, 8, true, 0x200000 },                      /* page size unspecified */
		{ 0x80000, FLAGS_4K_ANYWHERE, true, 0x200000 }, /* pre-5.8 text_offset */
		{ 0, FLAGS_4K_ANYWHERE, false, 0x200000 },      /* no EFI stub */
		{ 0, 2, true, 0x10000 },                       /* bit 3 clear: align still fine */
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		make_header(h, cases[i].text_offset, 8u << 20, cases[i].flags);
		memset(h + 64, 0, 8);
		if (cases[i].efi_stub)
			memcpy(h + 64, "PE\0\0", 4);   /* res5 (64) points at a PE signature */
		assert_int_equal(image_header_validate(h, 4096, &info, "Image"), 0);
		assert_int_equal(image_pe_is_efi_stub(h, sizeof(h)), cases[i].efi_stub);
		assert_int_equal(image_placement_align(&info, cases[i].efi_stub), cases[i].want);
	}
	/* A pre-3.17 header (image_size 0) keeps 2 MiB whatever its flags say. */
	make_header(h, 0, 0, FLAGS_4K_ANYWHERE);
	assert_int_equal(image_header_validate(h, 4096, &info, "Image"), 0);
	assert_int_equal(image_placement_align(&info, true), 0x200000);
}

static void test_unaligned_buffer(void **state)
{
	/* The PE is built -mstrict-align and file buffers may sit at any offset. */
	uint8_t raw[65];
	struct image_info info;

	(void)state;
	make_header(raw + 1, 0x1000, 0x123456789ull & 0x3fffffffull, FLAGS_4K_ANYWHERE);
	assert_int_equal(image_header_validate(raw + 1, 4096, &info, "Image"), 0);
	assert_int_equal(info.text_offset, 0x1000);
	assert_int_equal(info.image_size, 0x123456789ull & 0x3fffffffull);
}

/* Debian's arm64 kernel, when scripts/fetch-deps.sh has put it under build/deps. */
static void test_real_debian_kernel(void **state)
{
	FILE *f = fopen("build/deps/Image", "rb");
	uint8_t h[64];
	struct image_info info;
	long len;

	(void)state;
	if (!f) {
		skip();
		return;
	}
	assert_int_equal(fread(h, 1, 64, f), 64);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	len = ftell(f);
	fclose(f);
	if (h[0] == 0x1f) {
		skip(); /* a gzip vmlinuz: covered by test_gzip */
		return;
	}
	assert_int_equal(kernel_format_detect(h, 64), KERNEL_FMT_IMAGE);
	assert_int_equal(image_header_validate(h, (size_t)len, &info, "vmlinuz"), 0);
	assert_true(info.image_size >= (uint64_t)len);
	assert_true(info.phys_anywhere);
	assert_int_equal(info.page_size_code, IMAGE_PAGE_SIZE_4K);
}

static void test_detect_formats(void **state)
{
	uint8_t buf[64];

	(void)state;
	/* An EFI-capable Image starts with "MZ" and must still be an Image, not zboot. */
	make_header(buf, 0, 1u << 20, FLAGS_4K_ANYWHERE);
	assert_memory_equal(buf, "MZ", 2);
	assert_int_equal(kernel_format_detect(buf, 64), KERNEL_FMT_IMAGE);
	/* Even if bytes 4..7 spell "zimg", the Image magic at 56 wins. */
	memcpy(buf + 4, "zimg", 4);
	assert_int_equal(kernel_format_detect(buf, 64), KERNEL_FMT_IMAGE);
	/* A non-EFI Image (code0 = nop). */
	make_header(buf, 0, 1u << 20, FLAGS_4K_ANYWHERE);
	put_le32(buf, 0xd503201fu);
	assert_int_equal(kernel_format_detect(buf, 64), KERNEL_FMT_IMAGE);
	/* Too short to see the magic at 56. */
	assert_int_equal(kernel_format_detect(buf, 63), KERNEL_FMT_UNKNOWN);

	/* zboot: "MZ", "zimg", and LINUX_PE_MAGIC (not the Image magic) at 56. */
	memset(buf, 0, sizeof(buf));
	memcpy(buf, "MZ", 2);
	memcpy(buf + 4, "zimg", 4);
	put_le32(buf + 56, 0x818223cdu);
	assert_int_equal(kernel_format_detect(buf, 64), KERNEL_FMT_ZBOOT);
	assert_int_equal(kernel_format_detect(buf, 8), KERNEL_FMT_ZBOOT);
	/* A PE that is neither. */
	memcpy(buf + 4, "zimh", 4);
	assert_int_equal(kernel_format_detect(buf, 64), KERNEL_FMT_UNKNOWN);

	memset(buf, 0, sizeof(buf));
	memcpy(buf, "\x1f\x8b\x08\x00", 4);
	assert_int_equal(kernel_format_detect(buf, 64), KERNEL_FMT_GZIP);
	assert_int_equal(kernel_format_detect(buf, 3), KERNEL_FMT_GZIP);
	buf[2] = 0x07; /* not the deflate method */
	assert_int_equal(kernel_format_detect(buf, 64), KERNEL_FMT_UNKNOWN);

	memset(buf, 0, sizeof(buf));
	memcpy(buf, "\x7f" "ELF\x02\x01\x01", 7);
	assert_int_equal(kernel_format_detect(buf, 64), KERNEL_FMT_ELF);

	memset(buf, 0, sizeof(buf));
	assert_int_equal(kernel_format_detect(buf, 64), KERNEL_FMT_UNKNOWN);
	assert_int_equal(kernel_format_detect(buf, 0), KERNEL_FMT_UNKNOWN);
	assert_string_equal(kernel_format_name(KERNEL_FMT_ZBOOT), "EFI zboot image");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_valid_header, log_capture_setup),
		cmocka_unit_test_setup(test_file_equal_to_image_size_ok, log_capture_setup),
		cmocka_unit_test_setup(test_bad_magic, log_capture_setup),
		cmocka_unit_test_setup(test_big_endian_refused, log_capture_setup),
		cmocka_unit_test_setup(test_file_longer_than_image_size, log_capture_setup),
		cmocka_unit_test_setup(test_image_size_absurd, log_capture_setup),
		cmocka_unit_test_setup(test_truncated_header, log_capture_setup),
		cmocka_unit_test_setup(test_text_offset_rules, log_capture_setup),
		cmocka_unit_test_setup(test_legacy_image_size_zero, log_capture_setup),
		cmocka_unit_test_setup(test_reserved_flags_warn, log_capture_setup),
		cmocka_unit_test_setup(test_page_sizes_recorded, log_capture_setup),
		cmocka_unit_test_setup(test_placement_align, log_capture_setup),
		cmocka_unit_test_setup(test_unaligned_buffer, log_capture_setup),
		cmocka_unit_test_setup(test_real_debian_kernel, log_capture_setup),
		cmocka_unit_test_setup(test_detect_formats, log_capture_setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
