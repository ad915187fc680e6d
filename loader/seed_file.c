/* SPDX-License-Identifier: BSD-2-Clause */
#include "loader/seed_file.h"

#include <string.h>

#include "lib/err.h"
#include "lib/log.h"
#include "lib/secure_wipe.h"
#include "loader/bli.h"
#include "crypto/drbg.h"

/* LoaderSystemToken, mixed when present (never credited: it is per installation, not
 * secret from the OS). True when it is missing or too short, so wants creating. */
static bool mix_system_token(const struct kb_platform *pf, struct entropy_pool *pool)
{
	uint8_t token[SYSTEM_TOKEN_SIZE * 2];
	size_t size = sizeof(token);
	bool want = false;
	int rc = pf->var_get(pf->ctx, &bli_vendor_guid, SYSTEM_TOKEN_VAR, token, &size, NULL);
	if (!rc && size)
		entropy_add(pool, ENTROPY_SRC_SYSTEM_TOKEN, token, size, 0);
	if (!rc && size < SYSTEM_TOKEN_SIZE) {
		log_warn("%s: %zu bytes, shorter than %u: mixed, to be replaced", SYSTEM_TOKEN_VAR,
			 size, SYSTEM_TOKEN_SIZE);
		want = true;
	} else if (rc == KB_ENOENT) {
		want = true;
	} else if (rc) {
		log_warn("%s: cannot be read (%s)", SYSTEM_TOKEN_VAR, kb_strerror(rc));
	}
	secure_wipe(token, sizeof(token));
	return want;
}

/* Once per installation, from everything gathered so far, and only from a pool with
 * credited bits: a token made of the counter alone would be as guessable on every clone. */
static void create_system_token(const struct kb_platform *pf, struct entropy_pool *pool)
{
	uint8_t token[SYSTEM_TOKEN_SIZE];
	if (!entropy_strong_bits(pool)) {
		log_info("%s: not created: no credited source this boot", SYSTEM_TOKEN_VAR);
		return;
	}
	entropy_peek(pool, "kaslboot system token", token);
	if (pf->var_set(pf->ctx, &bli_vendor_guid, SYSTEM_TOKEN_VAR,
			KB_VAR_NON_VOLATILE | KB_VAR_BOOTSERVICE | KB_VAR_RUNTIME, token,
			SYSTEM_TOKEN_SIZE))
		log_warn("%s: cannot be stored in NVRAM: cloned disks will share seeds",
			 SYSTEM_TOKEN_VAR);
	else
		entropy_add(pool, ENTROPY_SRC_SYSTEM_TOKEN, token, SYSTEM_TOKEN_SIZE, 0);
	secure_wipe(token, sizeof(token));
}

/* The next boot's seed: len bytes derived from the whole pool, old seed included, under a
 * label of its own (so it is never this boot's generator seed). */
static void next_seed(const struct entropy_pool *pool, uint8_t *buf, size_t len)
{
	uint8_t key[SHA256_DIGEST_SIZE];
	struct drbg g;
	entropy_peek(pool, "kaslboot random-seed file", key);
	drbg_seed(&g, key);
	drbg_generate(&g, buf, len);
	drbg_wipe(&g);
	secure_wipe(key, sizeof(key));
}

/* The next seed as a whole new file (created, or replacing one of the wrong size), flushed.
 * True when it reached the medium. */
static bool write_next_seed(const struct kb_platform *pf, const struct entropy_pool *pool,
			    uint8_t *buf, size_t len)
{
	next_seed(pool, buf, len);
	int rc = pf->file_write(pf->ctx, SEED_FILE_PATH, buf, len);
	secure_wipe(buf, len);
	return rc == 0;
}

/* The next seed written in place over the old one through the handle it was read from
 * (same size: no truncation, so a power cut leaves the old or the new seed), flushed:
 * one open, one write, one flush for the whole file's work. True when it reached the
 * medium. */
static int rewrite_next_seed(const struct kb_platform *pf, void *fh,
			     const struct entropy_pool *pool, uint8_t *buf, size_t len)
{
	next_seed(pool, buf, len);
	int rc = pf->file_rewrite(pf->ctx, fh, buf, len);
	secure_wipe(buf, len);
	return rc;
}

/* Reads up to SEED_FILE_MAX bytes of the seed into pool memory (*buf) and mixes them,
 * uncredited for now. */
static int read_and_mix(const struct kb_platform *pf, void *fh, struct entropy_pool *pool,
			uint64_t size, uint8_t **buf)
{
	uint64_t take = size > SEED_FILE_MAX ? SEED_FILE_MAX : size;
	*buf = pf->pool_alloc(pf->ctx, take > SEED_FILE_NEW_SIZE ? (size_t)take : SEED_FILE_NEW_SIZE);
	if (!*buf)
		return log_warn_ret(KB_ENOMEM, "%s: no memory to read it", SEED_FILE_PATH);
	int rc = pf->file_read(pf->ctx, fh, 0, *buf, take);
	if (rc)
		return rc;
	entropy_add(pool, ENTROPY_SRC_SEED_FILE, *buf, (size_t)take, 0);
	return 0;
}

/* Opens the seed file for reading and rewriting; *writable false when the ESP refuses
 * writes (then it is opened to be read and mixed all the same). */
static int open_seed(const struct kb_platform *pf, void **fh, uint64_t *size, bool *writable)
{
	int rc = pf->file_open_rw(pf->ctx, SEED_FILE_PATH, fh, size);
	*writable = rc == 0;
	if (rc == KB_EPERM)
		rc = pf->file_open(pf->ctx, SEED_FILE_PATH, fh, size);
	return rc;
}

/* The seed file itself. fw_bits: what the firmware's sources were credited with, before
 * anything from the ESP; trusted: the file may be credited (not Secure Boot, or a firmware
 * source besides). */
static enum seed_file_state seed_file_update(const struct kb_platform *pf,
					     struct entropy_pool *pool, unsigned fw_bits,
					     bool trusted)
{
	uint64_t size = 0;
	uint8_t *buf = NULL, fresh[SEED_FILE_NEW_SIZE];
	bool can_make = fw_bits >= SEED_FILE_CREDIT_BITS, writable;
	enum seed_file_state state;
	void *fh;

	int rc = open_seed(pf, &fh, &size, &writable);
	if (rc == KB_ENOENT) {
		if (!can_make) {
			log_info("%s: missing, not created: %u bits credited, a new seed needs %u",
				 SEED_FILE_PATH, fw_bits, SEED_FILE_CREDIT_BITS);
			return SEED_FILE_NOT_CREATED;
		}
		if (write_next_seed(pf, pool, fresh, sizeof(fresh)))
			return SEED_FILE_CREATED;
		return log_warn_ret(
			SEED_FILE_NONE,
			"%s: missing, and it cannot be created: no seed for the next boot",
			SEED_FILE_PATH);
	}
	if (!rc) {
		rc = read_and_mix(pf, fh, pool, size, &buf);
		if (rc)
			pf->file_close(pf->ctx, fh);
	}
	if (rc) {
		if (buf)
			pf->pool_free(pf->ctx, buf);
		return log_warn_ret(SEED_FILE_UNREADABLE, "%s: cannot be read: not used",
				    SEED_FILE_PATH);
	}
	if (size < SEED_FILE_MIN || size > SEED_FILE_MAX) {
		log_warn("%s: %lu bytes, outside %u..%u: mixed, not credited, %s", SEED_FILE_PATH,
			 (unsigned long)size, SEED_FILE_MIN, SEED_FILE_MAX,
			 can_make ? "replaced" : "kept (too few credited bits to make a new seed)");
		pf->file_close(pf->ctx, fh); /* replaced whole: closed first */
		if (can_make)
			write_next_seed(pf, pool, buf, SEED_FILE_NEW_SIZE);
		state = SEED_FILE_BAD_SIZE;
	} else if (!writable || (rc = rewrite_next_seed(pf, fh, pool, buf, (size_t)size))) {
		/* Why, in the user's words: a volume that refuses writes, or the disk's error. */
		log_warn("%s: cannot be rewritten (%s): mixed, not credited", SEED_FILE_PATH,
			 !writable ? "the ESP refuses writes" : kb_strerror(rc));
		state = SEED_FILE_NOT_CREDITED;
	} else if (!trusted) {
		/* Rewritten all the same: the next boot's seed differs from this one's. Not
		 * credited: anyone with root in the OS can write the ESP. */
		log_warn("%s: Secure Boot is on and no firmware source was credited: mixed, not "
			 "credited",
			 SEED_FILE_PATH);
		state = SEED_FILE_UNTRUSTED;
	} else {
		entropy_credit(pool, ENTROPY_SRC_SEED_FILE,
			       size * 8 < SEED_FILE_CREDIT_BITS ? (unsigned)size * 8
								: SEED_FILE_CREDIT_BITS);
		state = SEED_FILE_CREDITED;
	}
	if (state != SEED_FILE_BAD_SIZE)
		pf->file_close(pf->ctx, fh);
	pf->pool_free(pf->ctx, buf);
	return state;
}

enum seed_file_state seed_file_mix(const struct kb_platform *pf, struct entropy_pool *pool,
				   bool secure_boot)
{
	/* Nothing from the ESP or NVRAM was credited yet: this is the firmware's share. */
	unsigned fw_bits = entropy_strong_bits(pool);
	bool want_token = mix_system_token(pf, pool);
	enum seed_file_state state =
		seed_file_update(pf, pool, fw_bits, !secure_boot || fw_bits > 0);
	/* After the file: a trusted seed file is a credited source for the token too. */
	if (want_token)
		create_system_token(pf, pool);
	return state;
}

const char *seed_file_state_name(enum seed_file_state s)
{
	static const char *const names[] = {
		[SEED_FILE_CREDITED] = "credited",
		[SEED_FILE_CREATED] = "created",
		[SEED_FILE_NOT_CREATED] = "missing, not created (too few credited bits)",
		[SEED_FILE_UNTRUSTED] = "mixed, not credited (Secure Boot and no firmware source)",
		[SEED_FILE_NOT_CREDITED] = "mixed, not credited",
		[SEED_FILE_BAD_SIZE] = "bad size, mixed, not credited",
		[SEED_FILE_UNREADABLE] = "unreadable",
		[SEED_FILE_NONE] = "none",
		[SEED_FILE_OFF] = "off (random-seed-mode off)",
	};
	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}
