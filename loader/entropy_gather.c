/* SPDX-License-Identifier: BSD-2-Clause */
#include "loader/entropy_gather.h"

#include <string.h>

#include "dtb/seeds.h"
#include "dtb/validate.h"
#include "lib/counter.h"
#include "lib/err.h"
#include "lib/log.h"
#include "lib/rndr.h"
#include "lib/secure_wipe.h"
#include "loader/phase_time.h"
#include "loader/seed_file.h"
#include "loader/seed_table.h"

/* Bytes asked of EFI_RNG_PROTOCOL and RNDR reads: 256 bits each, the pool's hash width. */
#define EFI_RNG_BYTES 32
#define RNDR_READS 4

static void add_efi_rng(const struct kb_platform *pf, struct entropy_pool *pool)
{
	uint8_t buf[EFI_RNG_BYTES];
	if (pf->rng(pf->ctx, buf, sizeof(buf)))
		return;   /* no protocol, or its failure was logged */
	entropy_add(pool, ENTROPY_SRC_EFI_RNG, buf, sizeof(buf), 8 * sizeof(buf));
	secure_wipe(buf, sizeof(buf));
}

static void add_rndr(struct entropy_pool *pool)
{
	uint64_t v[RNDR_READS];
	unsigned got = 0;
	if (!cpu_has_rndr())
		return;
	for (unsigned i = 0; i < RNDR_READS; i++)
		if (cpu_rndr(&v[got]))
			got++;
	if (got)
		entropy_add(pool, ENTROPY_SRC_RNDR, v, got * sizeof(v[0]), 64 * got);
	else
		log_warn("RNDR returned no entropy");
	secure_wipe(v, sizeof(v));
}

static void add_dt_seeds(const struct kb_firmware *fw, struct entropy_pool *pool)
{
	static struct dt_seeds seeds; /* static: rng-seed may be 512 bytes */
	void *fw_fdt = fw->fdt;
	if (!fw_fdt || !fw->fdt_size ||
	    (!fw->fdt_valid && dt_validate(fw_fdt, fw->fdt_size, "firmware devicetree")))
		return;
	if (dt_read_seeds(fw_fdt, &seeds))
		return;
	if (seeds.has_kaslr_seed) {
		uint8_t be[8];
		for (int i = 0; i < 8; i++)
			be[i] = (uint8_t)(seeds.kaslr_seed >> (56 - 8 * i));
		entropy_add(pool, ENTROPY_SRC_DT_KASLR_SEED, be, sizeof(be), 64);
		secure_wipe(be, sizeof(be));
	}
	if (seeds.rng_seed_len)
		entropy_add(pool, ENTROPY_SRC_DT_RNG_SEED, seeds.rng_seed, seeds.rng_seed_len,
			    8 * (unsigned)seeds.rng_seed_len);
	secure_wipe(&seeds, sizeof(seeds));
	/* The firmware's copy is wiped once kaslboot commits to an entry, and refilled if it
	 * returns instead (loader/handback.h): the next boot option must find seeds too. */
}

int entropy_gather(const struct kb_platform *pf, const struct kb_firmware *fw,
		   const struct kb_loader_conf *conf, struct boot_entropy *be)
{
	struct entropy_pool *pool = &be->pool;
	phase_enter(PHASE_ENTROPY);
	entropy_init(pool);
	memset(&be->rng, 0, sizeof(be->rng));
	add_dt_seeds(fw, pool);
	add_efi_rng(pf, pool);
	add_rndr(pool);
	seed_table_mix_previous(fw->seed_table, pool);
	uint64_t c = cpu_counter();
	entropy_add(pool, ENTROPY_SRC_COUNTER, &c, sizeof(c), 0);
	/* Last: the next boot's seed is derived from everything above. */
	be->seed_file = conf && conf->random_seed_off ? SEED_FILE_OFF :
							seed_file_mix(pf, pool, fw->secure_boot);
	if (conf && conf->kaslr_seed_fixed) {
		uint64_t s = conf->kaslr_seed;
		entropy_add(pool, ENTROPY_SRC_CONFIG_SEED, &s, sizeof(s), 0);
		log_warn("loader.conf kaslr-seed is set: the layout is fixed and predictable");
	}
	int rc = entropy_finish(pool, &be->rng);
	entropy_summary(pool, be->sources, sizeof(be->sources));
	if (rc)
		log_error("no entropy source at all");
	log_info("entropy: %s (%u bits credited); seed file %s", be->sources,
		 entropy_strong_bits(pool), seed_file_state_name(be->seed_file));
	if (!rc && !entropy_is_fixed(pool) && !entropy_can_hand_over(pool))
		log_info("entropy: under %u bits credited: no rng-seed, seed table or "
			 "LoaderRandomSeed for the OS (a kaslr-seed at most)",
			 ENTROPY_HANDOFF_BITS);
	return rc;
}

void entropy_attempt_rng(struct boot_entropy *be, const char *entry_id, struct drbg *out)
{
	if (entropy_is_fixed(&be->pool))
		drbg_derive(&be->rng, entry_id, out);
	else
		drbg_fork(&be->rng, entry_id, out);
}

void entropy_gather_wipe(struct boot_entropy *be)
{
	drbg_wipe(&be->rng);
}
