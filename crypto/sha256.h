/* SPDX-License-Identifier: BSD-2-Clause */
/* SHA-256 (FIPS 180-4 section 6.2): the hash that mixes the entropy pool. Streaming
 * interface; no allocation; byte-oriented so it is safe with the MMU off (-mstrict-align). */
#ifndef KASLBOOT_CRYPTO_SHA256_H
#define KASLBOOT_CRYPTO_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_SIZE 32 /* FIPS 180-4 section 1: 256-bit message digest */
#define SHA256_BLOCK_SIZE  64 /* FIPS 180-4 section 1: 512-bit message block */

struct sha256_ctx {
	uint32_t h[8];                    /* H(i), FIPS 180-4 section 6.2.2 */
	uint64_t bytes;                   /* message length so far, for the padding */
	uint8_t buf[SHA256_BLOCK_SIZE];   /* partial block */
	size_t fill;                      /* bytes in buf */
};

void sha256_init(struct sha256_ctx *ctx);
void sha256_update(struct sha256_ctx *ctx, const void *data, size_t len);
/* Writes the digest and wipes the context (it held message-derived state). */
void sha256_final(struct sha256_ctx *ctx, uint8_t out[SHA256_DIGEST_SIZE]);
/* One-shot convenience. */
void sha256(const void *data, size_t len, uint8_t out[SHA256_DIGEST_SIZE]);

#endif
