/* SPDX-License-Identifier: BSD-2-Clause */
/* formats/image_pe.c: a PE section table that reaches past the end of the file is a
 * truncated kernel; a file without a PE header is not judged. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "lib/err.h"
#include "formats/image.h"
#include "formats/image_pe.h"

#include "image_fixture.h"

static uint8_t head[IMAGE_PE_PROBE_LEN];

/* An Image header whose res5 points at a PE header with two sections ending at 0x50000. */
static void make_head(void)
{
	memset(head, 0, sizeof(head));
	head[0] = 'M';
	head[1] = 'Z';
	put_le32(head + IMAGE_OFF_MAGIC, IMAGE_MAGIC);
	put_le32(head + IMAGE_OFF_PE_HEADER, 0x40);
	memcpy(head + 0x40, "PE\0\0", 4);
	put_le16(head + 0x40 + 6, 2);      /* NumberOfSections */
	put_le16(head + 0x40 + 20, 0xf0);  /* SizeOfOptionalHeader */
	uint8_t *sec = head + 0x40 + 24 + 0xf0;
	put_le32(sec + 16, 0x30000);       /* .text SizeOfRawData */
	put_le32(sec + 20, 0x10000);       /* .text PointerToRawData */
	put_le32(sec + 40 + 16, 0x10000);  /* .data */
	put_le32(sec + 40 + 20, 0x40000);
}

static void test_complete_file_passes(void **state)
{
	make_head();
	assert_int_equal(image_pe_check_length(head, sizeof(head), 0x50000, "k"), 0);
	assert_int_equal(image_pe_check_length(head, sizeof(head), 0x60000, "k"), 0);
	(void)state;
}

static void test_truncated_file_fails(void **state)
{
	make_head();
	assert_int_equal(image_pe_check_length(head, sizeof(head), 0x4ffff, "k"), KB_ECORRUPT);
	assert_int_equal(image_pe_check_length(head, sizeof(head), 0x1000, "k"), KB_ECORRUPT);
	(void)state;
}

static void test_no_pe_header_is_not_judged(void **state)
{
	make_head();
	put_le32(head + IMAGE_OFF_PE_HEADER, 0);
	assert_int_equal(image_pe_check_length(head, sizeof(head), 64, "k"), 0);
	make_head();
	memcpy(head + 0x40, "XX\0\0", 4);
	assert_int_equal(image_pe_check_length(head, sizeof(head), 64, "k"), 0);
	make_head();
	put_le32(head + IMAGE_OFF_PE_HEADER, 0xffffff00); /* points outside the probe */
	assert_int_equal(image_pe_check_length(head, sizeof(head), 64, "k"), 0);
	(void)state;
}

static void test_section_table_outside_probe_is_not_judged(void **state)
{
	make_head();
	put_le16(head + 0x40 + 6, 200); /* 200 sections do not fit in the first page */
	assert_int_equal(image_pe_check_length(head, sizeof(head), 64, "k"), 0);
	(void)state;
}

/* image_pe_file: what the firmware would take for a PE ("MZ", e_lfanew -> "PE\0\0"), and
 * the optional header's ImageBase, PE32+ or PE32. */
static void test_pe_file_and_link_base(void **state)
{
	uint64_t base = 1;
	make_head();
	put_le16(head + 0x40 + 24, 0x20b);                 /* PE32+ */
	put_le64(head + 0x40 + 24 + 24, 0xffff800010000000ull);
	assert_true(image_pe_file(head, sizeof(head), &base));
	assert_int_equal(base, 0xffff800010000000ull);
	put_le16(head + 0x40 + 24, 0x10b);                 /* PE32: a u32 at 28 */
	put_le32(head + 0x40 + 24 + 28, 0x400000);
	assert_true(image_pe_file(head, sizeof(head), &base));
	assert_int_equal(base, 0x400000);
	put_le16(head + 0x40 + 20, 0);                     /* no optional header */
	assert_true(image_pe_file(head, sizeof(head), &base));
	assert_int_equal(base, 0);
	make_head();
	put_le16(head + 0x40 + 24, 0x20b);
	assert_false(image_pe_file(head, 0x40 + 23, &base));  /* the COFF header cut off */
	assert_true(image_pe_file(head, 0x40 + 24, &base));   /* the optional header cut off */
	assert_int_equal(base, 0);
	head[0] = 'X';                                     /* no "MZ" */
	assert_false(image_pe_file(head, sizeof(head), &base));
	make_head();
	put_le32(head + 0x3c, 0xfffffff0);                 /* e_lfanew outside */
	assert_false(image_pe_file(head, sizeof(head), &base));
	make_head();
	memcpy(head + 0x40, "PX\0\0", 4);
	assert_false(image_pe_file(head, sizeof(head), &base));
	assert_false(image_pe_file(head, 10, &base));
	(void)state;
}

/* The real Debian kernel (fetched by make setup): complete as shipped; cut short by the
 * size of its signature plus a page (the Authenticode data after the sections is not
 * described by the section table), or to half, it fails. */
static void test_debian_kernel(void **state)
{
	FILE *f = fopen("build/deps/Image", "rb");
	if (!f) {
		fail_msg("build/deps/Image missing: run make setup");
		return;
	}
	size_t n = fread(head, 1, sizeof(head), f);
	fseek(f, 0, SEEK_END);
	long len = ftell(f);
	fclose(f);
	assert_int_equal(image_pe_check_length(head, n, (uint64_t)len, "Image"), 0);
	assert_int_equal(image_pe_check_length(head, n, (uint64_t)len - 8192, "Image"), KB_ECORRUPT);
	assert_int_equal(image_pe_check_length(head, n, (uint64_t)len / 2, "Image"), KB_ECORRUPT);
	uint64_t base = 1;
	assert_true(image_pe_file(head, n, &base));   /* an EFI-stub Image is a PE */
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_complete_file_passes),
		cmocka_unit_test(test_truncated_file_fails),
		cmocka_unit_test(test_no_pe_header_is_not_judged),
		cmocka_unit_test(test_section_table_outside_probe_is_not_judged),
		cmocka_unit_test(test_pe_file_and_link_base),
		cmocka_unit_test(test_debian_kernel),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
