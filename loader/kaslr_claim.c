/* SPDX-License-Identifier: BSD-2-Clause */
#include "loader/kaslr_claim.h"

#include "lib/err.h"
#include "lib/log.h"

int kaslr_claim(const struct memmap *map, const struct kaslr_request *req, bool random,
		struct drbg *rng, unsigned attempts, kaslr_claim_fn claim, void *ctx,
		const char *what, uint64_t *out_base, uint64_t *out_nslots)
{
	struct kaslr_range avoid[KASLR_MAX_AVOID];
	struct kaslr_request r = *req;

	if (!claim || attempts == 0 || attempts > KASLR_MAX_AVOID || req->n_avoid)
		return log_error_ret(KB_EINVAL, "%s: bad slot claim request", what);
	r.avoid = avoid;
	r.n_avoid = 0;
	for (unsigned i = 0; i < attempts; i++) {
		uint64_t base, nslots;
		int rc = kaslr_choose(map, &r, random, rng, &base, &nslots);
		if (rc)
			return rc;
		if (i == 0 && out_nslots)
			*out_nslots = nslots;
		if (claim(base + r.offset, r.size, ctx) == 0) {
			*out_base = base;
			return 0;
		}
		log_warn("%s: slot 0x%llx was taken meanwhile: drawing again", what,
			 (unsigned long long)base);
		avoid[r.n_avoid].base = base + r.offset;
		avoid[r.n_avoid].size = r.size;
		r.n_avoid++;
	}
	return log_error_ret(KB_ENOMEM, "%s: the firmware refused %u slots in a row", what,
			     attempts);
}
