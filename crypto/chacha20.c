/* SPDX-License-Identifier: BSD-2-Clause */
/* ChaCha20 written from RFC 8439 (June 2018), section 2.1 (quarter round), 2.3 (block
 * function) and 2.4 (encryption). */
#include "crypto/chacha20.h"

#include "lib/bytes.h"
#include "lib/secure_wipe.h"

/* RFC 8439 2.3: the constant words "expand 32-byte k" in little-endian order. */
#define CHACHA20_CONST0 0x61707865u
#define CHACHA20_CONST1 0x3320646eu
#define CHACHA20_CONST2 0x79622d32u
#define CHACHA20_CONST3 0x6b206574u
#define CHACHA20_DOUBLE_ROUNDS 10 /* RFC 8439 2.3: 20 rounds, as 10 column+diagonal pairs */

static inline uint32_t rotl32(uint32_t x, unsigned n) { return (x << n) | (x >> (32 - n)); }

/* RFC 8439 2.1. */
#define QUARTER_ROUND(a, b, c, d)                   \
	do {                                        \
		a += b; d ^= a; d = rotl32(d, 16);  \
		c += d; b ^= c; b = rotl32(b, 12);  \
		a += b; d ^= a; d = rotl32(d, 8);   \
		c += d; b ^= c; b = rotl32(b, 7);   \
	} while (0)

void chacha20_block(const uint8_t key[CHACHA20_KEY_SIZE], uint32_t counter,
		    const uint8_t nonce[CHACHA20_NONCE_SIZE], uint8_t out[CHACHA20_BLOCK_SIZE])
{
	uint32_t in[16], x[16];
	unsigned i;

	/* RFC 8439 2.3: constants, key, block counter, nonce. */
	in[0] = CHACHA20_CONST0;
	in[1] = CHACHA20_CONST1;
	in[2] = CHACHA20_CONST2;
	in[3] = CHACHA20_CONST3;
	for (i = 0; i < 8; i++)
		in[4 + i] = get_le32(key + 4 * i);
	in[12] = counter;
	for (i = 0; i < 3; i++)
		in[13 + i] = get_le32(nonce + 4 * i);

	for (i = 0; i < 16; i++)
		x[i] = in[i];
	for (i = 0; i < CHACHA20_DOUBLE_ROUNDS; i++) {
		QUARTER_ROUND(x[0], x[4], x[8], x[12]);
		QUARTER_ROUND(x[1], x[5], x[9], x[13]);
		QUARTER_ROUND(x[2], x[6], x[10], x[14]);
		QUARTER_ROUND(x[3], x[7], x[11], x[15]);
		QUARTER_ROUND(x[0], x[5], x[10], x[15]);
		QUARTER_ROUND(x[1], x[6], x[11], x[12]);
		QUARTER_ROUND(x[2], x[7], x[8], x[13]);
		QUARTER_ROUND(x[3], x[4], x[9], x[14]);
	}
	for (i = 0; i < 16; i++)
		put_le32(out + 4 * i, x[i] + in[i]);
	/* Both arrays hold the key. */
	secure_wipe(in, sizeof(in));
	secure_wipe(x, sizeof(x));
}

void chacha20_xor(const uint8_t key[CHACHA20_KEY_SIZE], uint32_t counter,
		  const uint8_t nonce[CHACHA20_NONCE_SIZE], uint8_t *buf, size_t len)
{
	uint8_t ks[CHACHA20_BLOCK_SIZE];

	while (len) {
		size_t n = len < CHACHA20_BLOCK_SIZE ? len : CHACHA20_BLOCK_SIZE;
		size_t i;

		chacha20_block(key, counter++, nonce, ks);
		for (i = 0; i < n; i++)
			buf[i] ^= ks[i];
		buf += n;
		len -= n;
	}
	secure_wipe(ks, sizeof(ks));
}
