/* SPDX-License-Identifier: BSD-2-Clause */
/* Claiming a drawn slot from the firmware. kaslr_choose() draws from a snapshot of the
 * memory map; the firmware may have allocated part of that slot since (its own events,
 * the pool allocations of the loader itself), so AllocatePages(AllocateAddress) can say
 * no. Then the slot is drawn again with the refused range avoided, a bounded number of
 * times. The policy lives here, portable and tested; efi/ only supplies the claim. */
#ifndef KASLBOOT_LOADER_KASLR_CLAIM_H
#define KASLBOOT_LOADER_KASLR_CLAIM_H

#include <stdbool.h>
#include <stdint.h>

#include "loader/kaslr.h"

/* A refusal means the snapshot was stale by one allocation or two; four draws in a row
 * refused mean something else is wrong, and a retry would only hide it. */
#define KASLR_CLAIM_ATTEMPTS 4

/* Claims [start, start + size); 0 on success, any error when the firmware refuses. */
typedef int (*kaslr_claim_fn)(uint64_t start, uint64_t size, void *ctx);

/* Draws a slot for req (req->avoid must be empty: this function owns the avoid list),
 * claims [base + req->offset, + req->size) through claim(), and on refusal draws again
 * with that range avoided, at most `attempts` (1..KASLR_MAX_AVOID) times. *out_nslots is
 * the slot count of the first draw (the entropy the log reports). Returns 0; KB_ENOSPC
 * when no slot is left (kaslr_choose's error line gives the request; the caller adds what
 * did not fit); KB_ENOMEM after one error line naming `what` when every attempt was
 * refused; KB_EINVAL for bad arguments. */
int kaslr_claim(const struct memmap *map, const struct kaslr_request *req, bool random,
		struct drbg *rng, unsigned attempts, kaslr_claim_fn claim, void *ctx,
		const char *what, uint64_t *out_base, uint64_t *out_nslots);

#endif
