/* SPDX-License-Identifier: BSD-2-Clause */
/* Reading and wiping the entropy the firmware left in its DT's /chosen (kaslr-seed,
 * rng-seed). kaslboot mixes them into its pool and never forwards them as they are. */
#ifndef KASLBOOT_DTB_SEEDS_H
#define KASLBOOT_DTB_SEEDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dtb/chosen.h"

struct dt_seeds {
	bool has_kaslr_seed;    /* an 8-byte, nonzero kaslr-seed was found */
	uint64_t kaslr_seed;    /* its value (big-endian in the DT), 0 if absent */
	size_t rng_seed_len;    /* bytes copied into rng_seed (0: none) */
	size_t rng_seed_dt_len; /* the property's full length (> rng_seed_len if cut) */
	uint8_t rng_seed[DT_RNG_SEED_MAX];
};

/* Fills *out from fdt's /chosen (fdt already validated). A kaslr-seed of the wrong length
 * is ignored with a warning (the kernel would ignore it too), a zero one counts as absent;
 * an rng-seed longer than DT_RNG_SEED_MAX contributes its first DT_RNG_SEED_MAX bytes.
 * A /chosen with two properties of one name (libfdt accepts it) is warned about: the
 * first, the one the kernel would read, is used. No /chosen or no seeds is not an error.
 * Returns 0. The caller wipes *out after use. */
int dt_read_seeds(const void *fdt, struct dt_seeds *out);

/* The one reader of /chosen/kaslr-seed (DT_KASLR_SEED_SIZE big-endian bytes), for
 * dt_read_seeds and for mm's on-CPU self test, which reads it through its fixmap. It does
 * not log, since the self test calls it while its own tables are live and interrupts are
 * masked. KB_OK: *seed is the value (0 included, which the kernel takes as none).
 * KB_ENOENT: no /chosen or no kaslr-seed. KB_EINVAL: the property is not 8 bytes long.
 * KB_ECORRUPT: fdt fails the header check, so it is no DT at all. *seed is 0 on error. */
int dt_kaslr_seed(const void *fdt, uint64_t *seed);

/* Zeroes the seeds in fdt in place, without changing the tree's size: kaslr-seed's bytes
 * become zero (what the kernel itself leaves behind, and "no seed" to it); rng-seed's
 * bytes are zeroed and the property then replaced by NOPs, so nobody credits zeros as
 * entropy. Every copy is wiped: duplicate properties, and every "chosen"/"chosen@..."
 * node under the root, not just the first that a lookup by name finds. Use it on the
 * firmware's blob and on any copy that still holds its seeds. */
int dt_wipe_seeds(void *fdt);

/* Writes len fresh bytes to buf. */
typedef void (*dt_seed_fill_fn)(void *arg, void *buf, size_t len);

/* Overwrites, in place, the value of every kaslr-seed and rng-seed in every chosen node
 * with fill's bytes (a kaslr-seed never all zeros), for a DT whose seeds were used but
 * whose next reader should find fresh ones. A seed wiped by dt_wipe_seeds is not brought
 * back: the tree's size never changes. *count says how many properties were refilled. */
int dt_refill_seeds(void *fdt, dt_seed_fill_fn fill, void *arg, unsigned *count);

#endif
