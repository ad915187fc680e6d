/* SPDX-License-Identifier: BSD-2-Clause */
#include "loader/seed_table.h"

#include <string.h>

#include "lib/err.h"
#include "lib/log.h"
#include "lib/secure_wipe.h"
#include "loader/bli.h"

const struct kb_guid linux_random_seed_table_guid = {
	0x1ce1e5bc, 0x7ceb, 0x42f2, { 0x81, 0xe5, 0x8a, 0xad, 0xf1, 0x80, 0xf5, 0x7b } };

/* The table's bits are credited up to a SHA-256's worth, like the seed file's. */
#define SEED_TABLE_CREDIT_MAX 256u

/* The size an earlier table's header gives, or 0 for none or one kaslboot does not take
 * (and so never reads, writes or zeroes past its header). */
static uint32_t previous_size(const void *table)
{
	uint32_t size = 0;
	if (table)
		memcpy(&size, table, sizeof(size));
	return size <= SEED_TABLE_PREV_MAX ? size : 0;
}

void seed_table_mix_previous(const void *table, struct entropy_pool *pool)
{
	const uint8_t *t = table;
	uint32_t size = previous_size(t);
	if (!t)
		return;
	if (!size) {
		uint32_t claimed;
		memcpy(&claimed, t, sizeof(claimed));
		log_warn("an earlier random seed table of %u bytes: ignored", claimed);
		return;
	}
	unsigned bits = size * 8 < SEED_TABLE_CREDIT_MAX ? size * 8 : SEED_TABLE_CREDIT_MAX;
	entropy_add(pool, ENTROPY_SRC_EFI_SEED_TABLE, t + SEED_TABLE_HEADER, size, bits);
}

/* systemd 252 and older (Debian 12) take the loader's seed from LoaderRandomSeed instead:
 * PID 1 credits it to the kernel's pool and marks /run/systemd/efi-random-seed-taken, which
 * `bootctl status` shows as "Passed to OS: yes" (systemd src/core/efi-random.c, removed in
 * 253 together with the variable). Its bytes are drawn after the table's, so the two never
 * repeat each other. */
static void loader_random_seed_set(const struct kb_platform *pf, struct drbg *rng)
{
	uint8_t seed[LOADER_RANDOM_SEED_BYTES];
	drbg_generate(rng, seed, sizeof(seed));
	if (pf->var_set(pf->ctx, &bli_vendor_guid, LOADER_RANDOM_SEED_VAR, BLI_VOLATILE, seed,
			sizeof(seed)))
		log_debug("could not set %s", LOADER_RANDOM_SEED_VAR);
	secure_wipe(seed, sizeof(seed));
}

void seed_table_install(const struct kb_platform *pf, struct drbg *rng,
			struct kb_allocs *allocs, bool *installed)
{
	uint64_t pa;
	*installed = false;
	if (kb_alloc_below(allocs, SEED_TABLE_HEADER + SEED_TABLE_BYTES, 0, KB_MEM_ACPI_RECLAIM,
			   &pa)) {
		log_warn("no memory for the random seed table: Linux gets rng-seed only");
		return;
	}
	uint8_t *t = (uint8_t *)(uintptr_t)pa;
	uint32_t size = SEED_TABLE_BYTES;
	memcpy(t, &size, sizeof(size));
	drbg_generate(rng, t + SEED_TABLE_HEADER, SEED_TABLE_BYTES);
	if (pf->install_config_table(pf->ctx, &linux_random_seed_table_guid, t)) {
		secure_wipe(t, SEED_TABLE_HEADER + SEED_TABLE_BYTES);
		kb_free(allocs, pa);
		log_warn("the random seed table cannot be installed: Linux gets rng-seed only");
		return;
	}
	*installed = true;
	loader_random_seed_set(pf, rng);
}

void seed_table_remove(const struct kb_platform *pf, void *previous, bool *installed)
{
	if (*installed) {
		/* The firmware's next boot option finds the table it would have found without
		 * kaslboot (InstallConfigurationTable with the earlier table replaces ours; with
		 * NULL it removes it). Never leave ours behind: its pages are about to be freed. */
		if (pf->install_config_table(pf->ctx, &linux_random_seed_table_guid, previous) &&
		    previous) {
			log_warn("the earlier random seed table cannot be put back: removed");
			pf->install_config_table(pf->ctx, &linux_random_seed_table_guid, NULL);
		}
		pf->var_set(pf->ctx, &bli_vendor_guid, LOADER_RANDOM_SEED_VAR, BLI_VOLATILE, NULL, 0);
	}
	*installed = false;
}

void seed_table_retire_previous(void *previous)
{
	uint32_t size = previous_size(previous);
	if (size)
		secure_wipe(previous, SEED_TABLE_HEADER + size);
}

bool seed_table_refresh_previous(void *previous, struct drbg *rng)
{
	uint32_t size = previous_size(previous);
	if (!size)
		return false;
	drbg_generate(rng, (uint8_t *)previous + SEED_TABLE_HEADER, size);
	return true;
}
