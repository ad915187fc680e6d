/* SPDX-License-Identifier: BSD-2-Clause */
/* The PE's own crc32() and adler32() (lib/zlib_freestanding.c), built here under other
 * names, against zlib's: empty and NULL buffers, every alignment and length around the
 * eight-byte loop, chained calls, and a large buffer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <zlib.h>

#define crc32 fs_crc32
#define adler32 fs_adler32
#include "lib/zlib_freestanding.c"
#undef crc32
#undef adler32

#define BIG (1u << 20)

static void test_against_zlib(void **state)
{
	static uint8_t buf[BIG + 16];
	(void)state;
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 2654435761u >> 13);
	assert_int_equal(fs_crc32(0, NULL, 0), crc32(0, NULL, 0));
	assert_int_equal(fs_adler32(0, NULL, 0), adler32(0, NULL, 0));
	for (size_t off = 0; off < 9; off++)
		for (uInt len = 0; len < 80; len++) {
			assert_int_equal(fs_crc32(0, buf + off, len), crc32(0, buf + off, len));
			assert_int_equal(fs_adler32(1, buf + off, len), adler32(1, buf + off, len));
		}
	/* Chained, as inflate calls it window by window. */
	uLong c = 0, z = 0, a = 1, y = 1;
	for (size_t at = 0; at < BIG; at += 4093) {
		uInt n = (uInt)(BIG - at < 4093 ? BIG - at : 4093);
		c = fs_crc32(c, buf + at, n);
		z = crc32(z, buf + at, n);
		a = fs_adler32(a, buf + at, n);
		y = adler32(y, buf + at, n);
	}
	assert_int_equal(c, z);
	assert_int_equal(a, y);
	assert_int_equal(fs_crc32(0, buf + 3, BIG), crc32(0, buf + 3, BIG));
	assert_int_equal(fs_adler32(1, buf + 5, BIG), adler32(1, buf + 5, BIG));
	/* The check value of "123456789" (RFC 1952's CRC-32). */
	assert_int_equal(fs_crc32(0, (const Bytef *)"123456789", 9), 0xcbf43926u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_against_zlib),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
