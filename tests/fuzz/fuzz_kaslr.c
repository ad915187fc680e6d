/* SPDX-License-Identifier: BSD-2-Clause */
/* Slot choice over a fuzzed memory map: kaslr_choose() (random and lowest) and
 * kaslr_claim(). The input is a mode byte, a request, up to 8 ranges to avoid, a generator
 * seed and up to 16 memory-map entries.
 * Invariants, for every chosen base B:
 * - B is aligned, and [B + offset, B + offset + size) lies inside ONE eligible map entry
 *   (conventional, neither hot-pluggable nor soft-reserved; mirrored if any mirrored entry
 *   has a slot), at or above max(min_addr, 1), below max_addr, clear of every avoid range;
 * - the lowest-slot mode returns no slot above a random one;
 * - in the "small" mode (addresses below 64 MiB) every aligned base is tried by brute
 *   force: the slot count and the lowest slot must match, and KB_ENOSPC comes exactly when
 *   there is none;
 * - kaslr_claim() claims exactly [B + offset, + size) of a valid slot, never a range the
 *   firmware refused before, and gives up after the attempts allowed;
 * - a refusal logs exactly one error line (KB_ENOSPC from kaslr_claim logs none). */
#include "fuzz.h"
#include "lib/err.h"
#include "loader/kaslr.h"
#include "loader/kaslr_claim.h"

#define MAX_ENTRIES 16
#define SMALL_SPAN  (64ull << 20)

struct input {
	struct memmap map;
	struct memmap_entry e[MAX_ENTRIES];
	struct kaslr_request req;
	struct kaslr_range avoid[KASLR_MAX_AVOID];
	bool small;
};

static bool eligible(const struct memmap_entry *e, bool mirrored_only)
{
	return e->type == MEMMAP_CONVENTIONAL &&
	       !(e->attr & (MEMMAP_ATTR_HOT_PLUGGABLE | MEMMAP_ATTR_SP)) &&
	       (!mirrored_only || (e->attr & MEMMAP_ATTR_MORE_RELIABLE));
}

/* Inclusive last byte of [base, base + size), size > 0, saturating at 2^64 - 1. */
static uint64_t last_of(uint64_t base, uint64_t size)
{
	return size - 1 > UINT64_MAX - base ? UINT64_MAX : base + (size - 1);
}

/* How many (entry, slot) pairs have B as a slot: the documented rule, checked directly
 * (with or without the request's ranges to avoid). */
FUZZ_REFERENCE static unsigned slot_hits_avoiding(const struct input *in, uint64_t b, bool mirrored_only,
				   bool use_avoid)
{
	const struct kaslr_request *r = &in->req;
	uint64_t first, last, lo = r->min_addr ? r->min_addr : 1;
	unsigned hits = 0;

	if (b & (r->align - 1) || r->offset > UINT64_MAX - b)
		return 0;
	first = b + r->offset;
	if (r->size - 1 > UINT64_MAX - first)
		return 0;
	last = first + (r->size - 1);
	if (first < lo || (r->max_addr && last > r->max_addr - 1))
		return 0;
	for (size_t i = 0; use_avoid && i < r->n_avoid; i++)
		if (r->avoid[i].size && first <= last_of(r->avoid[i].base, r->avoid[i].size) &&
		    r->avoid[i].base <= last)
			return 0;
	for (size_t i = 0; i < in->map.count; i++) {
		const struct memmap_entry *e = &in->e[i];
		if (!e->pages || !eligible(e, mirrored_only))
			continue;
		if (first >= e->phys && last <= e->phys + (e->pages * MEMMAP_PAGE_SIZE - 1))
			hits++;
	}
	return hits;
}

static unsigned slot_hits(const struct input *in, uint64_t b, bool mirrored_only)
{
	return slot_hits_avoiding(in, b, mirrored_only, true);
}

/* Brute force over every aligned base below SMALL_SPAN: slot count and lowest slot. */
FUZZ_REFERENCE static uint64_t brute_count(const struct input *in, bool mirrored_only, uint64_t *lowest)
{
	uint64_t n = 0;

	*lowest = UINT64_MAX;
	for (uint64_t b = 0; b < SMALL_SPAN; b += in->req.align) {
		unsigned h = slot_hits(in, b, mirrored_only);
		if (h && b < *lowest)
			*lowest = b;
		n += h;
	}
	return n;
}

static bool map_wraps(const struct input *in)
{
	for (size_t i = 0; i < in->map.count; i++) {
		const struct memmap_entry *e = &in->e[i];
		if (e->pages && (e->pages > (UINT64_MAX - e->phys) / MEMMAP_PAGE_SIZE + 1 ||
				 e->pages * MEMMAP_PAGE_SIZE - 1 > UINT64_MAX - e->phys))
			return true;
	}
	return false;
}

static void read_input(struct fuzz_in *fi, struct input *in)
{
	/* No 4 KiB alignment here: the brute force would try 16K bases. */
	static const uint64_t small_aligns[] = { 0x4000, 0x10000, 0x200000, 0x400000 };
	uint8_t mode = fuzz_u8(fi);

	memset(in, 0, sizeof(*in));
	in->small = mode & 1;
	in->map.entries = in->e;
	if (in->small) {
		in->req.align = small_aligns[fuzz_u8(fi) % 4];
		in->req.offset = (uint64_t)fuzz_u8(fi) * 0x1000;
		in->req.size = 1 + (uint64_t)fuzz_u16(fi) * 0x100;
		in->req.min_addr = (uint64_t)fuzz_u8(fi) * 0x10000;
		in->req.max_addr = mode & 2 ? (uint64_t)fuzz_u16(fi) * 0x1000 : 0;
	} else {
		in->req.align = 1ull << (fuzz_u8(fi) % 64);
		in->req.offset = fuzz_u64(fi);
		in->req.size = fuzz_u64(fi);
		in->req.min_addr = fuzz_u64(fi);
		in->req.max_addr = mode & 2 ? fuzz_u64(fi) : 0;
	}
	in->req.n_avoid = (mode >> 2) % (KASLR_MAX_AVOID + 2); /* one too many now and then */
	for (size_t i = 0; i < KASLR_MAX_AVOID; i++) {
		in->avoid[i].base = in->small ? (uint64_t)fuzz_u16(fi) * 0x400 : fuzz_u64(fi);
		in->avoid[i].size = in->small ? (uint64_t)fuzz_u16(fi) * 0x100 : fuzz_u64(fi);
	}
	in->req.avoid = in->avoid;
	in->map.count = fuzz_u8(fi) % (MAX_ENTRIES + 1);
	for (size_t i = 0; i < in->map.count; i++) {
		struct memmap_entry *e = &in->e[i];
		uint8_t t = fuzz_u8(fi), a = fuzz_u8(fi);
		e->type = t < 0xc0 ? MEMMAP_CONVENTIONAL : t % 15;
		e->attr = MEMMAP_ATTR_WB | (a & 1 ? MEMMAP_ATTR_MORE_RELIABLE : 0) |
			  (a & 2 ? MEMMAP_ATTR_HOT_PLUGGABLE : 0) | (a & 4 ? MEMMAP_ATTR_SP : 0);
		if (in->small) {
			e->phys = (uint64_t)fuzz_u8(fi) * 0x20000;
			e->pages = (uint64_t)fuzz_u8(fi) * 32;
		} else {
			e->phys = fuzz_u64(fi) & ~(MEMMAP_PAGE_SIZE - 1);
			e->pages = fuzz_u64(fi) >> (fuzz_u8(fi) % 64);
		}
	}
}

struct claim_log {
	unsigned refuse_mask, calls;
	uint64_t start[KASLR_MAX_AVOID + 1], size[KASLR_MAX_AVOID + 1];
};

static int fake_claim(uint64_t start, uint64_t size, void *ctx)
{
	struct claim_log *c = ctx;
	unsigned n = c->calls++;

	FUZZ_CHECK(n <= KASLR_MAX_AVOID);
	c->start[n] = start;
	c->size[n] = size;
	return (c->refuse_mask >> n) & 1 ? KB_ENOMEM : 0;
}

static void check_claim(struct input *in, struct drbg *rng, unsigned refuse_mask,
			unsigned attempts)
{
	struct kaslr_request req = in->req;
	struct claim_log c = { .refuse_mask = refuse_mask };
	uint64_t base = 0, nslots = 0;
	unsigned mark = fuzz_errors;
	int r;

	req.avoid = NULL;
	req.n_avoid = 0;
	r = kaslr_claim(&in->map, &req, true, rng, attempts, fake_claim, &c, "fuzz", &base,
			&nslots);
	FUZZ_CHECK(c.calls <= attempts);
	for (unsigned i = 0; i < c.calls; i++) {
		/* Each claim is a slot's region, and none repeats a refused one. */
		FUZZ_CHECK(c.start[i] >= req.offset &&
			   slot_hits_avoiding(in, c.start[i] - req.offset, false, false));
		FUZZ_CHECK(c.size[i] == req.size);
		for (unsigned j = 0; j < i; j++)
			FUZZ_CHECK(c.start[i] + c.size[i] - 1 < c.start[j] ||
				   c.start[j] + c.size[j] - 1 < c.start[i]);
	}
	if (r == 0) {
		FUZZ_CHECK(c.calls >= 1 && !((refuse_mask >> (c.calls - 1)) & 1));
		FUZZ_CHECK(base + req.offset == c.start[c.calls - 1] && nslots >= 1);
		FUZZ_CHECK(fuzz_errors_since(mark) == 0);
	} else {
		/* KB_ENOSPC: every slot was refused and avoided; kaslr_choose says so. */
		FUZZ_CHECK(r == KB_ENOMEM || r == KB_ENOSPC);
		FUZZ_CHECK(r != KB_ENOMEM || c.calls == attempts);
		FUZZ_CHECK(fuzz_errors_since(mark) == 1);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in fi = { data, size };
	static struct input in;
	uint8_t seed[DRBG_SEED_SIZE] = { 0 };
	uint64_t rbase = 0, lbase = 0, rn = 0, ln = 0;
	struct drbg rng;
	unsigned mark;
	int r, r2;

	fuzz_log_reset();
	read_input(&fi, &in);
	for (size_t i = 0; i < sizeof(seed); i++)
		seed[i] = fuzz_u8(&fi);
	drbg_seed(&rng, seed);

	mark = fuzz_errors;
	r = kaslr_choose(&in.map, &in.req, true, &rng, &rbase, &rn);
	r2 = kaslr_choose(&in.map, &in.req, false, NULL, &lbase, &ln);
	FUZZ_CHECK(r == r2);
	if (r) {
		FUZZ_CHECK(r == KB_ENOSPC || r == KB_EINVAL || r == KB_ERANGE);
		FUZZ_CHECK(fuzz_errors_since(mark) == 2);
		if (r == KB_ERANGE)
			FUZZ_CHECK(map_wraps(&in));
	} else {
		FUZZ_CHECK(fuzz_errors_since(mark) == 0);
		FUZZ_CHECK(rn == ln && rn >= 1);
		FUZZ_CHECK(lbase <= rbase);
	}
	/* A bad request is one the header rules out. */
	bool bad = !in.req.align || (in.req.align & (in.req.align - 1)) ||
		   in.req.align < MEMMAP_PAGE_SIZE || !in.req.size ||
		   in.req.offset > UINT64_MAX - (in.req.size - 1) || in.req.n_avoid > KASLR_MAX_AVOID;
	FUZZ_CHECK(bad == (r == KB_EINVAL));
	if (bad)
		return 0;

	if (!r) {
		/* Both bases: slots of the mirrored entries if those have any, else of all. */
		bool mirrored = slot_hits(&in, rbase, true) > 0;
		FUZZ_CHECK(slot_hits(&in, rbase, false) >= 1 && slot_hits(&in, lbase, false) >= 1);
		FUZZ_CHECK(mirrored == (slot_hits(&in, lbase, true) > 0));
	}
	if (in.small && r != KB_ERANGE) {
		uint64_t low_m, low_a;
		uint64_t nm = brute_count(&in, true, &low_m), na = brute_count(&in, false, &low_a);
		uint64_t want = nm ? nm : na, want_low = nm ? low_m : low_a;
		/* Mirrored memory with a slot is the only candidate. */
		if (!r)
			FUZZ_CHECK((slot_hits(&in, rbase, true) > 0) == (nm > 0));
		FUZZ_CHECKF(r == (want ? 0 : KB_ENOSPC), "kaslr_choose %d, %llu slots by brute force",
			    r, (unsigned long long)want);
		if (!r)
			FUZZ_CHECKF(rn == want && lbase == want_low,
				    "%llu slots lowest 0x%llx; brute force %llu lowest 0x%llx",
				    (unsigned long long)rn, (unsigned long long)lbase,
				    (unsigned long long)want, (unsigned long long)want_low);
	}
	if (!r)
		check_claim(&in, &rng, fuzz_u8(&fi), 1 + fuzz_u8(&fi) % KASLR_MAX_AVOID);
	return 0;
}
