/* SPDX-License-Identifier: BSD-2-Clause */
/* A deterministic random bit generator: ChaCha20 (RFC 8439) used as a fast-key-erasure
 * generator (D. J. Bernstein, "Fast-key-erasure random-number generators", 2017): every
 * request runs the keystream from block 0 under the current key, the first 32 bytes become
 * the next key and the following bytes are the output. Once a request returns, the key
 * that produced it is gone, so a later memory disclosure cannot reveal earlier outputs
 * (the kaslr-seed and the slot already handed out).
 *
 * Seeded once, from the entropy pool (loader/entropy.h); there is no reseeding, a boot
 * lasts a few seconds. Each use takes its own draw (physical slot, kaslr-seed, rng-seed,
 * virtual base, linear-map offset), so no output is ever derived from another. With a
 * fixed config seed the outputs repeat boot to boot only if the draws are made in the same
 * order on the same memory map: callers keep that order fixed. */
#ifndef KASLBOOT_CRYPTO_DRBG_H
#define KASLBOOT_CRYPTO_DRBG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/chacha20.h"

#define DRBG_SEED_SIZE CHACHA20_KEY_SIZE /* the seed is the first ChaCha20 key */

struct drbg {
	uint8_t key[CHACHA20_KEY_SIZE];
	bool seeded;
};

/* The seed must carry the entropy (e.g. a SHA-256 digest of the pool). */
void drbg_seed(struct drbg *rng, const uint8_t seed[DRBG_SEED_SIZE]);
bool drbg_is_seeded(const struct drbg *rng);
/* Fills out[0..n). An unseeded generator logs an error and yields zeros: never a
 * predictable non-zero value that could pass for randomness. */
void drbg_generate(struct drbg *rng, void *out, size_t n);
/* 8 bytes of output, little-endian. */
uint64_t drbg_u64(struct drbg *rng);
/* A non-zero value (the kaslr-seed: Linux reads 0 as "no seed"); 0 only if unseeded. */
uint64_t drbg_u64_nonzero(struct drbg *rng);
/* Uniform in [0, bound) without modulo bias: draws below 2^64 mod bound are rejected, so
 * the accepted range is a whole multiple of bound. bound 0 or 1 gives 0. */
uint64_t drbg_uniform(struct drbg *rng, uint64_t bound);
/* A child generator for one boot attempt: keyed with SHA-256 of a domain label, 32 bytes
 * of parent output and `label`. The parent advances, so every child is fresh. */
void drbg_fork(struct drbg *parent, const char *label, struct drbg *child);
/* The same, from the parent's current key without advancing it: children with the same
 * label are equal (reproducible layouts from a fixed seed). */
void drbg_derive(const struct drbg *parent, const char *label, struct drbg *child);

/* Erases the key; the generator is unseeded afterwards. */
void drbg_wipe(struct drbg *rng);

#endif
