/* SPDX-License-Identifier: BSD-2-Clause */
/* loader/loader_conf.c: every key and value of loader.conf, and its errors by exact text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "lib/err.h"
#include "loader/config.h"
#include "log_capture.h"

static struct kb_loader_conf c;

static int parse(const char *text) { return loader_conf_parse(text, strlen(text), &c); }

static void test_defaults(void **state)
{
	assert_int_equal(parse(""), 0);
	assert_string_equal(c.default_pattern, "");
	assert_int_equal(c.menu, KB_MENU_TIMEOUT);
	assert_int_equal(c.timeout_sec, 0);
	assert_int_equal(c.kaslr, KB_KASLR_ON);
	assert_false(c.kaslr_seed_fixed);
	assert_false(c.log_level_set);
	assert_string_equal(c.selftest, "");
	/* NULL text (no file) is the same as an empty one. */
	assert_int_equal(loader_conf_parse(NULL, 0, &c), 0);
}

static void test_every_key(void **state)
{
	assert_int_equal(parse("# kaslboot\r\n"
			       "default  fedora-*\r\n"
			       "timeout 5\r\n"
			       "kaslr require\r\n"
			       "kaslr-seed 0x0123456789ABCDEF\r\n"
			       "log debug\r\n"
			       "selftest mm\r\n"), 0);
	assert_string_equal(c.default_pattern, "fedora-*");
	assert_int_equal(c.menu, KB_MENU_TIMEOUT);
	assert_int_equal(c.timeout_sec, 5);
	assert_int_equal(c.kaslr, KB_KASLR_REQUIRE);
	assert_true(c.kaslr_seed_fixed);
	assert_true(c.kaslr_seed == 0x0123456789abcdefULL);
	assert_true(c.log_level_set);
	assert_int_equal(c.log_level, LOG_DEBUG);
	assert_string_equal(c.selftest, "mm");
	assert_int_equal(captured_len, 0);
}

static void test_timeout_words(void **state)
{
	assert_int_equal(parse("timeout menu-force\n"), 0);
	assert_int_equal(c.menu, KB_MENU_FORCE);
	assert_int_equal(parse("timeout 3\ntimeout menu-hidden\n"), 0);
	assert_int_equal(c.menu, KB_MENU_HIDDEN);
	assert_int_equal(c.timeout_sec, 0);
	assert_int_equal(parse("timeout menu-disabled\n"), 0);
	assert_int_equal(c.menu, KB_MENU_DISABLED);
	assert_int_equal(parse("timeout 4294967295\n"), 0);
	assert_int_equal(c.timeout_sec, 4294967295u);
	assert_int_equal(parse("timeout 0\n"), 0);
	assert_int_equal(c.timeout_sec, 0);

	assert_int_equal(parse("\ntimeout 4294967296\n"), KB_EINVAL);
	assert_logged("error: loader/loader.conf:2: timeout '4294967296': expected seconds, "
		      "menu-force, menu-hidden or menu-disabled");
	assert_int_equal(parse("timeout -1\n"), KB_EINVAL);
	assert_int_equal(parse("timeout 5s\n"), KB_EINVAL);
	assert_int_equal(parse("timeout menu\n"), KB_EINVAL);
}

static void test_kaslr_values(void **state)
{
	assert_int_equal(parse("kaslr off\n"), 0);
	assert_int_equal(c.kaslr, KB_KASLR_OFF);
	assert_int_equal(parse("kaslr on\n"), 0);
	assert_int_equal(c.kaslr, KB_KASLR_ON);
	assert_int_equal(parse("timeout 1\nkaslr yes\n"), KB_EINVAL);
	assert_logged("error: loader/loader.conf:2: kaslr 'yes': expected on, off or require");
	assert_int_equal(parse("kaslr ON\n"), KB_EINVAL);
}

static void test_kaslr_seed_values(void **state)
{
	assert_int_equal(parse("kaslr-seed 12345\n"), 0);
	assert_true(c.kaslr_seed == 12345);
	assert_int_equal(parse("kaslr-seed 18446744073709551615\n"), 0);
	assert_true(c.kaslr_seed == UINT64_MAX);
	assert_int_equal(parse("kaslr-seed 0xffffffffffffffff\n"), 0);
	assert_true(c.kaslr_seed == UINT64_MAX);
	assert_int_equal(parse("kaslr-seed 0X1\n"), 0);
	assert_true(c.kaslr_seed == 1);

	static const char *const bad[] = {
		"0", "0x0", "0x", "18446744073709551616", "0x10000000000000000", "-1", "12ab",
		"0x12g", "1 2",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char text[64], want[160];
		log_capture_clear();
		snprintf(text, sizeof(text), "kaslr-seed %s\n", bad[i]);
		if (parse(text) != KB_EINVAL)
			fail_msg("kaslr-seed '%s' accepted", bad[i]);
		snprintf(want, sizeof(want), "error: loader/loader.conf:1: kaslr-seed '%s': "
			 "expected a nonzero 64-bit number (decimal or 0x hex)", bad[i]);
		assert_logged(want);
	}
}

static void test_log_values(void **state)
{
	assert_int_equal(parse("log quiet\n"), 0);
	assert_int_equal(c.log_level, LOG_WARN);
	assert_int_equal(parse("log info\n"), 0);
	assert_int_equal(c.log_level, LOG_INFO);
	assert_int_equal(parse("log verbose\n"), KB_EINVAL);
	assert_logged("error: loader/loader.conf:1: log 'verbose': expected quiet, info or debug");
}

static void test_selftest(void **state)
{
	assert_int_equal(parse("selftest mm\n"), 0);
	assert_string_equal(c.selftest, "mm");
	assert_int_equal(parse("selftest mm dtb\n"), KB_EINVAL);
	assert_logged("error: loader/loader.conf:1: selftest 'mm dtb': expected one word");
	assert_int_equal(parse("selftest aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n"), KB_ERANGE);
	assert_logged("error: loader/loader.conf:1: value of 'selftest' is too long (36 bytes, at most 31)");
}

static void test_systemd_boot_keys_warn(void **state)
{
	assert_int_equal(parse("default a\neditor no\nconsole-mode max\n"), 0);
	assert_false(c.editor);   /* systemd-boot's editor key is honoured */
	assert_true(c.editor_set);
	assert_logged("warning: loader/loader.conf:3: systemd-boot's 'console-mode' does not apply to kaslboot: ignored");
	assert_string_equal(c.default_pattern, "a");
	assert_int_equal(parse("frobnicate 1\n"), 0);
	assert_logged("warning: loader/loader.conf:1: unknown key 'frobnicate' ignored");
	assert_int_equal(parse("editor maybe\n"), KB_EINVAL);
	assert_logged("error: loader/loader.conf:1: editor 'maybe': expected yes or no");
	assert_int_equal(parse("timeout 3\n"), 0);
	assert_true(c.editor);
	assert_false(c.editor_set);
	assert_false(c.random_seed_off);
	assert_int_equal(parse("random-seed-mode off\n"), 0);
	assert_true(c.random_seed_off);
	assert_int_equal(parse("random-seed-mode with-system-token\n"), 0);
	assert_false(c.random_seed_off);
	assert_int_equal(parse("random-seed-mode no\n"), 0);
	assert_true(c.random_seed_off);
	assert_int_equal(parse("random-seed-mode sometimes\n"), KB_EINVAL);
}

static void test_syntax_errors_name_the_line(void **state)
{
	assert_int_equal(parse("timeout 1\n\n# x\ndefault\n"), KB_EINVAL);
	assert_logged("error: loader/loader.conf:4: 'default' has no value");
	log_capture_clear();
	assert_int_equal(parse("timeout 1\ndefault \xff\n"), KB_EINVAL);
	assert_logged("error: loader/loader.conf:2: invalid UTF-8 at column 9");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_defaults, log_capture_setup),
		cmocka_unit_test_setup(test_every_key, log_capture_setup),
		cmocka_unit_test_setup(test_timeout_words, log_capture_setup),
		cmocka_unit_test_setup(test_kaslr_values, log_capture_setup),
		cmocka_unit_test_setup(test_kaslr_seed_values, log_capture_setup),
		cmocka_unit_test_setup(test_log_values, log_capture_setup),
		cmocka_unit_test_setup(test_selftest, log_capture_setup),
		cmocka_unit_test_setup(test_systemd_boot_keys_warn, log_capture_setup),
		cmocka_unit_test_setup(test_syntax_errors_name_the_line, log_capture_setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
