/* SPDX-License-Identifier: BSD-2-Clause */
#include "loader/handback.h"

#include "crypto/drbg.h"
#include "dtb/seeds.h"
#include "lib/log.h"
#include "loader/boot_count.h"
#include "loader/seed_table.h"

/* The generator's label for what is handed back (entropy_attempt_rng forks the boot's
 * generator, which advances: these bytes are no attempt's). Only pools that may hand over
 * credited entropy get here, never a fixed one, whose children would repeat. */
#define HANDBACK_LABEL "firmware handback"

void handback_commit(const struct kb_boot *b, bool own_seed_table)
{
	if (b->fw->fdt)
		dt_wipe_seeds(b->fw->fdt);
	if (own_seed_table)
		seed_table_retire_previous(b->fw->seed_table);
}

/* dt_refill_seeds' fill callback. */
static void fill_from(void *rng, void *buf, size_t len) { drbg_generate(rng, buf, len); }

void handback_return(struct kb_boot *b)
{
	struct drbg rng;
	unsigned dt_seeds = 0;
	boot_count_forget(b->pf);
	/* What the next kernel credits (the DT's rng-seed, the table) is refilled only from a
	 * pool that has the bits it claims; else the firmware's own bytes stay, unused by any
	 * OS (kaslboot handed nothing over). */
	if (!entropy_can_hand_over(&b->entropy.pool))
		return;
	entropy_attempt_rng(&b->entropy, HANDBACK_LABEL, &rng);
	if (b->fw->fdt)
		dt_refill_seeds(b->fw->fdt, fill_from, &rng, &dt_seeds);
	bool table = seed_table_refresh_previous(b->fw->seed_table, &rng);
	drbg_wipe(&rng);
	if (dt_seeds || table)
		log_info("for the next boot option: %u firmware DT seed(s)%s refilled with fresh "
			 "bytes",
			 dt_seeds, table ? " and the earlier random seed table" : "");
}
