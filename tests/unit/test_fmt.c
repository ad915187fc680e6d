/* SPDX-License-Identifier: BSD-2-Clause */
/* lib/fmt.c against the host C library's vsnprintf: same output, same return value,
 * same truncation, over every conversion/flag/width/precision combination we use. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "lib/fmt.h"
#include "lib/log.h"

#include "log_capture.h"

static void check_one(const char *fmt, ...)
{
	char want[256], got[256];
	va_list a, b;
	va_start(a, fmt);
	va_copy(b, a);
	int wn = vsnprintf(want, sizeof(want), fmt, a);
	int gn = kfmt_vsnprintf(got, sizeof(got), fmt, b);
	va_end(a);
	va_end(b);
	if (wn != gn || strcmp(want, got))
		fail_msg("format \"%s\": libc \"%s\" (%d), kfmt \"%s\" (%d)", fmt, want, wn, got, gn);
}

static const char *const flagsets[] = { "", "-", "0", "+", " ", "#", "-#", "0#", "+0", "- " };
static const char *const widths[] = { "", "1", "5", "20" };
static const char *const precs[] = { "", ".0", ".3", ".12" };

static void test_integers_match_libc(void **state)
{
	static const long long values[] = { 0, 1, -1, 7, 42, -42, 255, 4096, 0x7fffffff,
					    -0x80000000LL, 0x123456789abcdefLL, INT64_MIN, INT64_MAX };
	static const char *const convs[] = { "d", "i", "u", "x", "X", "o" };
	char fmt[32];
	for (size_t f = 0; f < sizeof(flagsets) / sizeof(*flagsets); f++)
		for (size_t w = 0; w < sizeof(widths) / sizeof(*widths); w++)
			for (size_t p = 0; p < sizeof(precs) / sizeof(*precs); p++)
				for (size_t c = 0; c < sizeof(convs) / sizeof(*convs); c++)
					for (size_t v = 0; v < sizeof(values) / sizeof(*values); v++) {
						snprintf(fmt, sizeof(fmt), "[%%%s%s%sll%s]", flagsets[f], widths[w],
							 precs[p], convs[c]);
						check_one(fmt, values[v]);
						snprintf(fmt, sizeof(fmt), "[%%%s%s%s%s]", flagsets[f], widths[w],
							 precs[p], convs[c]);
						check_one(fmt, (int)values[v]);
						snprintf(fmt, sizeof(fmt), "<%%%s%s%sh%s>", flagsets[f], widths[w],
							 precs[p], convs[c]);
						check_one(fmt, (int)values[v]);
						snprintf(fmt, sizeof(fmt), "<%%%s%s%shh%s>", flagsets[f], widths[w],
							 precs[p], convs[c]);
						check_one(fmt, (int)values[v]);
					}
	(void)state;
}

static void test_strings_chars_pointers_match_libc(void **state)
{
	static const char *const strs[] = { "", "a", "kaslboot", "a much longer string here" };
	char fmt[32];
	for (size_t w = 0; w < sizeof(widths) / sizeof(*widths); w++)
		for (size_t p = 0; p < sizeof(precs) / sizeof(*precs); p++)
			for (size_t s = 0; s < sizeof(strs) / sizeof(*strs); s++) {
				snprintf(fmt, sizeof(fmt), "%%%s%ss|", widths[w], precs[p]);
				check_one(fmt, strs[s]);
				snprintf(fmt, sizeof(fmt), "%%-%s%ss|", widths[w], precs[p]);
				check_one(fmt, strs[s]);
			}
	check_one("%c%-3c%3c", 'a', 'b', 'c');
	check_one("%p %p", (void *)0x1234, (void *)&state);
	check_one("%zu %zx %jd %td", (size_t)123456, (size_t)0xabc, (intmax_t)-5, (ptrdiff_t)-9);
	check_one("%*d|%-*d|%.*s|", 6, 42, 6, 42, 3, "abcdef");
	check_one("100%% %lu %lx", 18446744073709551615UL, 0xdeadbeefUL);
}

static void test_truncation_and_return_value(void **state)
{
	char buf[8];
	memset(buf, 'Z', sizeof(buf));
	assert_int_equal(kfmt_snprintf(buf, 5, "%s", "abcdefgh"), 8);
	assert_string_equal(buf, "abcd");
	assert_int_equal(buf[5], 'Z'); /* nothing written past size */
	assert_int_equal(kfmt_snprintf(NULL, 0, "%d", 12345), 5);
	assert_int_equal(kfmt_snprintf(buf, 1, "xyz"), 3);
	assert_string_equal(buf, "");
	(void)state;
}

/* kfmt_append: pieces add up, and what does not fit is cut without passing the end. */
static void test_append(void **state)
{
	char buf[16];
	size_t n = 0;
	(void)state;
	memset(buf, 'x', sizeof(buf));
	kfmt_append(buf, sizeof(buf), &n, "%s=%d", "a", 1);
	kfmt_append(buf, sizeof(buf), &n, ", %s", "bcd");
	assert_string_equal(buf, "a=1, bcd");
	assert_int_equal(n, 8);
	kfmt_append(buf, sizeof(buf), &n, " and much more %u", 12345u);
	assert_int_equal(n, sizeof(buf) - 1);
	assert_string_equal(buf, "a=1, bcd and mu");
	kfmt_append(buf, sizeof(buf), &n, "more");   /* full: nothing changes */
	assert_int_equal(n, sizeof(buf) - 1);
	assert_string_equal(buf, "a=1, bcd and mu");
}

static void test_log_levels_and_prefixes(void **state)
{
	log_capture_start(LOG_INFO);
	log_error("bad %s at line %d", "thing", 3);
	log_warn("careful");
	log_info("hello");
	log_debug("hidden");
	assert_string_equal(captured_log, "kaslboot: error: bad thing at line 3\r\n"
					  "kaslboot: warning: careful\r\n"
					  "kaslboot: hello\r\n");
	/* An over-long line is cut, and still ends the line. */
	char big[1000];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	log_capture_clear();
	log_info("%s", big);
	assert_true(captured_len < 512);
	assert_memory_equal(captured_log + captured_len - 2, "\r\n", 2);
	/* Data with control characters (firmware load options, say) cannot break the line or
	 * forge another one: they print as '?'. Found by tests/fuzz/fuzz_cmdline.c. */
	log_capture_clear();
	log_warn("ignoring '%s'", "x\r\nkaslboot: error: forged\x1b[2J\x7f\t");
	assert_string_equal(captured_log,
			    "kaslboot: warning: ignoring 'x?" "?kaslboot: error: forged?[2J?" "?'\r\n");
	assert_int_equal(captured_lines, 1);
	log_capture_stop();
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_integers_match_libc),
		cmocka_unit_test(test_strings_chars_pointers_match_libc),
		cmocka_unit_test(test_truncation_and_return_value),
		cmocka_unit_test(test_append),
		cmocka_unit_test(test_log_levels_and_prefixes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
