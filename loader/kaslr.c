/* SPDX-License-Identifier: BSD-2-Clause */
#include "loader/kaslr.h"

#include "lib/align.h"
#include "lib/err.h"
#include "lib/log.h"

/* Ranges are handled with inclusive last bytes so that a range ending at 2^64 is
 * representable in 64 bits. */
struct span {
	uint64_t first;
	uint64_t last;
};

struct slot_walk {
	const struct kaslr_request *req;
	uint64_t lo;        /* lowest byte a region may start at */
	uint64_t hi;        /* highest byte a region may end at */
	uint64_t need;      /* offset + size - 1: base to last byte of the region */
	struct span avoid[KASLR_MAX_AVOID];
	size_t n_avoid;
	bool mirrored_only;
	uint64_t total;     /* slots seen */
	bool overflow;
	bool picking;       /* map slot index `pick` to an address */
	uint64_t pick;
	bool found;
	uint64_t picked;
	bool have_lowest;
	uint64_t lowest;
};

static uint64_t min_u64(uint64_t a, uint64_t b) { return a < b ? a : b; }
static uint64_t max_u64(uint64_t a, uint64_t b) { return a > b ? a : b; }

/* Slots whose region lies inside [first, last] (one hole-free fragment of one entry). */
static void walk_fragment(struct slot_walk *w, uint64_t first, uint64_t last)
{
	uint64_t align = w->req->align, bmin, bfirst, blast, n;

	if (last < w->need)
		return;
	/* B + offset >= first, and B + need <= last. */
	bmin = first > w->req->offset ? first - w->req->offset : 0;
	if (bmin > UINT64_MAX - (align - 1))
		return;
	bfirst = align_up(bmin, align);
	blast = align_down(last - w->need, align);
	if (bfirst > blast)
		return;
	n = (blast - bfirst) / align + 1;

	if (!w->have_lowest || bfirst < w->lowest) {
		w->lowest = bfirst;
		w->have_lowest = true;
	}
	if (w->picking && !w->found) {
		if (w->pick < n) {
			w->picked = bfirst + w->pick * align;
			w->found = true;
		} else {
			w->pick -= n;
		}
	}
	if (w->total > UINT64_MAX - n)
		w->overflow = true;
	else
		w->total += n;
}

/* Splits [first, last] around the (sorted) avoid ranges. */
static void walk_range(struct slot_walk *w, uint64_t first, uint64_t last)
{
	uint64_t cur = first;
	size_t i;

	for (i = 0; i < w->n_avoid; i++) {
		const struct span *a = &w->avoid[i];

		if (a->last < cur)
			continue;
		if (a->first > last)
			break;
		if (a->first > cur)
			walk_fragment(w, cur, a->first - 1);
		if (a->last >= last)
			return;
		cur = a->last + 1;
	}
	walk_fragment(w, cur, last);
}

static int walk_map(const struct memmap *map, struct slot_walk *w)
{
	size_t i;

	for (i = 0; i < map->count; i++) {
		const struct memmap_entry *e = &map->entries[i];
		uint64_t first, last;

		if (!e->pages)
			continue;
		if (e->pages > (UINT64_MAX - e->phys) / MEMMAP_PAGE_SIZE + 1 ||
		    e->pages * MEMMAP_PAGE_SIZE - 1 > UINT64_MAX - e->phys) {
			return log_error_ret(KB_ERANGE,
					     "kaslr: memory map entry %zu (phys 0x%llx, %llu "
					     "pages) wraps past 2^64",
					     i, (unsigned long long)e->phys,
					     (unsigned long long)e->pages);
		}
		if (e->type != MEMMAP_CONVENTIONAL ||
		    (e->attr & (MEMMAP_ATTR_HOT_PLUGGABLE | MEMMAP_ATTR_SP)))
			continue;
		if (w->mirrored_only && !(e->attr & MEMMAP_ATTR_MORE_RELIABLE))
			continue;
		first = max_u64(e->phys, w->lo);
		last = min_u64(e->phys + (e->pages * MEMMAP_PAGE_SIZE - 1), w->hi);
		if (first > last)
			continue;
		walk_range(w, first, last);
	}
	if (w->overflow)
		return log_error_ret(
			KB_ERANGE,
			"kaslr: memory map has more than 2^64 slots (overlapping entries?)");
	return KB_OK;
}

static int walk_init(struct slot_walk *w, const struct memmap *map,
		     const struct kaslr_request *req)
{
	size_t i, j;

	*w = (struct slot_walk){ .req = req };
	if (!map || (map->count && !map->entries))
		return log_error_ret(KB_EINVAL, "kaslr: no memory map");
	if (!is_pow2(req->align) || req->align < MEMMAP_PAGE_SIZE)
		return log_error_ret(KB_EINVAL,
				     "kaslr: alignment 0x%llx is not a power of two >= 4 KiB",
				     (unsigned long long)req->align);
	if (!req->size || req->offset > UINT64_MAX - (req->size - 1))
		return log_error_ret(KB_EINVAL, "kaslr: bad region size 0x%llx at offset 0x%llx",
				     (unsigned long long)req->size,
				     (unsigned long long)req->offset);
	if (req->n_avoid > KASLR_MAX_AVOID || (req->n_avoid && !req->avoid))
		return log_error_ret(KB_EINVAL, "kaslr: %zu ranges to avoid, at most %d",
				     req->n_avoid, KASLR_MAX_AVOID);
	w->need = req->offset + (req->size - 1);
	w->lo = max_u64(req->min_addr, 1); /* never address 0 */
	w->hi = req->max_addr ? req->max_addr - 1 : UINT64_MAX;

	/* Insertion sort of the (few) ranges to avoid, by start. */
	for (i = 0; i < req->n_avoid; i++) {
		struct span s;

		if (!req->avoid[i].size)
			continue;
		s.first = req->avoid[i].base;
		s.last = req->avoid[i].size - 1 > UINT64_MAX - s.first ?
			UINT64_MAX : s.first + (req->avoid[i].size - 1);
		for (j = w->n_avoid; j > 0 && w->avoid[j - 1].first > s.first; j--)
			w->avoid[j] = w->avoid[j - 1];
		w->avoid[j] = s;
		w->n_avoid++;
	}
	return KB_OK;
}

int kaslr_choose(const struct memmap *map, const struct kaslr_request *req, bool random,
		 struct drbg *rng, uint64_t *out_base, uint64_t *out_nslots)
{
	struct slot_walk w;
	int err;

	err = walk_init(&w, map, req);
	if (err)
		return err;
	if (random && (!rng || !drbg_is_seeded(rng)))
		return log_error_ret(
			KB_EINVAL, "kaslr: random placement asked for without a seeded generator");

	/* efi_random_alloc(): mirrored memory, when it has room, is the only candidate. */
	w.mirrored_only = true;
	err = walk_map(map, &w);
	if (err)
		return err;
	if (!w.total) {
		struct slot_walk again;

		walk_init(&again, map, req);
		w = again;
		err = walk_map(map, &w);
		if (err)
			return err;
	}
	if (!w.total)
		return log_error_ret(
			KB_ENOSPC,
			"kaslr: no 0x%llx-aligned slot for 0x%llx bytes at offset 0x%llx in "
			"conventional memory within [0x%llx, 0x%llx]",
			(unsigned long long)req->align, (unsigned long long)req->size,
			(unsigned long long)req->offset, (unsigned long long)w.lo,
			(unsigned long long)w.hi);

	if (random) {
		bool mirrored = w.mirrored_only;
		uint64_t total = w.total;

		walk_init(&w, map, req);
		w.mirrored_only = mirrored;
		w.picking = true;
		w.pick = drbg_uniform(rng, total);
		err = walk_map(map, &w);
		if (err)
			return err;
		if (!w.found || w.total != total) {
			/* Cannot happen: the map is const and the walk deterministic. */
			return log_error_ret(
				KB_ERANGE, "kaslr: slot %llu of %llu not found on the second walk",
				(unsigned long long)w.pick, (unsigned long long)total);
		}
		*out_base = w.picked;
	} else {
		*out_base = w.lowest;
	}
	if (out_nslots)
		*out_nslots = w.total;
	log_debug("kaslr: %s slot 0x%llx of %llu (%u bits)%s", random ? "random" : "lowest",
		  (unsigned long long)*out_base, (unsigned long long)w.total,
		  kaslr_entropy_bits(w.total), w.mirrored_only ? " in mirrored memory" : "");
	return KB_OK;
}

int kaslr_choose_phys(const struct memmap *map, uint64_t align, uint64_t offset, uint64_t size,
		      uint64_t max_addr, bool random, struct drbg *rng, uint64_t *out_base,
		      uint64_t *out_nslots)
{
	struct kaslr_request req = {
		.align = align, .offset = offset, .size = size, .max_addr = max_addr,
	};

	return kaslr_choose(map, &req, random, rng, out_base, out_nslots);
}

int kaslr_initrd_window(uint64_t kernel_start, uint64_t kernel_size, uint64_t *win_lo,
			uint64_t *win_hi)
{
	uint64_t klast, wbase, lo, last;

	if (!kernel_size || kernel_size - 1 > UINT64_MAX - kernel_start)
		return log_error_ret(
			KB_ERANGE, "kaslr: kernel range 0x%llx+0x%llx is empty or wraps",
			(unsigned long long)kernel_start, (unsigned long long)kernel_size);
	klast = kernel_start + (kernel_size - 1);
	wbase = align_down(kernel_start, BOOT_INITRD_WINDOW_ALIGN);
	/* The highest window that still starts at or below the kernel. */
	last = wbase > UINT64_MAX - (BOOT_INITRD_WINDOW_SIZE - 1) ?
		UINT64_MAX : wbase + (BOOT_INITRD_WINDOW_SIZE - 1);
	if (klast > last)
		return log_error_ret(
			KB_ERANGE,
			"kaslr: kernel 0x%llx..0x%llx fits no 1 GiB-aligned 32 GiB window",
			(unsigned long long)kernel_start, (unsigned long long)klast);
	/* The lowest window that still reaches the kernel's last byte. */
	if (klast >= BOOT_INITRD_WINDOW_SIZE)
		lo = (klast - (BOOT_INITRD_WINDOW_SIZE - 1) + BOOT_INITRD_WINDOW_ALIGN - 1) &
		     ~(BOOT_INITRD_WINDOW_ALIGN - 1);
	else
		lo = 0;
	*win_lo = lo;
	/* Exclusive; a window reaching 2^64 loses its last byte, which no RAM has. */
	*win_hi = last == UINT64_MAX ? UINT64_MAX : last + 1;
	return KB_OK;
}

int kaslr_choose_in_window(const struct memmap *map, uint64_t win_lo, uint64_t win_hi,
			   uint64_t align, uint64_t size, const struct kaslr_range *avoid,
			   size_t n_avoid, bool random, struct drbg *rng, uint64_t *out_base,
			   uint64_t *out_nslots)
{
	struct kaslr_request req = {
		.align = align, .size = size, .min_addr = win_lo, .max_addr = win_hi,
		.avoid = avoid, .n_avoid = n_avoid,
	};

	if (win_hi && win_hi <= win_lo)
		return log_error_ret(KB_EINVAL, "kaslr: empty window [0x%llx, 0x%llx)",
				     (unsigned long long)win_lo, (unsigned long long)win_hi);
	return kaslr_choose(map, &req, random, rng, out_base, out_nslots);
}

int kaslr_choose_initrd(const struct memmap *map, uint64_t kernel_start, uint64_t kernel_size,
			uint64_t initrd_size, bool random, struct drbg *rng, uint64_t *out_base,
			uint64_t *out_nslots)
{
	struct kaslr_range kernel = { kernel_start, kernel_size };
	uint64_t lo, hi;
	int err;

	err = kaslr_initrd_window(kernel_start, kernel_size, &lo, &hi);
	if (err)
		return err;
	return kaslr_choose_in_window(map, lo, hi, KASLR_INITRD_ALIGN, initrd_size, &kernel, 1,
				      random, rng, out_base, out_nslots);
}

int kaslr_choose_dt(const struct memmap *map, uint64_t dt_size, uint64_t max_addr,
		    const struct kaslr_range *avoid, size_t n_avoid, bool random,
		    struct drbg *rng, uint64_t *out_base, uint64_t *out_nslots)
{
	if (!dt_size || dt_size > BOOT_DT_MAX_SIZE)
		return log_error_ret(
			KB_ERANGE, "kaslr: DT of %llu bytes, booting.rst allows 1 to %llu",
			(unsigned long long)dt_size, (unsigned long long)BOOT_DT_MAX_SIZE);
	return kaslr_choose_in_window(map, 0, max_addr, KASLR_DT_ALIGN, dt_size, avoid, n_avoid,
				      random, rng, out_base, out_nslots);
}

unsigned kaslr_entropy_bits(uint64_t nslots)
{
	unsigned bits = 0;

	while (nslots > 1) {
		nslots >>= 1;
		bits++;
	}
	return bits;
}

uint64_t kaslr_virt_slots(uint64_t window_lo, uint64_t window_hi, uint64_t align, uint64_t size)
{
	uint64_t last = window_hi ? window_hi - 1 : UINT64_MAX, first, blast;

	if (!is_pow2(align) || !size || (window_hi && window_hi <= window_lo))
		return 0;
	if (last - window_lo < size - 1 || window_lo > UINT64_MAX - (align - 1))
		return 0;
	first = align_up(window_lo, align);
	blast = align_down(last - (size - 1), align);
	if (first > blast)
		return 0;
	/* align >= 2 keeps the count below 2^64; align 1 over the whole space saturates. */
	if (align == 1 && first == 0 && blast == UINT64_MAX)
		return UINT64_MAX;
	return (blast - first) / align + 1;
}

int kaslr_choose_virt(struct drbg *rng, uint64_t window_lo, uint64_t window_hi, uint64_t align,
		      uint64_t image_size, uint64_t *out)
{
	uint64_t n;

	if (!is_pow2(align) || !image_size || !rng || !drbg_is_seeded(rng))
		return log_error_ret(
			KB_EINVAL,
			"kaslr: bad virtual placement request (align 0x%llx, size 0x%llx%s)",
			(unsigned long long)align, (unsigned long long)image_size,
			rng && drbg_is_seeded(rng) ? "" : ", no seeded generator");
	n = kaslr_virt_slots(window_lo, window_hi, align, image_size);
	if (!n)
		return log_error_ret(KB_ENOSPC,
				     "kaslr: no 0x%llx-aligned virtual slot for 0x%llx bytes in "
				     "[0x%llx, 0x%llx)",
				     (unsigned long long)align, (unsigned long long)image_size,
				     (unsigned long long)window_lo, (unsigned long long)window_hi);
	*out = align_up(window_lo, align) + drbg_uniform(rng, n) * align;
	log_debug("kaslr: virtual base 0x%llx, one of %llu slots (%u bits)",
		  (unsigned long long)*out, (unsigned long long)n, kaslr_entropy_bits(n));
	return KB_OK;
}

int kaslr_choose_linear_offset(struct drbg *rng, uint64_t lm_lo, uint64_t lm_hi, uint64_t ram_lo,
			       uint64_t ram_hi, uint64_t align, uint64_t *out_offset)
{
	uint64_t pa_first, pa_end, va;
	int err;

	if (!is_pow2(align) || ram_hi <= ram_lo || ram_hi > UINT64_MAX - (align - 1))
		return log_error_ret(
			KB_EINVAL,
			"kaslr: bad linear-map request: RAM [0x%llx, 0x%llx), align 0x%llx",
			(unsigned long long)ram_lo, (unsigned long long)ram_hi,
			(unsigned long long)align);
	/* Whole aligned blocks on both sides, so PA and VA agree modulo align. */
	pa_first = align_down(ram_lo, align);
	pa_end = align_up(ram_hi, align);
	err = kaslr_choose_virt(rng, lm_lo, lm_hi, align, pa_end - pa_first, &va);
	if (err)
		return err;
	*out_offset = va - pa_first;
	return KB_OK;
}
