/* SPDX-License-Identifier: BSD-2-Clause */
/* The entropy pool: every source kaslboot finds is mixed through SHA-256 (domain-separated
 * and length-prefixed, so no two different sequences of inputs hash alike), then one
 * digest seeds the generator (crypto/drbg.h) and the pool is wiped.
 *
 * A source is "strong" when it is a real random source (DT kaslr-seed, DT rng-seed,
 * EFI_RNG_PROTOCOL, RNDR) and the caller credits it; the pool is strong when those credits
 * add up to ENTROPY_STRONG_BITS. The counter is mixed but never credited.
 *
 * A fixed seed from the configuration (loader.conf `kaslr-seed`) exists for reproducible
 * layouts: when one is added, ONLY the fixed seed seeds the generator; every other source
 * is still recorded (for the summary) but ignored, so two boots with the same fixed seed
 * give the same slot, kaslr-seed and rng-seed. Such a pool is never strong. */
#ifndef KASLBOOT_LOADER_ENTROPY_H
#define KASLBOOT_LOADER_ENTROPY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/drbg.h"
#include "crypto/sha256.h"

enum entropy_source {
	ENTROPY_SRC_DT_KASLR_SEED = 0, /* /chosen/kaslr-seed of the firmware's DT */
	ENTROPY_SRC_DT_RNG_SEED,       /* /chosen/rng-seed of the firmware's DT */
	ENTROPY_SRC_EFI_RNG,           /* EFI_RNG_PROTOCOL.GetRNG */
	ENTROPY_SRC_RNDR,              /* the RNDR register (FEAT_RNG) */
	ENTROPY_SRC_COUNTER,           /* CNTPCT_EL0/CNTVCT_EL0: timing jitter, never credited */
	ENTROPY_SRC_CONFIG_SEED,       /* fixed kaslr-seed from loader.conf: deterministic */
	ENTROPY_SRC_SEED_FILE,         /* \loader\random-seed, credited once rewritten */
	ENTROPY_SRC_SYSTEM_TOKEN,      /* LoaderSystemToken: per installation, never credited */
	ENTROPY_SRC_EFI_SEED_TABLE,    /* an earlier LINUX_EFI_RANDOM_SEED_TABLE */
	ENTROPY_SRC_COUNT,
};

/* 64 credited bits: the size of the kaslr-seed Linux takes (booting.rst, /chosen/kaslr-seed
 * is one u64), and beyond any brute force of a boot-time layout. */
#define ENTROPY_STRONG_BITS 64u

/* What the handoffs Linux and systemd credit claim: the 32-byte LINUX_EFI_RANDOM_SEED_TABLE
 * and the 32-byte LoaderRandomSeed carry 256 bits each, the 64-byte rng-seed more, and 256
 * credited bits is when Linux declares its CRNG ready (drivers/char/random.c,
 * POOL_READY_BITS). A pool with fewer credited bits hands none of them over. */
#define ENTROPY_HANDOFF_BITS 256u

/* Longest summary: every source name, commas and the NUL. */
#define ENTROPY_SUMMARY_MAX 128

struct entropy_pool {
	struct sha256_ctx mix;   /* every source except the fixed config seed */
	struct sha256_ctx fixed; /* the fixed config seed alone */
	uint32_t contributed;    /* bit (1 << source) for each source that added input */
	uint32_t credited[ENTROPY_SRC_COUNT]; /* bits credited per source */
	uint32_t contributed_bytes[ENTROPY_SRC_COUNT]; /* bytes mixed per source */
	bool has_fixed;
	bool finished;
};

void entropy_init(struct entropy_pool *pool);
/* Mixes len bytes from src, crediting at most credited_bits (capped at 8 * len; always 0
 * for the counter and the config seed). Empty or all-zero input is ignored with a warning
 * (an all-zero DT seed is a consumed or absent one). KB_EINVAL for an unknown source or
 * a finished pool. */
int entropy_add(struct entropy_pool *pool, enum entropy_source src, const void *data,
		size_t len, unsigned credited_bits);
/* Bits credited to real random sources so far (saturating). */
unsigned entropy_strong_bits(const struct entropy_pool *pool);
/* At least ENTROPY_STRONG_BITS from real random sources and no fixed seed. */
bool entropy_is_strong(const struct entropy_pool *pool);
/* At least ENTROPY_HANDOFF_BITS from real random sources and no fixed seed: the pool may
 * seed what Linux and systemd credit (rng-seed, the seed table, LoaderRandomSeed). The
 * kaslr-seed (placement only, never credited by Linux) needs no such pool. */
bool entropy_can_hand_over(const struct entropy_pool *pool);
/* A fixed config seed was added: the generator's output is reproducible. */
bool entropy_is_fixed(const struct entropy_pool *pool);
bool entropy_has_source(const struct entropy_pool *pool, enum entropy_source src);
/* "dt-kaslr-seed", "dt-rng-seed", "efi-rng", "rndr", "counter", "config-seed",
 * "seed-file", "system-token", "efi-seed-table". */
const char *entropy_source_name(enum entropy_source src);
/* Comma-separated contributors in enum order (e.g. "dt-kaslr-seed,efi-rng,counter"), or
 * "none". snprintf contract: returns the full length, writes at most size - 1 chars + NUL. */
size_t entropy_summary(const struct entropy_pool *pool, char *buf, size_t size);
/* Raises src's credit by bits (capped at what it contributed: 8 bits a byte), for a
 * source whose worth is known only after it was mixed (the seed file, once rewritten). */
void entropy_credit(struct entropy_pool *pool, enum entropy_source src, unsigned bits);

/* 32 bytes derived from everything mixed so far under `label`, without finishing the pool:
 * never equal to the generator's seed nor to another label's output. */
void entropy_peek(const struct entropy_pool *pool, const char *label,
		  uint8_t out[SHA256_DIGEST_SIZE]);

/* Seeds *out from the pool (from the fixed seed alone when there is one) and wipes the
 * pool's hash state; the bookkeeping (contributors, credits) stays for the log.
 * KB_ENOENT (out left unseeded) when no source contributed, KB_EINVAL if already
 * finished. */
int entropy_finish(struct entropy_pool *pool, struct drbg *out);

#endif
