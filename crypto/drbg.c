/* SPDX-License-Identifier: BSD-2-Clause */
#include "crypto/drbg.h"

#include <string.h>

#include "lib/bytes.h"
#include "lib/log.h"
#include "lib/secure_wipe.h"
#include "crypto/sha256.h"

/* Each request is cut into pieces of at most this many bytes, each with its own rekey, so
 * one key never runs the 32-bit block counter anywhere near wrapping (RFC 8439 2.4). */
#define DRBG_MAX_REQUEST (64u * 1024u)

/* The key changes on every request, so a constant nonce never repeats a (key, nonce). */
static const uint8_t drbg_nonce[CHACHA20_NONCE_SIZE];

void drbg_seed(struct drbg *rng, const uint8_t seed[DRBG_SEED_SIZE])
{
	memcpy(rng->key, seed, sizeof(rng->key));
	rng->seeded = true;
}

bool drbg_is_seeded(const struct drbg *rng) { return rng->seeded; }

/* Keystream block 0 gives the next key (bytes 0..31) and the first 32 output bytes;
 * blocks 1.. give the rest of the output. */
static void drbg_piece(struct drbg *rng, uint8_t *out, size_t n)
{
	uint8_t block[CHACHA20_BLOCK_SIZE];
	size_t first = CHACHA20_BLOCK_SIZE - CHACHA20_KEY_SIZE;

	chacha20_block(rng->key, 0, drbg_nonce, block);
	if (first > n)
		first = n;
	memcpy(out, block + CHACHA20_KEY_SIZE, first);
	if (n > first) {
		memset(out + first, 0, n - first);
		chacha20_xor(rng->key, 1, drbg_nonce, out + first, n - first);
	}
	memcpy(rng->key, block, CHACHA20_KEY_SIZE);
	secure_wipe(block, sizeof(block));
}

void drbg_generate(struct drbg *rng, void *out, size_t n)
{
	uint8_t *p = out;

	if (!rng->seeded) {
		log_error("drbg: random bytes requested from an unseeded generator");
		memset(out, 0, n);
		return;
	}
	while (n) {
		size_t piece = n < DRBG_MAX_REQUEST ? n : DRBG_MAX_REQUEST;

		drbg_piece(rng, p, piece);
		p += piece;
		n -= piece;
	}
}

uint64_t drbg_u64(struct drbg *rng)
{
	uint8_t b[8];
	uint64_t v;

	drbg_generate(rng, b, sizeof(b));
	v = get_le64(b);
	secure_wipe(b, sizeof(b));
	return v;
}

uint64_t drbg_u64_nonzero(struct drbg *rng)
{
	uint64_t v;

	if (!rng->seeded)
		return drbg_u64(rng); /* logs, yields 0 */
	do
		v = drbg_u64(rng);
	while (!v);
	return v;
}

uint64_t drbg_uniform(struct drbg *rng, uint64_t bound)
{
	uint64_t threshold, v;

	if (bound <= 1)
		return 0;
	if (!rng->seeded)
		return drbg_u64(rng); /* logs, yields 0 */
	/* 2^64 mod bound, computed in 64 bits as (2^64 - bound) mod bound. Accepting only
	 * v >= threshold leaves 2^64 - threshold values, an exact multiple of bound, so every
	 * residue is equally likely. Each draw is rejected with probability < 1/2. */
	threshold = (0 - bound) % bound;
	do
		v = drbg_u64(rng);
	while (v < threshold);
	return v % bound;
}

void drbg_wipe(struct drbg *rng) { secure_wipe(rng, sizeof(*rng)); }

/* Domain labels: a forked key never equals a derived one, nor any output of the parent. */
static const char fork_domain[] = "kaslboot drbg fork";
static const char derive_domain[] = "kaslboot drbg derive";

static void child_from(const char *domain, const uint8_t key[DRBG_SEED_SIZE], const char *label,
		       struct drbg *child)
{
	struct sha256_ctx h;
	uint8_t digest[SHA256_DIGEST_SIZE];
	sha256_init(&h);
	sha256_update(&h, domain, strlen(domain) + 1);
	sha256_update(&h, key, DRBG_SEED_SIZE);
	sha256_update(&h, label, strlen(label) + 1);
	sha256_final(&h, digest);
	drbg_seed(child, digest);
	secure_wipe(digest, sizeof(digest));
	secure_wipe(&h, sizeof(h));
}

void drbg_fork(struct drbg *parent, const char *label, struct drbg *child)
{
	uint8_t key[DRBG_SEED_SIZE];
	if (!parent->seeded) {
		memset(child, 0, sizeof(*child));
		return;
	}
	drbg_generate(parent, key, sizeof(key));
	child_from(fork_domain, key, label, child);
	secure_wipe(key, sizeof(key));
}

void drbg_derive(const struct drbg *parent, const char *label, struct drbg *child)
{
	if (!parent->seeded) {
		memset(child, 0, sizeof(*child));
		return;
	}
	child_from(derive_domain, parent->key, label, child);
}
