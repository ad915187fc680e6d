/* SPDX-License-Identifier: BSD-2-Clause */
/* zlib's two checksums for the PE. inflate.o names crc32() (the gzip trailer kaslboot
 * checks) and adler32() (zlib-wrapped streams); linking them from libz.a would bring
 * crc32.o with 12 KiB of braid tables and functions kaslboot never calls. These are
 * defined first, so the archive's members are not pulled in: slicing-by-8 CRC-32 whose
 * tables are built on first use in zero-initialized data (no room in the file), and
 * Adler-32 as RFC 1950 defines it. tests/unit/test_zlib_checks.c checks both against
 * zlib's. */
#include <stdbool.h>
#include <stdint.h>
#include <zlib.h>

/* IEEE 802.3 CRC-32, reflected (RFC 1952, section 8). */
#define CRC32_POLY_REFLECTED 0xedb88320u
/* RFC 1950: the largest prime below 65536, and the most bytes summed before the 32-bit
 * sums could overflow (zlib's NMAX). */
#define ADLER_BASE 65521u
#define ADLER_NMAX 5552u

static uint32_t crc_tab[8][256];
static bool crc_tab_ready;

static void crc_tab_init(void)
{
	for (uint32_t n = 0; n < 256; n++) {
		uint32_t c = n;
		for (int k = 0; k < 8; k++)
			c = (c & 1) ? CRC32_POLY_REFLECTED ^ (c >> 1) : c >> 1;
		crc_tab[0][n] = c;
	}
	for (uint32_t n = 0; n < 256; n++)
		for (int t = 1; t < 8; t++)
			crc_tab[t][n] = crc_tab[0][crc_tab[t - 1][n] & 0xff] ^ (crc_tab[t - 1][n] >> 8);
	crc_tab_ready = true;
}

uLong crc32(uLong crc, const Bytef *buf, uInt len)
{
	if (!buf)
		return 0;
	if (!crc_tab_ready)
		crc_tab_init();
	uint32_t c = ~(uint32_t)crc;
	while (len && ((uintptr_t)buf & 7)) {
		c = crc_tab[0][(c ^ *buf++) & 0xff] ^ (c >> 8);
		len--;
	}
	/* Eight bytes at a time, little-endian (arm64): byte i of the word goes through
	 * table 7 - i. */
	for (; len >= 8; len -= 8, buf += 8) {
		uint64_t w = *(const uint64_t *)buf ^ c;
		c = crc_tab[7][w & 0xff] ^ crc_tab[6][(w >> 8) & 0xff] ^
		    crc_tab[5][(w >> 16) & 0xff] ^ crc_tab[4][(w >> 24) & 0xff] ^
		    crc_tab[3][(w >> 32) & 0xff] ^ crc_tab[2][(w >> 40) & 0xff] ^
		    crc_tab[1][(w >> 48) & 0xff] ^ crc_tab[0][w >> 56];
	}
	while (len--)
		c = crc_tab[0][(c ^ *buf++) & 0xff] ^ (c >> 8);
	return ~c;
}

uLong adler32(uLong adler, const Bytef *buf, uInt len)
{
	uint32_t a = adler & 0xffff, b = (adler >> 16) & 0xffff;
	if (!buf)
		return 1;
	while (len) {
		uInt n = len < ADLER_NMAX ? len : ADLER_NMAX;
		len -= n;
		while (n--) {
			a += *buf++;
			b += a;
		}
		a %= ADLER_BASE;
		b %= ADLER_BASE;
	}
	return (uLong)b << 16 | a;
}
