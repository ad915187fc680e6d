/* SPDX-License-Identifier: BSD-2-Clause */
/* loader/cmdline.c: parameter lookup with Linux's word splitting, and the bounded join. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/err.h"
#include "loader/config.h"

static void test_nokaslr_words(void **state)
{
	assert_true(cmdline_has_option("nokaslr", "nokaslr"));
	assert_true(cmdline_has_option("root=/dev/vda nokaslr quiet", "nokaslr"));
	assert_true(cmdline_has_option("quiet nokaslr", "nokaslr"));
	assert_true(cmdline_has_option("  \tnokaslr  ", "nokaslr"));
	assert_true(cmdline_has_option("a\nnokaslr\r", "nokaslr")); /* all isspace() split */
	/* Linux's isspace() also takes 0xa0 (lib/ctype.c), even inside a UTF-8 sequence: U+00A0
	 * (c2 a0) before nokaslr leaves "quiet\xc2" and "nokaslr" to the kernel. Found by
	 * tests/fuzz/fuzz_cmdline.c. */
	assert_true(cmdline_has_option("quiet\xc2\xa0nokaslr", "nokaslr"));
	assert_true(cmdline_has_option("a\tnokaslr\xa0x", "nokaslr"));
	assert_false(cmdline_has_option("nokaslr\xc2", "nokaslr"));
	/* Exact words only (6.1's is_kaslr_disabled_cmdline would take "nokaslrfoo"). */
	assert_false(cmdline_has_option("xnokaslr", "nokaslr"));
	assert_false(cmdline_has_option("nokaslrfoo", "nokaslr"));
	assert_false(cmdline_has_option("quiet", "nokaslr"));
	assert_false(cmdline_has_option("", "nokaslr"));
	assert_false(cmdline_has_option(NULL, "nokaslr"));
	assert_false(cmdline_has_option("nokaslr", ""));
}

static void test_values_and_quotes(void **state)
{
	/* A parameter name matches with any value. */
	assert_true(cmdline_has_option("nokaslr=1", "nokaslr"));
	/* Values are not parameters, quoted blanks do not split. */
	assert_false(cmdline_has_option("foo=nokaslr", "nokaslr"));
	assert_false(cmdline_has_option("foo=\"a nokaslr b\" quiet", "nokaslr"));
	assert_true(cmdline_has_option("foo=\"a nokaslr b\" nokaslr", "nokaslr"));
	assert_false(cmdline_has_option("foo=\"unterminated nokaslr", "nokaslr"));
	/* Surrounding quotes are removed, as next_arg() does. */
	assert_true(cmdline_has_option("\"nokaslr\"", "nokaslr"));
	assert_true(cmdline_has_option("\"console=ttyAMA0\"", "console=ttyAMA0"));
	/* With '=' in opt, the value must match too (quotes removed). */
	assert_true(cmdline_has_option("a console=ttyAMA0 b", "console=ttyAMA0"));
	assert_true(cmdline_has_option("console=\"ttyAMA0\"", "console=ttyAMA0"));
	assert_false(cmdline_has_option("console=ttyS0", "console=ttyAMA0"));
	assert_false(cmdline_has_option("console", "console=ttyAMA0"));
	assert_true(cmdline_has_option("init=/bin/sh x=", "x="));
	assert_false(cmdline_has_option("x=1", "x="));
}

static void test_double_dash_ends_kernel_parameters(void **state)
{
	assert_false(cmdline_has_option("quiet -- nokaslr", "nokaslr"));
	assert_false(cmdline_has_option("-- nokaslr", "nokaslr"));
	assert_true(cmdline_has_option("nokaslr -- single", "nokaslr"));
	assert_true(cmdline_has_option("--x nokaslr", "nokaslr"));
	assert_true(cmdline_has_option("--=1 nokaslr", "nokaslr"));
}

static void test_append(void **state)
{
	char buf[12] = "";
	assert_int_equal(cmdline_append(buf, sizeof(buf), "quiet"), 0);
	assert_string_equal(buf, "quiet");
	assert_int_equal(cmdline_append(buf, sizeof(buf), ""), 0);
	assert_string_equal(buf, "quiet");
	assert_int_equal(cmdline_append(buf, sizeof(buf), "ro"), 0);
	assert_string_equal(buf, "quiet ro");
	/* "quiet ro abcd" needs 14 bytes with the NUL; "quiet ro ab" exactly 12. */
	assert_int_equal(cmdline_append(buf, sizeof(buf), "abcd"), KB_ENOMEM);
	assert_string_equal(buf, "quiet ro"); /* unchanged on failure */
	assert_int_equal(cmdline_append(buf, sizeof(buf), "ab"), 0);
	assert_string_equal(buf, "quiet ro ab");
	assert_int_equal(cmdline_append(buf, sizeof(buf), "x"), KB_ENOMEM);

	char exact[4] = "";
	assert_int_equal(cmdline_append(exact, sizeof(exact), "abc"), 0);
	assert_int_equal(cmdline_append(exact, sizeof(exact), ""), 0);
	/* A buffer without a NUL is refused, not overrun. */
	char full[3] = { 'a', 'b', 'c' };
	assert_int_equal(cmdline_append(full, sizeof(full), ""), KB_ENOMEM);
}

/* systemd's mangle_stub_cmdline for a UKI's .cmdline: control bytes and DEL become
 * spaces, leading and trailing ones go. */
static void test_mangle(void **state)
{
	(void)state;
	char s[] = "\n\t a\tb\x01 c \x7f\r\n";
	uki_cmdline_mangle(s);
	assert_string_equal(s, "a b  c");
	char e[] = " \t";
	uki_cmdline_mangle(e);
	assert_string_equal(e, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mangle),
		cmocka_unit_test(test_nokaslr_words),
		cmocka_unit_test(test_values_and_quotes),
		cmocka_unit_test(test_double_dash_ends_kernel_parameters),
		cmocka_unit_test(test_append),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
