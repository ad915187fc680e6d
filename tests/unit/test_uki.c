/* SPDX-License-Identifier: BSD-2-Clause */
/* formats/uki.c: systemd 257's profile layout (base before the first .profile, profile N
 * from the N-th .profile to the next, its sections over the base's), the sections a profile
 * boots with in file order, and os-release parsing and field choice as systemd-boot 257
 * does them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/err.h"
#include "formats/uki.h"

#include "assert_kb.h"
#include "log_capture.h"
#include "pe_fixture.h"

/* A two-profile UKI as `ukify build --profile ... --join-profile ...` lays one out. */
static const struct pef_section two_profiles[] = {
	PEF_TEXT(".osrel", "ID=debian\n"),               /* 0: base */
	PEF_TEXT(".cmdline", "base"),                    /* 1 */
	PEF_TEXT(".dtbauto", "A"),                       /* 2 */
	PEF_TEXT(".linux", "K"),                         /* 3 */
	PEF_TEXT(".initrd", "I"),                        /* 4 */
	PEF_TEXT(".profile", "ID=default\n"),            /* 5: profile 0 */
	PEF_TEXT(".profile", "ID=rescue\nTITLE=Rescue"), /* 6: profile 1 */
	PEF_TEXT(".cmdline", "rescue"),                  /* 7 */
	PEF_TEXT(".dtbauto", "B"),                       /* 8 */
	PEF_TEXT(".cmdline", "ignored"), /* 9: a second one in the range: first wins */
};

static uint8_t *file;
static struct pe_table table;

static void load(const struct pef_section *s, unsigned n)
{
	size_t len;
	free(file);
	file = pef_build(s, n, &len);
	assert_kb_ok(pe_table_init(&table, file, len, len, "u.efi"));
}

static void test_profiles_override_base(void **state)
{
	struct uki_profile_view v;
	load(two_profiles, 10);
	assert_int_equal(uki_profile_count(&table), 2);

	assert_kb_ok(uki_profile_select(&table, 0, &v));
	assert_int_equal(v.index[UKI_CMDLINE], 1);
	assert_int_equal(v.index[UKI_PROFILE], 5);
	assert_int_equal(v.index[UKI_LINUX], 3);
	assert_int_equal(v.n_dtbauto, 1);
	assert_int_equal(v.dtbauto[0], 2);

	assert_kb_ok(uki_profile_select(&table, 1, &v));
	assert_int_equal(v.index[UKI_CMDLINE], 7);
	assert_int_equal(v.index[UKI_PROFILE], 6);
	assert_int_equal(v.index[UKI_OSREL], 0);
	assert_int_equal(v.index[UKI_INITRD], 4);
	assert_int_equal(v.index[UKI_UCODE], UKI_NO_SECTION);
	/* The profile's .dtbauto candidates are tried before the base's. */
	assert_int_equal(v.n_dtbauto, 2);
	assert_int_equal(v.dtbauto[0], 8);
	assert_int_equal(v.dtbauto[1], 2);

	assert_int_equal(uki_profile_select(&table, 2, &v), KB_ENOENT);
	(void)state;
}

/* Without .profile sections there is one profile, the base. */
static void test_no_profile_is_profile_zero(void **state)
{
	struct uki_profile_view v;
	load(two_profiles, 5);
	assert_int_equal(uki_profile_count(&table), 0);
	assert_kb_ok(uki_profile_select(&table, 0, &v));
	assert_int_equal(v.index[UKI_CMDLINE], 1);
	assert_int_equal(v.index[UKI_PROFILE], UKI_NO_SECTION);
	assert_int_equal(uki_profile_select(&table, 1, &v), KB_ENOENT);
	(void)state;
}

/* The hook for measurements and packing: the profile's sections in file order. */
static void test_sections_in_file_order(void **state)
{
	struct uki_profile_view v;
	struct uki_section_ref out[UKI_SECTION_COUNT];
	load(two_profiles, 10);
	assert_kb_ok(uki_profile_select(&table, 1, &v));
	unsigned n = uki_profile_sections(&v, 8, out);
	static const unsigned want[] = { 0, 3, 4, 6, 7, 8 };
	static const enum uki_section_kind kinds[] = { UKI_OSREL,   UKI_LINUX,   UKI_INITRD,
						       UKI_PROFILE, UKI_CMDLINE, UKI_DTBAUTO };
	assert_int_equal(n, 6);
	for (unsigned i = 0; i < n; i++) {
		assert_int_equal(out[i].index, want[i]);
		assert_int_equal(out[i].kind, kinds[i]);
	}
	/* No .dtbauto matched: none listed. */
	assert_int_equal(uki_profile_sections(&v, UKI_NO_SECTION, out), 5);
	(void)state;
}

static void test_osrel_syntax(void **state)
{
	static const char text[] = "# comment\n"
				   "  NAME=\"Debian GNU/Linux\"  \r\n"
				   "\n"
				   "ID=debian\r"
				   "VERSION_ID==13\n"
				   "PRETTY_NAME=\"\n"
				   "BUILD_ID='x'\n"
				   "no equals sign\n"
				   "IMAGE_ID =spaced\n";
	struct uki_osrel o;
	assert_kb_ok(uki_osrel_parse(text, sizeof(text) - 1, &o, "u.efi"));
	assert_string_equal(o.value[OSREL_NAME], "Debian GNU/Linux");
	assert_string_equal(o.value[OSREL_ID], "debian");
	assert_string_equal(o.value[OSREL_VERSION_ID], "13"); /* further '=' skipped */
	assert_true(o.has[OSREL_PRETTY_NAME]);                /* a lone quote: empty */
	assert_string_equal(o.value[OSREL_PRETTY_NAME], "");
	assert_string_equal(o.value[OSREL_BUILD_ID], "'x'"); /* only double quotes */
	assert_false(o.has[OSREL_IMAGE_ID]);                 /* the key is "IMAGE_ID " */
	(void)state;
}

/* The text ends at a NUL, the last line of a key wins. */
static void test_osrel_nul_and_repeat(void **state)
{
	static const char text[] = "ID=a\nID=b\n\0ID=c\n";
	struct uki_osrel o;
	assert_kb_ok(uki_osrel_parse(text, sizeof(text) - 1, &o, "u.efi"));
	assert_string_equal(o.value[OSREL_ID], "b");
	(void)state;
}

static void test_osrel_pick(void **state)
{
	struct uki_osrel o;
	const char *t, *v, *k;
	static const char full[] = "PRETTY_NAME=\"Debian GNU/Linux 13 (trixie)\"\nNAME=Debian\n"
				   "ID=debian\nVERSION_ID=13\nVERSION=\"13 (trixie)\"\n"
				   "IMAGE_ID=img\nIMAGE_VERSION=7\n";
	assert_kb_ok(uki_osrel_parse(full, sizeof(full) - 1, &o, "u.efi"));
	assert_true(uki_osrel_pick(&o, &t, &v, &k));
	assert_string_equal(t, "Debian GNU/Linux 13 (trixie)");
	assert_string_equal(v, "7");
	assert_string_equal(k, "img");
	static const char id_only[] = "ID=debian\nVERSION_ID=13\n";
	assert_kb_ok(uki_osrel_parse(id_only, sizeof(id_only) - 1, &o, "u.efi"));
	assert_true(uki_osrel_pick(&o, &t, &v, &k));
	assert_string_equal(t, "debian");
	assert_string_equal(v, "13");
	assert_string_equal(k, "debian");
	static const char none[] = "VERSION=1\nHOME_URL=x\n";
	assert_kb_ok(uki_osrel_parse(none, sizeof(none) - 1, &o, "u.efi"));
	assert_false(uki_osrel_pick(&o, &t, &v, &k));
	(void)state;
}

static void test_value_too_long(void **state)
{
	char text[UKI_VALUE_MAX + 16];
	struct uki_osrel o;
	memcpy(text, "ID=", 3);
	memset(text + 3, 'a', UKI_VALUE_MAX);
	log_capture_start(LOG_INFO);
	assert_kb_err(uki_osrel_parse(text, 3 + UKI_VALUE_MAX, &o, "u.efi"), KB_ERANGE);
	assert_int_equal(captured_errors, 1);
	assert_non_null(strstr(captured_last, "u.efi: ID= is longer than"));
	/* One byte less fits. */
	assert_kb_ok(uki_osrel_parse(text, 2 + UKI_VALUE_MAX, &o, "u.efi"));
	(void)state;
}

static void test_profile_info(void **state)
{
	static const char text[] = "ID=rescue\nTITLE=\"Rescue shell\"\nOTHER=x\n";
	struct uki_profile_info p;
	assert_kb_ok(uki_profile_info_parse(text, sizeof(text) - 1, &p, "u.efi"));
	assert_string_equal(p.id, "rescue");
	assert_string_equal(p.title, "Rescue shell");
	assert_kb_ok(uki_profile_info_parse("", 0, &p, "u.efi"));
	assert_string_equal(p.id, "");
	(void)state;
}

static int teardown(void **state)
{
	free(file);
	file = NULL;
	(void)state;
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_profiles_override_base),
		cmocka_unit_test(test_no_profile_is_profile_zero),
		cmocka_unit_test(test_sections_in_file_order),
		cmocka_unit_test(test_osrel_syntax),
		cmocka_unit_test(test_osrel_nul_and_repeat),
		cmocka_unit_test(test_osrel_pick),
		cmocka_unit_test(test_value_too_long),
		cmocka_unit_test(test_profile_info),
	};
	return cmocka_run_group_tests(tests, NULL, teardown);
}
