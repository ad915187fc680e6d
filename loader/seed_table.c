#include "loader/seed_table.h"

#include <string.h>

#include "lib/err.h"
#include "lib/log.h"
#include "lib/secure_wipe.h"

const struct kb_guid linux_random_seed_table_guid = {
	0x1ce1e5bc, 0x7ceb, 0x42f2, { 0x81, 0xe5, 0x8a, 0xad, 0xf1, 0x80, 0xf5, 0x7b } };

/* The table's bits are credited up to a SHA-256's worth, like the seed file's. */
#define SEED_TABLE_CREDIT_MAX 256u

void seed_table_mix_previous(const void *table, struct entropy_pool *pool)
{
	const uint8_t *t = table;
	uint32_t size;
	if (!t)
		return;
	memcpy(&size, t, sizeof(size));
	if (!size || size > SEED_TABLE_PREV_MAX) {
		log_warn("an earlier random seed table of %u bytes: ignored", size);
		return;
	}
	unsigned bits = size * 8 < SEED_TABLE_CREDIT_MAX ? size * 8 : SEED_TABLE_CREDIT_MAX;
	entropy_add(pool, ENTROPY_SRC_EFI_SEED_TABLE, t + SEED_TABLE_HEADER, size, bits);
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
}

void seed_table_remove(const struct kb_platform *pf, bool *installed)
{
	if (*installed)
		pf->install_config_table(pf->ctx, &linux_random_seed_table_guid, NULL);
	*installed = false;
}
