/* SPDX-License-Identifier: BSD-2-Clause */
/* The boot's entropy, gathered once before the first entry is tried (a fallback entry is
 * as strong as the first: the firmware DT's seeds are consumed and zeroed on first read).
 * Every source the machine has is mixed into one pool: the firmware DT's kaslr-seed and
 * rng-seed (then zeroed in the firmware's copy, so no later reader, kaslboot's own DT copy
 * included, sees them), EFI_RNG_PROTOCOL, RNDR, an earlier random seed table, the
 * counter, LoaderSystemToken and \loader\random-seed (rewritten before the generator is
 * seeded: loader/seed_file.h), and the fixed seed of loader.conf if any. The pool seeds the boot's generator; each boot attempt then gets a
 * generator of its own (entropy_attempt_rng). */
#ifndef KASLBOOT_LOADER_ENTROPY_GATHER_H
#define KASLBOOT_LOADER_ENTROPY_GATHER_H

#include <stdbool.h>

#include "loader/config.h"
#include "crypto/drbg.h"
#include "loader/entropy.h"
#include "loader/platform.h"
#include "loader/seed_file.h"

struct boot_entropy {
	struct entropy_pool pool;          /* finished: bookkeeping only (sources, credits) */
	struct drbg rng;                   /* the boot's generator */
	char sources[ENTROPY_SUMMARY_MAX]; /* "dt-kaslr-seed,efi-rng,counter" */
	enum seed_file_state seed_file;    /* what happened to \loader\random-seed */
};

/* Returns 0, or KB_ENOENT after one error line when no source at all contributed. */
int entropy_gather(const struct kb_platform *pf, const struct kb_firmware *fw,
		   const struct kb_loader_conf *conf, struct boot_entropy *be);

/* The generator for one attempt at entry entry_id, drawn in the order crypto/drbg.h
 * documents. Fresh boot-generator output every call, so no two attempts share a draw;
 * with a fixed seed it depends on the entry id alone, so an entry gets the same layout
 * whichever attempt boots it. */
void entropy_attempt_rng(struct boot_entropy *be, const char *entry_id, struct drbg *out);

void entropy_gather_wipe(struct boot_entropy *be);

#endif
