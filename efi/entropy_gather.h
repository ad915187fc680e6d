#ifndef KASLBOOT_EFI_ENTROPY_GATHER_H
#define KASLBOOT_EFI_ENTROPY_GATHER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "loader/config.h"
#include "loader/drbg.h"
#include "loader/entropy.h"

/* Mixes every source the machine has into `pool`: the firmware DT's kaslr-seed and
 * rng-seed (then zeroed in the firmware's copy, so no later reader, kaslboot's own DT
 * copy included, sees them), EFI_RNG_PROTOCOL, RNDR, the counter, and the fixed seed of
 * loader.conf if any. Then seeds *rng. Returns 0 or an error (no source at all). */
int entropy_gather(void *fw_fdt, size_t fw_fdt_size, const struct kb_loader_conf *conf,
		   struct entropy_pool *pool, struct drbg *rng);

#endif
