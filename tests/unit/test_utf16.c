/* SPDX-License-Identifier: BSD-2-Clause */
/* lib/utf16.c against glibc's iconv: UTF-8 to UCS-2 for file names and variables, and
 * back. Random byte strings (mostly invalid UTF-8) and random code points (valid). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <iconv.h>
#include <cmocka.h>

#include "lib/utf16.h"

#define ROUNDS 20000
#define MAXLEN 24

/* iconv's answer: the UCS-2 units of s, or -1 when s is not valid UTF-8 or holds a
 * character beyond the BMP (which UCS-2 cannot hold). */
static long iconv_utf16(const char *s, uint16_t *out, size_t n)
{
	iconv_t cd = iconv_open("UTF-16LE", "UTF-8");
	char *in = (char *)s, *o = (char *)out;
	size_t inleft = strlen(s), outleft = (n - 1) * 2;
	assert_true(cd != (iconv_t)-1);
	size_t r = iconv(cd, &in, &inleft, &o, &outleft);
	iconv_close(cd);
	if (r == (size_t)-1 || inleft)
		return -1;
	long units = (long)((n - 1) * 2 - outleft) / 2;
	for (long i = 0; i < units; i++)
		if (out[i] >= 0xd800 && out[i] <= 0xdfff)
			return -1;   /* a surrogate pair: outside UCS-2 */
	out[units] = 0;
	return units;
}

static uint64_t rnd_state = 88172645463325252ULL;
static uint64_t rnd(void)
{
	rnd_state ^= rnd_state << 13, rnd_state ^= rnd_state >> 7, rnd_state ^= rnd_state << 17;
	return rnd_state;
}

/* Random bytes, biased towards UTF-8 lead and continuation bytes, never NUL. */
static void random_bytes(char *s)
{
	static const uint8_t pick[] = { 'a', '/', '.', 0x80, 0xbf, 0xc2, 0xc3, 0xdf, 0xe0, 0xe2,
					0xed, 0xef, 0xf0, 0xf4, 0xf8, 0xff, 0x9f, 0xa0 };
	size_t n = rnd() % MAXLEN;
	for (size_t i = 0; i < n; i++)
		s[i] = (char)(rnd() % 3 ? pick[rnd() % sizeof(pick)] : 1 + rnd() % 255);
	s[n] = 0;
}

static void test_from_utf8_against_iconv(void **state)
{
	char s[MAXLEN + 1];
	uint16_t got[64], want[64];
	unsigned valid = 0;
	(void)state;
	for (int r = 0; r < ROUNDS; r++) {
		random_bytes(s);
		long w = iconv_utf16(s, want, 64);
		long g = utf16_from_utf8(s, got, 64);
		if (g != w)
			fail_msg("round %d: '%s': kaslboot %ld, iconv %ld", r, s, g, w);
		if (g >= 0) {
			valid++;
			assert_memory_equal(got, want, (size_t)(g + 1) * 2);
		} else {
			assert_int_equal(got[0], 0);   /* nothing half-converted */
		}
	}
	assert_true(valid > ROUNDS / 20);   /* the generator reaches the valid path too */
}

/* Valid text of random BMP characters: both directions agree with iconv. */
static void test_round_trip(void **state)
{
	(void)state;
	for (int r = 0; r < ROUNDS; r++) {
		uint16_t w[16], back[16];
		char utf8[64], want8[64];
		size_t n = 1 + rnd() % 12;
		for (size_t i = 0; i < n; i++) {
			uint16_t c;
			do
				c = (uint16_t)(1 + rnd() % 0xfffe);
			while (c >= 0xd800 && c <= 0xdfff);
			w[i] = c;
		}
		w[n] = 0;
		assert_true(utf16_to_utf8(w, n, utf8, sizeof(utf8)));
		iconv_t cd = iconv_open("UTF-8", "UTF-16LE");
		char *in = (char *)w, *o = want8;
		size_t inleft = n * 2, outleft = sizeof(want8) - 1;
		assert_int_not_equal(iconv(cd, &in, &inleft, &o, &outleft), (size_t)-1);
		iconv_close(cd);
		*o = 0;
		assert_string_equal(utf8, want8);
		assert_int_equal(utf16_from_utf8(utf8, back, 16), (long)n);
		assert_memory_equal(back, w, (n + 1) * 2);
	}
}

/* The edges: a name that does not fit, an unpaired surrogate, a character beyond the BMP. */
static void test_edges(void **state)
{
	uint16_t w[4];
	char out[8];
	(void)state;
	assert_int_equal(utf16_from_utf8("abcd", w, 4), -1);      /* 4 + NUL > 4 */
	assert_int_equal(utf16_from_utf8("abc", w, 4), 3);
	assert_int_equal(utf16_from_utf8("\xf0\x9f\x98\x80", w, 4), -1);   /* U+1F600 */
	assert_int_equal(utf16_from_utf8("\xc3\xa9", w, 4), 1);  /* é */
	assert_int_equal(w[0], 0xe9);
	static const uint16_t lone[] = { 'a', 0xd800, 'b', 0 };
	assert_false(utf16_to_utf8(lone, 3, out, sizeof(out)));
	assert_string_equal(out, "a?b");
	static const uint16_t wide[] = { 0x20ac, 0x20ac, 0x20ac, 0 };  /* 3 x 3 bytes */
	assert_false(utf16_to_utf8(wide, 3, out, sizeof(out)));
	assert_string_equal(out, "\xe2\x82\xac\xe2\x82\xac");   /* what fit, whole characters */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_from_utf8_against_iconv),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_edges),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
