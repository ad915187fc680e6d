/* SPDX-License-Identifier: BSD-2-Clause */
/* The persistent random seed on the ESP, shared with systemd-boot: \loader\random-seed
 * (same path and size rules as systemd's src/boot/efi/random-seed.c, so either loader may
 * own it and `bootctl random-seed` keeps working), and the per-installation
 * LoaderSystemToken variable that makes cloned disk images diverge on their first boot.
 *
 * The seed is read and mixed into the pool, a new seed derived from the whole pool is
 * written back and flushed, and only if that succeeded is the old seed credited: a reset
 * can never make kaslboot use the same seed twice.
 *
 * Trust: anyone with root in the OS can write the file and the token. Under Secure Boot
 * they are therefore credited only when a firmware source (DT seeds, EFI_RNG_PROTOCOL,
 * RNDR, an earlier seed table) was credited too, systemd-boot's rule (random-seed.c since
 * 253); otherwise they are mixed, not credited. And kaslboot never bootstraps trust from
 * itself: it creates LoaderSystemToken only from a pool with credited bits, and creates
 * (or replaces a bad-size) seed file only from a pool with the SEED_FILE_CREDIT_BITS the
 * file will be credited with next boot. */
#ifndef KASLBOOT_LOADER_SEED_FILE_H
#define KASLBOOT_LOADER_SEED_FILE_H

#include <stdbool.h>

#include "loader/entropy.h"
#include "loader/platform.h"

#define SEED_FILE_PATH "/loader/random-seed"
/* systemd's RANDOM_MAX_SIZE_MIN / RANDOM_MAX_SIZE_MAX: a seed shorter than 32 bytes
 * cannot carry 256 bits, one over 32 KiB is not a seed file. */
#define SEED_FILE_MIN 32u
#define SEED_FILE_MAX (32u * 1024u)
/* What kaslboot writes when the file is missing or unusable: 256 bits, Linux's RNG size
 * (systemd's DESIRED_SEED_SIZE). */
#define SEED_FILE_NEW_SIZE 32u
/* Bits a rewritten seed is credited with: a SHA-256 worth at most. */
#define SEED_FILE_CREDIT_BITS 256u
/* LoaderSystemToken: 32 random bytes, non-volatile (systemd's bootctl writes it). */
#define SYSTEM_TOKEN_SIZE 32u
#define SYSTEM_TOKEN_VAR "LoaderSystemToken"

/* What happened to the seed file this boot (the log and the tests read it). */
enum seed_file_state {
	SEED_FILE_CREDITED,    /* read, rewritten, flushed: credited */
	SEED_FILE_CREATED,     /* missing: a new one was written (nothing to credit yet) */
	SEED_FILE_NOT_CREATED, /* missing, and the pool has too few credited bits to make one */
	SEED_FILE_UNTRUSTED,   /* Secure Boot, no firmware source: mixed, rewritten, not credited */
	SEED_FILE_NOT_CREDITED, /* read and mixed, but it could not be rewritten */
	SEED_FILE_BAD_SIZE,     /* shorter than 32 bytes or over 32 KiB: mixed, not credited
				   * (replaced when the pool could make a new one) */
	SEED_FILE_UNREADABLE,   /* it exists but could not be read */
	SEED_FILE_NONE,         /* missing, and it could not be created */
	SEED_FILE_OFF,          /* loader.conf random-seed-mode off: not touched */
};

/* Mixes LoaderSystemToken, then the seed file, as above, and creates what is missing when
 * the pool may make it. Call after every other source was added (what is credited by then
 * is the firmware's) and before the generator is seeded. secure_boot: the firmware's
 * SecureBoot variable. Never fails the boot: every problem is one line. */
enum seed_file_state seed_file_mix(const struct kb_platform *pf, struct entropy_pool *pool,
				   bool secure_boot);

const char *seed_file_state_name(enum seed_file_state s);

#endif
