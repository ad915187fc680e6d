/* SPDX-License-Identifier: BSD-2-Clause */
/* loader/version_sort.c version_compare: the UAPI version format comparison. Checked against
 * the examples of specs/version_format_specification.md, systemd's test vectors for
 * strverscmp_improved (src/test/test-string-util.c, including the rpmvercmp cases it
 * carries), and, when the host has it, systemd-analyze compare-versions on random strings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "loader/config.h"

static int sgn(int v) { return (v > 0) - (v < 0); }

/* Checks a OP b and the mirrored b OP' a. */
static void expect(const char *a, const char *b, int want)
{
	int got = sgn(version_compare(a, b));
	int back = sgn(version_compare(b, a));
	if (got != want || back != -want)
		fail_msg("version_compare(\"%s\", \"%s\") = %d (reverse %d), want %d", a, b, got,
			 back, want);
}

static void test_spec_examples(void **state)
{
	expect("11", "11", 0);
	expect("systemd-123", "systemd-123", 0);
	expect("bar-123", "foo-123", -1);
	expect("123a", "123", 1);
	expect("123.a", "123", 1);
	expect("123.a", "123.b", -1);
	expect("123a", "123.a", 1);
	expect("11\xce\xb1", "11\xce\xb2", 0); /* 11α == 11β */
	expect("A", "a", -1);
	expect("", "0", -1);
	expect("0.", "0", 1);
	expect("0.0", "0", 1);
	/* The spec lists 0 < ~ and '' < ~, but its own rule 3 ("the string with ~ compares
	 * lower") and systemd give the opposite; see version_sort.c. */
	expect("0", "~", 1);
	expect("", "~", 1);
	expect("1_", "1", 0);
	expect("_1", "1", 0);
	expect("1_", "1.2", -1);
	expect("1_2_3", "1.3.3", 1);
	expect("1+", "1", 0);
	expect("+1", "1", 0);
	expect("1+", "1.2", -1);
	expect("1+2+3", "1.3.3", 1);
}

static void test_systemd_ordered_list(void **state)
{
	/* Each is newer than all before it. */
	static const char *const v[] = {
		"~1", "", "ab", "abb", "abc", "0001", "002", "12", "122", "122.9", "123~rc1",
		"123", "123-a", "123-a.1", "123-a1", "123-a1.1", "123-3", "123-3.1", "123^patch1",
		"123^1", "123.a-1", "123.1-1", "123a-1", "124",
	};
	size_t n = sizeof(v) / sizeof(v[0]);
	for (size_t i = 0; i < n; i++) {
		expect(v[i], v[i], 0);
		for (size_t j = i + 1; j < n; j++)
			expect(v[i], v[j], -1);
	}
}

static void test_systemd_pairs(void **state)
{
	static const char *const older_newer[][2] = {
		{ "123.45-67.88", "123.45-67.89" }, { "123.45-67.89", "123.45-67.89a" },
		{ "123.45-67.ab", "123.45-67.89" }, { "123.45-67.9", "123.45-67.89" },
		{ "123.45-67", "123.45-67.89" }, { "123.45-66.89", "123.45-67.89" },
		{ "123.45-9.99", "123.45-67.89" }, { "123.42-99.99", "123.45-67.89" },
		{ "123-99.99", "123.45-67.89" }, { "123~rc1-99.99", "123.45-67.89" },
		{ "123~rc1-99.99", "123-45.67.89" }, { "123~rc1-99.99", "123~rc2-67.89" },
		{ "123~rc1-99.99", "123^aa2-67.89" }, { "123~rc1-99.99", "123aa2-67.89" },
		{ "123-99.99", "123^aa2-67.89" }, { "123-99.99", "123aa2-67.89" },
		{ "123^45-67.89", "123.45-67.89" }, { "123^aa1-99.99", "123^aa2-67.89" },
		{ "123^aa2-67.89", "123aa2-67.89" }, { "123.aa2-67.89", "123aa2-67.89" },
		{ "123.aa2-67.89", "123.ab2-67.89" },
	};
	for (size_t i = 0; i < sizeof(older_newer) / sizeof(older_newer[0]); i++)
		expect(older_newer[i][0], older_newer[i][1], -1);

	expect("123_aa2-67.89", "123aa+2-67.89", 0);
	expect("123.", "123", 1);
	expect("12_3", "123", -1);
	expect("12_3", "12", 1);
	expect("12_3", "12.3", 1);
	expect("123.0", "123", 1);
	expect("123_0", "123", 1);
	expect("123..0", "123.0", -1);
	expect("0_", "0", 0);
	expect("_0_", "0", 0);
	expect("0", "0___", 0);
	expect("", "_", 0);
	expect("~", "~", 0);
	assert_int_equal(version_compare(NULL, ""), 0);
	assert_int_equal(version_compare("", NULL), 0);
	/* Numbers longer than any integer type compare by value, without overflow. */
	expect("1.000000000000000000000000000000000000002", "1.2", 0);
	expect("99999999999999999999999999999999999999999", "99999999999999999999999999999999999999998", 1);
}

static void test_rpm_vectors(void **state)
{
	static const struct { const char *a, *b; int r; } t[] = {
		{ "1.0", "1.0", 0 }, { "1.0", "2.0", -1 }, { "2.0.1", "2.0.1", 0 },
		{ "2.0", "2.0.1", -1 }, { "2.0.1a", "2.0.1a", 0 }, { "2.0.1a", "2.0.1", 1 },
		{ "5.5p1", "5.5p1", 0 }, { "5.5p1", "5.5p2", -1 }, { "5.5p10", "5.5p10", 0 },
		{ "5.5p1", "5.5p10", -1 }, { "10xyz", "10.1xyz", 1 }, { "xyz10", "xyz10", 0 },
		{ "xyz10", "xyz10.1", -1 }, { "xyz.4", "xyz.4", 0 }, { "xyz.4", "8", -1 },
		{ "xyz.4", "2", -1 }, { "5.5p2", "5.6p1", -1 }, { "5.6p1", "6.5p1", -1 },
		{ "6.0.rc1", "6.0", 1 }, { "10b2", "10a1", 1 }, { "10a2", "10b2", -1 },
		{ "1.0aa", "1.0aa", 0 }, { "1.0a", "1.0aa", -1 }, { "10.0001", "10.0001", 0 },
		{ "10.0001", "10.1", 0 }, { "10.0001", "10.0039", -1 }, { "4.999.9", "5.0", -1 },
		{ "20101121", "20101122", -1 }, { "2_0", "2_0", 0 }, { "2.0", "2_0", -1 },
		{ "a", "a", 0 }, { "a+", "a_", 0 }, { "+a", "_a", 0 }, { "_+", "+_", 0 },
		{ "+", "_", 0 }, { "1.0~rc1", "1.0~rc1", 0 }, { "1.0~rc1", "1.0", -1 },
		{ "1.0~rc1", "1.0~rc2", -1 }, { "1.0~rc1~git123", "1.0~rc1", -1 },
		{ "1.0^", "1.0^", 0 }, { "1.0^", "1.0", 1 }, { "1.0^git1", "1.0", 1 },
		{ "1.0^git1", "1.0^git2", -1 }, { "1.0^git1", "1.01", -1 },
		{ "1.0^20160101", "1.0.1", -1 }, { "1.0^20160102", "1.0^20160101^git1", 1 },
		{ "1.0~rc1^git1", "1.0~rc1", 1 }, { "1.0^git1", "1.0^git1~pre", 1 },
		{ "1b.fc17", "1.fc17", 1 }, { "1g.fc17", "1.fc17", 1 },
		{ "1.1.\xce\xb1", "1.1.\xce\xb2", 0 }, { "1.1.\xce\xb1\xce\xb1", "1.1.\xce\xb1", 0 },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		expect(t[i].a, t[i].b, t[i].r);
}

/* ---- against systemd-analyze ----------------------------------------------------------- */

#define SYSTEMD_ANALYZE "/usr/bin/systemd-analyze"
#define RANDOM_PAIRS 150

static uint32_t rng_state = 0x5eed1234u;
static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

static void random_version(char *buf, size_t max)
{
	/* Every character class the algorithm treats specially, plus separators. */
	static const char alphabet[] = "0012789aAbzZ..--~~^^_+";
	size_t n = rng() % max;
	for (size_t i = 0; i < n; i++)
		buf[i] = alphabet[rng() % (sizeof(alphabet) - 1)];
	buf[n] = '\0';
}

/* systemd-analyze prints "A < B", "A == B" or "A > B" (quoting empty/odd strings). */
static int systemd_compare(const char *a, const char *b)
{
	char cmd[256], out[256];
	snprintf(cmd, sizeof(cmd), SYSTEMD_ANALYZE " compare-versions -- '%s' '%s' 2>&1", a, b);
	FILE *f = popen(cmd, "r");
	assert_non_null(f);
	size_t n = fread(out, 1, sizeof(out) - 1, f);
	out[n] = '\0';
	pclose(f);
	if (strstr(out, " < "))
		return -1;
	if (strstr(out, " == "))
		return 0;
	if (strstr(out, " > "))
		return 1;
	fail_msg("unexpected systemd-analyze output for '%s' '%s': %s", a, b, out);
	return 2;
}

static void test_against_systemd_analyze(void **state)
{
	char a[16], b[16];
	if (access(SYSTEMD_ANALYZE, X_OK) != 0) {
		skip();
		return;
	}
	for (int i = 0; i < RANDOM_PAIRS; i++) {
		random_version(a, 10);
		/* Half the pairs share a prefix, so comparisons get past the first part. */
		if (i & 1) {
			strcpy(b, a);
			random_version(b + strlen(a) / 2, 6);
		} else {
			random_version(b, 10);
		}
		int want = systemd_compare(a, b);
		if (sgn(version_compare(a, b)) != want)
			fail_msg("version_compare(\"%s\", \"%s\") = %d, systemd-analyze says %d", a,
				 b, sgn(version_compare(a, b)), want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spec_examples),
		cmocka_unit_test(test_systemd_ordered_list),
		cmocka_unit_test(test_systemd_pairs),
		cmocka_unit_test(test_rpm_vectors),
		cmocka_unit_test(test_against_systemd_analyze),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
