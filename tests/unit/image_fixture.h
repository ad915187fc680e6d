/* SPDX-License-Identifier: BSD-2-Clause */
/* Fake arm64 kernels for the kernel-format tests (test_image.c, test_image_pe.c,
 * test_gzip.c, test_zboot.c): little-endian stores, the 64-byte Image header as a 6.1
 * kernel writes it, and gzip compression with the host zlib. The header is built here from
 * booting.rst field by field, not from formats/image.h, so the tests do not check the code
 * against itself. A header of static functions (not a .c helper, which the Makefile would
 * link into every test binary). */
#ifndef KASLBOOT_TEST_IMAGE_FIXTURE_H
#define KASLBOOT_TEST_IMAGE_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <zlib.h>

static inline void put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline void put_le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* The first instruction of an EFI-capable arm64 Image: a ccmp whose little-endian
 * encoding starts with "MZ" (arch/arm64/kernel/efi-header.S, efi_signature_nop). */
#define CODE0_EFI_CCMP 0xfa405a4du
/* code1: "b +64", A64 B with imm26 = 64 / 4, over the header to the real entry. */
#define CODE1_BRANCH_PAST_HEADER (0x14000000u | 16u)
/* booting.rst "magic": "ARM\x64", little-endian. */
#define FIXTURE_IMAGE_MAGIC 0x644d5241u
/* booting.rst res5: offset to the PE header, which follows the 64-byte header. */
#define FIXTURE_PE_HEADER_OFFSET 64u
/* booting.rst flags: little-endian, 4K pages (bits 1-2 = 1), physical placement anywhere
 * (bit 3); what Debian's 6.1 arm64 kernel carries. */
#define FLAGS_4K_ANYWHERE 0xaull

/* A header as a 6.1 kernel writes it (booting.rst field offsets), with the given fields;
 * bytes 32..55 (res2..res4) are zero. */
static inline void make_header(uint8_t h[64], uint64_t text_offset, uint64_t image_size,
			       uint64_t flags)
{
	memset(h, 0, 64);
	put_le32(h + 0, CODE0_EFI_CCMP);
	put_le32(h + 4, CODE1_BRANCH_PAST_HEADER);
	put_le64(h + 8, text_offset);
	put_le64(h + 16, image_size);
	put_le64(h + 24, flags);
	put_le32(h + 56, FIXTURE_IMAGE_MAGIC);
	put_le32(h + 60, FIXTURE_PE_HEADER_OFFSET);
}

/* gzip OS field (RFC 1952 2.3.1): 3 = Unix, what gzip(1) writes on Linux. */
#define GZIP_OS_UNIX 3

/* Compresses in[0..n) as one gzip member with the host zlib at `level`. With a `name` the
 * header carries it as FNAME, like gzip(1); with NULL, zlib's minimal header. The caller
 * frees the result. */
static inline uint8_t *host_gzip(const uint8_t *in, size_t n, int level, const char *name,
				 size_t *out_len)
{
	z_stream zs = { 0 };
	gz_header hdr = { 0 };
	size_t cap = compressBound(n) + 64; /* + room for the gzip header and trailer */
	uint8_t *out = malloc(cap);

	assert_non_null(out);
	/* windowBits 16 + MAX_WBITS asks for the gzip wrapper (zlib.h); memLevel 8 is zlib's
	 * default. */
	assert_int_equal(deflateInit2(&zs, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY),
			 Z_OK);
	if (name) {
		hdr.name = (Bytef *)name;
		hdr.os = GZIP_OS_UNIX;
		assert_int_equal(deflateSetHeader(&zs, &hdr), Z_OK);
	}
	zs.next_in = (Bytef *)in;
	zs.avail_in = (uInt)n;
	zs.next_out = out;
	zs.avail_out = (uInt)cap;
	assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
	*out_len = zs.total_out;
	deflateEnd(&zs);
	return out;
}

#endif
