/* SPDX-License-Identifier: BSD-2-Clause */
/* formats/pe_sections.c: the section table of a PE file, every field bounded by the bytes
 * given and the file's length; names compared over 8 bytes; a section's file bytes are
 * min(VirtualSize, SizeOfRawData). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/err.h"
#include "formats/pe_sections.h"

#include "assert_kb.h"
#include "log_capture.h"
#include "pe_fixture.h"

static const struct pef_section three[] = {
	PEF_TEXT(".osrel", "ID=debian\n"),
	PEF_TEXT(".cmdline", "console=ttyAMA0"),
	PEF_TEXT(".linux", "kernel bytes"),
};

static void test_sections_by_name(void **state)
{
	size_t len;
	uint8_t *f = pef_build(three, 3, &len);
	struct pe_table t;
	struct pe_section s;
	assert_kb_ok(pe_table_init(&t, f, len, len, "x.efi"));
	assert_int_equal(t.count, 3);
	assert_int_equal(pe_table_find(&t, 0, t.count, ".cmdline"), 1);
	assert_int_equal(pe_table_find(&t, 0, t.count, ".linux"), 2);
	assert_int_equal(pe_table_find(&t, 0, 2, ".linux"), -1);
	assert_int_equal(pe_table_find(&t, 0, t.count, ".initrd"), -1);
	/* A prefix is not the name: ".cmd" is not ".cmdline". */
	assert_int_equal(pe_table_find(&t, 0, t.count, ".cmd"), -1);
	pe_table_get(&t, 1, &s);
	assert_string_equal(s.name, ".cmdline");
	assert_int_equal(s.size, strlen("console=ttyAMA0"));
	assert_memory_equal(f + s.offset, "console=ttyAMA0", s.size);
	free(f);
	(void)state;
}

/* VirtualSize above SizeOfRawData: only the raw bytes are in the file. */
static void test_size_is_bounded_by_raw_data(void **state)
{
	size_t len;
	uint8_t *f = pef_build(three, 3, &len);
	struct pe_table t;
	struct pe_section s;
	pef_le32(f + pef_section_header(0) + 8, 0x10000); /* VirtualSize */
	assert_kb_ok(pe_table_init(&t, f, len, len, "x.efi"));
	pe_table_get(&t, 0, &s);
	assert_int_equal(s.vsize, 0x10000);
	assert_int_equal(s.size, PEF_FILE_ALIGN);
	free(f);
	(void)state;
}

static void test_section_past_end_refused(void **state)
{
	size_t len;
	uint8_t *f = pef_build(three, 3, &len);
	struct pe_table t;
	log_capture_start(LOG_INFO);
	/* The file cut inside .linux's bytes. */
	assert_kb_err(pe_table_init(&t, f, len, len - PEF_FILE_ALIGN + 4, "x.efi"), KB_ERANGE);
	assert_int_equal(captured_errors, 1);
	assert_non_null(strstr(captured_last, "x.efi: PE section 2 '.linux'"));
	/* PointerToRawData near 4 GiB must not wrap. */
	pef_le32(f + pef_section_header(1) + 20, 0xfffffff0u);
	assert_kb_err(pe_table_init(&t, f, len, len, "x.efi"), KB_ERANGE);
	free(f);
	(void)state;
}

static void test_bad_headers_refused(void **state)
{
	size_t len;
	uint8_t *f = pef_build(three, 3, &len);
	struct pe_table t;
	log_capture_start(LOG_INFO);
	assert_kb_err(pe_table_init(&t, f, 0x30, len, "x.efi"), KB_EINVAL);
	/* The section table must be inside the bytes given. */
	assert_kb_err(pe_table_init(&t, f, pef_section_header(3) - 1, len, "x.efi"), KB_ERANGE);
	assert_non_null(strstr(captured_last, "section table beyond"));
	pef_le16(f + PEF_LFANEW + 4, 0x8664); /* x86-64 */
	assert_kb_err(pe_table_init(&t, f, len, len, "x.efi"), KB_EUNSUPP);
	pef_le16(f + PEF_LFANEW + 4, 0xaa64);
	pef_le16(f + PEF_LFANEW + 6, 0);
	assert_kb_err(pe_table_init(&t, f, len, len, "x.efi"), KB_ERANGE);
	pef_le16(f + PEF_LFANEW + 6, 3);
	pef_le32(f + 0x3c, 0xfffffff0u); /* e_lfanew far away */
	assert_kb_err(pe_table_init(&t, f, len, len, "x.efi"), KB_EINVAL);
	f[0] = 'X';
	assert_kb_err(pe_table_init(&t, f, len, len, "x.efi"), KB_EINVAL);
	assert_int_equal(captured_errors, 6);
	free(f);
	(void)state;
}

/* An 8-character name fills the field with no NUL; unprintable bytes are shown as '?'. */
static void test_full_length_and_odd_names(void **state)
{
	static const struct pef_section s8[] = {
		PEF_TEXT(".dtbauto", "a"),
		PEF_TEXT(".x\ny", "b"),
	};
	size_t len;
	uint8_t *f = pef_build(s8, 2, &len);
	struct pe_table t;
	struct pe_section s;
	assert_kb_ok(pe_table_init(&t, f, len, len, "x.efi"));
	assert_true(pe_table_name_is(&t, 0, ".dtbauto"));
	assert_false(pe_table_name_is(&t, 0, ".dtb"));
	pe_table_get(&t, 1, &s);
	assert_string_equal(s.name, ".x?y");
	free(f);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sections_by_name),
		cmocka_unit_test(test_size_is_bounded_by_raw_data),
		cmocka_unit_test(test_section_past_end_refused),
		cmocka_unit_test(test_bad_headers_refused),
		cmocka_unit_test(test_full_length_and_odd_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
