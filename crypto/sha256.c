/* SPDX-License-Identifier: BSD-2-Clause */
/* SHA-256 written from FIPS 180-4 (August 2015): constants from section 4.2.2, initial
 * hash value from section 5.3.3, padding from section 5.1.1, computation from 6.2.2. */
#include "crypto/sha256.h"

#include <string.h>

#include "lib/bytes.h"
#include "lib/secure_wipe.h"

/* FIPS 180-4 section 4.2.2: first 32 bits of the fractional parts of the cube roots of
 * the first 64 primes. */
static const uint32_t sha256_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

/* FIPS 180-4 section 5.3.3: first 32 bits of the fractional parts of the square roots of
 * the first 8 primes. */
static const uint32_t sha256_h0[8] = {
	0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
	0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

#define SHA256_LENGTH_FIELD 8 /* FIPS 180-4 5.1.1: the 64-bit message length ends the padding */
#define SHA256_PAD_BYTE 0x80  /* FIPS 180-4 5.1.1: the '1' bit that follows the message */

static inline uint32_t rotr32(uint32_t x, unsigned n) { return (x >> n) | (x << (32 - n)); }

/* FIPS 180-4 section 4.1.2, functions (4.2) to (4.7). */
static inline uint32_t ch(uint32_t x, uint32_t y, uint32_t z) { return (x & y) ^ (~x & z); }
static inline uint32_t maj(uint32_t x, uint32_t y, uint32_t z) { return (x & y) ^ (x & z) ^ (y & z); }
static inline uint32_t bsig0(uint32_t x) { return rotr32(x, 2) ^ rotr32(x, 13) ^ rotr32(x, 22); }
static inline uint32_t bsig1(uint32_t x) { return rotr32(x, 6) ^ rotr32(x, 11) ^ rotr32(x, 25); }
static inline uint32_t ssig0(uint32_t x) { return rotr32(x, 7) ^ rotr32(x, 18) ^ (x >> 3); }
static inline uint32_t ssig1(uint32_t x) { return rotr32(x, 17) ^ rotr32(x, 19) ^ (x >> 10); }

static void sha256_block(uint32_t h[8], const uint8_t *p)
{
	uint32_t w[64], a, b, c, d, e, f, g, hh, t1, t2;
	unsigned t;

	/* Words are big-endian (FIPS 180-4 section 3.1); loaded bytewise, no alignment needed. */
	for (t = 0; t < 16; t++)
		w[t] = get_be32(p + 4 * t);
	for (t = 16; t < 64; t++)
		w[t] = ssig1(w[t - 2]) + w[t - 7] + ssig0(w[t - 15]) + w[t - 16];

	a = h[0]; b = h[1]; c = h[2]; d = h[3]; e = h[4]; f = h[5]; g = h[6]; hh = h[7];
	for (t = 0; t < 64; t++) {
		t1 = hh + bsig1(e) + ch(e, f, g) + sha256_k[t] + w[t];
		t2 = bsig0(a) + maj(a, b, c);
		hh = g; g = f; f = e; e = d + t1;
		d = c; c = b; b = a; a = t1 + t2;
	}
	h[0] += a; h[1] += b; h[2] += c; h[3] += d;
	h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
	/* The schedule is derived from the (possibly secret) message. */
	secure_wipe(w, sizeof(w));
}

void sha256_init(struct sha256_ctx *ctx)
{
	memcpy(ctx->h, sha256_h0, sizeof(ctx->h));
	ctx->bytes = 0;
	ctx->fill = 0;
	memset(ctx->buf, 0, sizeof(ctx->buf));
}

void sha256_update(struct sha256_ctx *ctx, const void *data, size_t len)
{
	const uint8_t *p = data;

	if (!len)
		return;
	ctx->bytes += len;
	if (ctx->fill) {
		size_t take = SHA256_BLOCK_SIZE - ctx->fill;
		if (take > len)
			take = len;
		memcpy(ctx->buf + ctx->fill, p, take);
		ctx->fill += take;
		p += take;
		len -= take;
		if (ctx->fill < SHA256_BLOCK_SIZE)
			return;
		sha256_block(ctx->h, ctx->buf);
		ctx->fill = 0;
	}
	for (; len >= SHA256_BLOCK_SIZE; p += SHA256_BLOCK_SIZE, len -= SHA256_BLOCK_SIZE)
		sha256_block(ctx->h, p);
	memcpy(ctx->buf, p, len);
	ctx->fill = len;
}

void sha256_final(struct sha256_ctx *ctx, uint8_t out[SHA256_DIGEST_SIZE])
{
	uint64_t bits = ctx->bytes * 8;
	unsigned i;

	/* FIPS 180-4 5.1.1: append 0x80, zeros up to 56 mod 64, then the bit length. */
	ctx->buf[ctx->fill++] = SHA256_PAD_BYTE;
	if (ctx->fill > SHA256_BLOCK_SIZE - SHA256_LENGTH_FIELD) {
		memset(ctx->buf + ctx->fill, 0, SHA256_BLOCK_SIZE - ctx->fill);
		sha256_block(ctx->h, ctx->buf);
		ctx->fill = 0;
	}
	memset(ctx->buf + ctx->fill, 0, SHA256_BLOCK_SIZE - SHA256_LENGTH_FIELD - ctx->fill);
	put_be64(ctx->buf + SHA256_BLOCK_SIZE - SHA256_LENGTH_FIELD, bits);
	sha256_block(ctx->h, ctx->buf);

	for (i = 0; i < 8; i++)
		put_be32(out + 4 * i, ctx->h[i]);
	secure_wipe(ctx, sizeof(*ctx));
}

void sha256(const void *data, size_t len, uint8_t out[SHA256_DIGEST_SIZE])
{
	struct sha256_ctx ctx;

	sha256_init(&ctx);
	sha256_update(&ctx, data, len);
	sha256_final(&ctx, out);
}
