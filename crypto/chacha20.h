/* SPDX-License-Identifier: BSD-2-Clause */
/* The ChaCha20 block function and keystream (RFC 8439 section 2.3/2.4): the core of the
 * random generator in crypto/drbg.h. */
#ifndef KASLBOOT_CRYPTO_CHACHA20_H
#define KASLBOOT_CRYPTO_CHACHA20_H

#include <stddef.h>
#include <stdint.h>

#define CHACHA20_KEY_SIZE   32 /* RFC 8439 2.3: 256-bit key */
#define CHACHA20_NONCE_SIZE 12 /* RFC 8439 2.3: 96-bit nonce */
#define CHACHA20_BLOCK_SIZE 64 /* RFC 8439 2.3: 16 32-bit words of output */

/* One 64-byte keystream block for (key, counter, nonce), serialized little-endian. */
void chacha20_block(const uint8_t key[CHACHA20_KEY_SIZE], uint32_t counter,
		    const uint8_t nonce[CHACHA20_NONCE_SIZE], uint8_t out[CHACHA20_BLOCK_SIZE]);

/* XORs len bytes of keystream, starting at block `counter`, into buf (RFC 8439 2.4).
 * Encrypting zeros yields the raw keystream. The 32-bit block counter must not wrap:
 * len <= (2^32 - counter) * 64, which every caller here satisfies by a wide margin. */
void chacha20_xor(const uint8_t key[CHACHA20_KEY_SIZE], uint32_t counter,
		  const uint8_t nonce[CHACHA20_NONCE_SIZE], uint8_t *buf, size_t len);

#endif
