/* SPDX-License-Identifier: BSD-2-Clause */
/* lib/lz4_block.c against liblz4: what LZ4_compress_HC (at its highest level, as the build
 * packs BOOTAA64.EFI's body) and LZ4_compress_default make of real binaries, random and
 * repetitive data decodes to the original; hand-made blocks (literals only, overlapping
 * matches, offsets 0 and past the start) decode as LZ4_decompress_safe decodes them or are
 * refused; truncated blocks, short outputs and hostile length runs are refused, never read
 * or written out of bounds: every buffer is an exact-size heap block that ASan watches. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <lz4.h>
#include <lz4hc.h>

#include "assert_kb.h"
#include "lib/err.h"
#include "lib/lz4_block.h"

#define REAL_MAX (1u << 20) /* bytes of a real binary compressed */

static uint8_t *dup_exact(const void *p, size_t n)
{
	uint8_t *b = malloc(n ? n : 1);
	assert_non_null(b);
	memcpy(b, p, n);
	return b;
}

/* Decodes `block` with ours into an exact `cap`-byte buffer; 0 and *out, or the error. */
static int ours(const uint8_t *block, size_t len, size_t cap, uint8_t **out, size_t *out_len)
{
	uint8_t *src = dup_exact(block, len);
	uint8_t *dst = malloc(cap ? cap : 1);
	int rc;

	assert_non_null(dst);
	rc = lz4_block_decode(src, len, dst, cap, out_len);
	free(src);
	if (rc || !out)
		free(dst);
	else
		*out = dst;
	return rc;
}

/* Whatever ours accepts, liblz4 decodes to the same bytes. */
static int same_as_liblz4(const uint8_t *block, size_t len, size_t cap)
{
	uint8_t *got = NULL, *ref = malloc(cap ? cap : 1);
	size_t n;
	int rc = ours(block, len, cap, &got, &n);
	int r = LZ4_decompress_safe((const char *)block, (char *)ref, (int)len, (int)cap);

	if (!rc) {
		assert_int_equal(r, (int)n);
		assert_memory_equal(got, ref, n);
		free(got);
	}
	free(ref);
	return rc;
}

/* `data` compressed by liblz4 (HC at `level`, or the fast compressor for level 0) decodes
 * to `data` with an exact buffer, and fails with one byte less of room. */
static void roundtrip(const uint8_t *data, size_t n, int level)
{
	int bound = LZ4_compressBound((int)n);
	char *block = malloc((size_t)bound);
	uint8_t *out;
	size_t got;
	int len;

	assert_non_null(block);
	len = level ? LZ4_compress_HC((const char *)data, block, (int)n, bound, level) :
		      LZ4_compress_default((const char *)data, block, (int)n, bound);
	assert_true(len > 0);
	assert_kb_ok(ours((uint8_t *)block, (size_t)len, n, &out, &got));
	assert_int_equal(got, n);
	assert_memory_equal(out, data, n);
	free(out);
	if (n)
		assert_kb_err(ours((uint8_t *)block, (size_t)len, n - 1, NULL, &got), KB_ECORRUPT);
	free(block);
}

static void test_real_binaries(void **state)
{
	/* This test's own executable (x86-64 code and data), and the arm64 probe payload
	 * the unit tests already build. */
	static const char *const paths[] = { "/proc/self/exe", "build/payload/probe.elf" };
	(void)state;
	for (size_t p = 0; p < sizeof(paths) / sizeof(paths[0]); p++) {
		FILE *f = fopen(paths[p], "rb");
		uint8_t *buf = malloc(REAL_MAX);
		size_t n;

		assert_non_null(f);
		n = fread(buf, 1, REAL_MAX, f);
		fclose(f);
		assert_true(n > 4096);
		roundtrip(buf, n, LZ4HC_CLEVEL_MAX);
		roundtrip(buf, n, 0);
		free(buf);
	}
}

static void test_random_and_repetitive(void **state)
{
	uint8_t *buf = malloc(1u << 18);
	uint32_t x = 12345;
	(void)state;
	for (size_t i = 0; i < (1u << 18); i++) {
		x = x * 1103515245u + 12345u;
		buf[i] = (uint8_t)(x >> 16);
	}
	roundtrip(buf, 1u << 18, LZ4HC_CLEVEL_MAX); /* incompressible: long literal runs */
	for (size_t n = 0; n < 300; n++)            /* every short length: end-of-block rules */
		roundtrip(buf, n, n % 2 ? LZ4HC_CLEVEL_MAX : 0);
	for (size_t i = 0; i < (1u << 18); i++) /* few symbols: many short matches */
		buf[i] = (uint8_t)(buf[i] % 3);
	roundtrip(buf, 1u << 18, LZ4HC_CLEVEL_MAX);
	memset(buf, 'z', 1u << 18); /* one run: offset 1, long lengths */
	roundtrip(buf, 1u << 18, LZ4HC_CLEVEL_MAX);
	free(buf);
}

static void test_literals_only(void **state)
{
	static const uint8_t empty[] = { 0x00 };
	static const uint8_t five[] = { 0x50, 'h', 'e', 'l', 'l', 'o' };
	uint8_t longer[1 + 2 + 300];
	uint8_t *out;
	size_t n;
	(void)state;
	assert_kb_ok(ours(empty, sizeof(empty), 0, NULL, &n));
	assert_int_equal(n, 0);
	assert_kb_ok(same_as_liblz4(empty, sizeof(empty), 16));
	assert_kb_ok(ours(five, sizeof(five), 5, &out, &n));
	assert_int_equal(n, 5);
	assert_memory_equal(out, "hello", 5);
	free(out);
	assert_kb_err(ours(five, sizeof(five), 4, NULL, &n), KB_ECORRUPT);
	/* 300 literals: a nibble of 15, then 255 and 30 (15 + 255 + 30). */
	longer[0] = 0xf0;
	longer[1] = 255;
	longer[2] = 30;
	for (size_t i = 0; i < 300; i++)
		longer[3 + i] = (uint8_t)i;
	assert_kb_ok(ours(longer, sizeof(longer), 300, &out, &n));
	assert_int_equal(n, 300);
	assert_memory_equal(out, longer + 3, 300);
	free(out);
	assert_kb_ok(same_as_liblz4(longer, sizeof(longer), 300));
	/* One literal fewer than the count says, or one more. */
	assert_kb_err(ours(longer, sizeof(longer) - 1, 300, NULL, &n), KB_ECORRUPT);
	longer[2] = 29;
	assert_kb_err(ours(longer, sizeof(longer), 300, NULL, &n), KB_ECORRUPT);
	/* Nothing at all. */
	assert_kb_err(ours(empty, 0, 16, NULL, &n), KB_ECORRUPT);
}

static void test_overlapping_matches(void **state)
{
	/* 'a', then a match at offset 1 of 4 + 15 + 31 = 50 bytes (a run of 'a'), then
	 * "ab" and a match at offset 2 of 4 + 8 = 12 bytes, then 5 last literals. */
	static const uint8_t block[] = {
		0x1f, 'a', 1,   0,   31, /* */
		0x28, 'a', 'b', 2,   0,  /* */
		0x50, 'v', 'w', 'x', 'y', 'z',
	};
	uint8_t want[51 + 14 + 5], *out;
	size_t n;
	(void)state;
	memset(want, 'a', 51);
	for (size_t i = 0; i < 14; i++)
		want[51 + i] = i % 2 ? 'b' : 'a';
	memcpy(want + 65, "vwxyz", 5);
	assert_kb_ok(ours(block, sizeof(block), sizeof(want), &out, &n));
	assert_int_equal(n, sizeof(want));
	assert_memory_equal(out, want, sizeof(want));
	free(out);
	assert_kb_ok(same_as_liblz4(block, sizeof(block), sizeof(want)));
	assert_kb_ok(same_as_liblz4(block, sizeof(block), sizeof(want) + 100));
}

static void test_bad_offsets(void **state)
{
	/* Offset 0: the format calls it invalid (liblz4 decodes it anyway). */
	static const uint8_t zero[] = { 0x10, 'a', 0, 0, 0x50, 1, 2, 3, 4, 5 };
	/* Offset 2 with one byte written: before the output's start. */
	static const uint8_t before[] = { 0x10, 'a', 2, 0, 0x50, 1, 2, 3, 4, 5 };
	/* A valid block, 10 bytes long, but its match ends within 12 bytes of the end of
	 * a buffer shorter than 12: refused, as liblz4 refuses it. */
	static const uint8_t late[] = { 0x10, 'a', 1, 0, 0x50, 1, 2, 3, 4, 5 };
	size_t n;
	(void)state;
	assert_kb_err(ours(zero, sizeof(zero), 64, NULL, &n), KB_ECORRUPT);
	assert_kb_err(same_as_liblz4(before, sizeof(before), 64), KB_ECORRUPT);
	assert_kb_ok(same_as_liblz4(late, sizeof(late), 64));
	assert_kb_err(same_as_liblz4(late, sizeof(late), 9), KB_ECORRUPT);
}

static void test_truncated_and_short_output(void **state)
{
	uint8_t data[4096];
	char block[LZ4_COMPRESSBOUND(4096)];
	size_t n;
	int len;
	(void)state;
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i % 7 == 0 ? i : i / 64);
	len = LZ4_compress_HC((const char *)data, block, sizeof(data), sizeof(block),
			      LZ4HC_CLEVEL_MAX);
	assert_true(len > 16);
	/* A prefix may end after a sequence's literals (a valid, shorter block): then it
	 * decodes as liblz4 decodes it, to less than the whole. Otherwise it is refused. */
	for (int cut = 0; cut < len; cut++) {
		uint8_t *out = NULL;
		if (!ours((uint8_t *)block, (size_t)cut, sizeof(data), &out, &n)) {
			assert_true(n < sizeof(data));
			assert_memory_equal(out, data, n);
			free(out);
		}
	}
	for (size_t cap = 0; cap < sizeof(data); cap += 97)
		assert_kb_err(ours((uint8_t *)block, (size_t)len, cap, NULL, &n), KB_ECORRUPT);
	assert_kb_ok(ours((uint8_t *)block, (size_t)len, sizeof(data) * 2, NULL, &n));
	assert_int_equal(n, sizeof(data));
}

static void test_hostile_lengths(void **state)
{
	uint8_t run[64];
	(void)state;
	/* A literal count that never stops growing, up to the end of the input. */
	memset(run, 255, sizeof(run));
	run[0] = 0xf0;
	assert_kb_err(same_as_liblz4(run, sizeof(run), 1u << 16), KB_ECORRUPT);
	/* A count that ends but claims more literals than the input has. */
	run[10] = 1;
	assert_kb_err(same_as_liblz4(run, sizeof(run), 1u << 16), KB_ECORRUPT);
	/* A match length that never stops, after a valid literal and offset. */
	memset(run, 255, sizeof(run));
	run[0] = 0x1f;
	run[1] = 'a';
	run[2] = 1;
	run[3] = 0;
	assert_kb_err(same_as_liblz4(run, sizeof(run), 1u << 16), KB_ECORRUPT);
	/* Its run ended by a byte that leaves no room for the last literals. */
	run[sizeof(run) - 3] = 0;
	assert_kb_err(same_as_liblz4(run, sizeof(run), 1u << 16), KB_ECORRUPT);
}

/* Random blocks: most are refused; what ours accepts, liblz4 decodes alike. */
static void test_random_blocks(void **state)
{
	uint8_t block[40];
	uint32_t x = 777;
	unsigned accepted = 0;
	(void)state;
	for (unsigned it = 0; it < 200000; it++) {
		size_t len = 1 + it % sizeof(block), cap = (it * 7) % 80;
		for (size_t i = 0; i < len; i++) {
			x = x * 1103515245u + 12345u;
			/* Bias towards the values that steer the decoder: 0, 15, 255. */
			block[i] = (uint8_t)(x >> 29 == 0 ? 0 : x >> 29 == 1 ? 0xff : x >> 16);
		}
		accepted += !same_as_liblz4(block, len, cap);
	}
	assert_true(accepted > 1000); /* the comparison was exercised */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_binaries),
		cmocka_unit_test(test_random_and_repetitive),
		cmocka_unit_test(test_literals_only),
		cmocka_unit_test(test_overlapping_matches),
		cmocka_unit_test(test_bad_offsets),
		cmocka_unit_test(test_truncated_and_short_output),
		cmocka_unit_test(test_hostile_lengths),
		cmocka_unit_test(test_random_blocks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
