/* SPDX-License-Identifier: BSD-2-Clause */
/* lib/bytes.h: every load and store against values worked out by hand, at every
 * misalignment, and stores that touch exactly their own bytes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/bytes.h"

/* 01 02 03 04 05 06 07 08 read either way round, and a pattern with the top bits set so
 * that a sign extension or a lost high byte would show. */
static const uint8_t seq[8] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08 };
static const uint8_t high[8] = { 0xf0, 0xde, 0xbc, 0x9a, 0x78, 0x56, 0x34, 0x82 };

static void test_little_endian_loads(void **state)
{
	(void)state;
	assert_int_equal(get_le16(seq), 0x0201);
	assert_int_equal(get_le32(seq), 0x04030201);
	assert_true(get_le64(seq) == 0x0807060504030201ULL);
	assert_int_equal(get_le16(high), 0xdef0);
	assert_true(get_le32(high) == 0x9abcdef0u);
	assert_true(get_le64(high) == 0x823456789abcdef0ULL);
}

static void test_big_endian_loads(void **state)
{
	(void)state;
	assert_int_equal(get_be32(seq), 0x01020304);
	assert_true(get_be64(seq) == 0x0102030405060708ULL);
	assert_true(get_be32(high) == 0xf0debc9au);
	assert_true(get_be64(high) == 0xf0debc9a78563482ULL);
}

static void test_stores(void **state)
{
	uint8_t b[8];

	(void)state;
	put_le32(b, 0x04030201);
	assert_memory_equal(b, seq, 4);
	put_le64(b, 0x0807060504030201ULL);
	assert_memory_equal(b, seq, 8);
	put_be32(b, 0x01020304);
	assert_memory_equal(b, seq, 4);
	put_be64(b, 0x0102030405060708ULL);
	assert_memory_equal(b, seq, 8);
	put_le64(b, 0x823456789abcdef0ULL);
	assert_memory_equal(b, high, 8);
	put_be64(b, 0xf0debc9a78563482ULL);
	assert_memory_equal(b, high, 8);
}

/* Any alignment, and a store writes its own bytes and no others. */
static void test_unaligned_and_bounded(void **state)
{
	uint8_t buf[24];
	size_t off;

	(void)state;
	for (off = 0; off < 8; off++) {
		memset(buf, 0xaa, sizeof(buf));
		memcpy(buf + off, high, sizeof(high));
		assert_true(get_le64(buf + off) == 0x823456789abcdef0ULL);
		assert_true(get_be64(buf + off) == 0xf0debc9a78563482ULL);
		assert_true(get_le32(buf + off + 4) == 0x82345678u);
		assert_true(get_be32(buf + off + 4) == 0x78563482u);

		memset(buf, 0xaa, sizeof(buf));
		put_le64(buf + off + 1, 0x0807060504030201ULL);
		assert_memory_equal(buf + off + 1, seq, 8);
		assert_int_equal(buf[off], 0xaa);
		assert_int_equal(buf[off + 9], 0xaa);

		memset(buf, 0xaa, sizeof(buf));
		put_be32(buf + off + 1, 0x01020304);
		assert_memory_equal(buf + off + 1, seq, 4);
		assert_int_equal(buf[off], 0xaa);
		assert_int_equal(buf[off + 5], 0xaa);
	}
}

/* A store read back the same way is the identity, over values that exercise every byte. */
static void test_round_trips(void **state)
{
	uint8_t b[8];
	uint64_t v = 0x0123456789abcdefULL;
	int i;

	(void)state;
	for (i = 0; i < 64; i++, v = v * 6364136223846793005ULL + 1442695040888963407ULL) {
		put_le64(b, v);
		assert_true(get_le64(b) == v);
		assert_int_equal(get_le16(b), (uint16_t)v);
		put_be64(b, v);
		assert_true(get_be64(b) == v);
		assert_true(get_be32(b + 4) == (uint32_t)v);
		put_le32(b, (uint32_t)v);
		assert_true(get_le32(b) == (uint32_t)v);
		put_be32(b, (uint32_t)v);
		assert_true(get_be32(b) == (uint32_t)v);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_little_endian_loads),
		cmocka_unit_test(test_big_endian_loads),
		cmocka_unit_test(test_stores),
		cmocka_unit_test(test_unaligned_and_bounded),
		cmocka_unit_test(test_round_trips),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
