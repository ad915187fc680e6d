/* SPDX-License-Identifier: BSD-2-Clause */
#include "loader/boot_common.h"

#include <string.h>

#include "dtb/buffer.h"
#include "dtb/chosen.h"
#include "dtb/efi_handoff.h"
#include "dtb/seeds.h"
#include "dtb/validate.h"
#include "lib/align.h"
#include "lib/counter.h"
#include "lib/err.h"
#include "lib/fmt.h"
#include "lib/log.h"
#include "lib/secure_wipe.h"
#include "loader/bli.h"
#include "loader/file_load.h"
#include "loader/firmware_time.h"
#include "loader/measure.h"
#include "loader/phase_time.h"

int boot_kaslr_policy(struct kb_boot *b, const struct kb_entry *e, struct drbg *rng,
		      bool *kaslr, bool *nokaslr)
{
	const struct entropy_pool *pool = &b->entropy.pool;
	*nokaslr = cmdline_has_option(e->options, "nokaslr");
	*kaslr = b->conf->kaslr != KB_KASLR_OFF && !*nokaslr;
	if (b->conf->kaslr == KB_KASLR_REQUIRE && !entropy_is_strong(pool))
		return log_error_ret(KB_EPERM, "kaslr require: no strong entropy source (have: %s)",
				     b->entropy.sources);
	if (*kaslr && !entropy_is_strong(pool) && !entropy_is_fixed(pool))
		log_warn("weak entropy (only %s): the layout is guessable", b->entropy.sources);
	entropy_attempt_rng(&b->entropy, e->id, rng);
	return 0;
}

/* kb_exit_hook: the DT's linux,uefi-mmap-* placeholders, filled in place. */
static int fill_dt_mmap(void *fdt, const struct kb_exit_map *m)
{
	return dt_update_efi_mmap(fdt, m->buf, (uint32_t)m->size, (uint32_t)m->desc_size,
				  m->desc_ver);
}

int boot_exit_firmware(struct kb_boot *b, void *fdt, struct kb_exit_map *out)
{
	phase_enter(PHASE_EXIT);
	phase_report();
	firmware_time_report();
	bli_set_exec_time(b->pf, counter_us(0, cpu_counter()));
	return b->pf->exit_boot_services(b->pf->ctx, fdt ? fill_dt_mmap : NULL, fdt, out);
}

/* Each initrd is opened once: its size places the set, the same handle reads it. */
static void initrds_close(const struct kb_platform *pf, void **fh, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		pf->file_close(pf->ctx, fh[i]);
}

/* "/a.img (1200 KiB) + /b.img (3 KiB)" for the error line. */
static void describe_initrds(const struct kb_entry *e, const uint64_t *sizes, char *buf,
			     size_t size)
{
	size_t at = 0;
	buf[0] = 0;
	for (unsigned i = 0; i < e->initrd_count; i++)
		kfmt_append(buf, size, &at, "%s%s (%lu KiB)", i ? " + " : "", e->initrd[i],
			    (unsigned long)((sizes[i] + 1023) >> 10));
}

int initrds_load(struct kb_boot *b, const struct kb_entry *e, uint64_t kernel_start,
		 uint64_t kernel_size, bool random, struct drbg *rng, struct kb_allocs *allocs,
		 struct initrd_set *out)
{
	const struct kb_platform *pf = b->pf;
	struct memmap map;
	uint64_t sizes[KB_MAX_INITRDS], total = 0, nslots;
	void *fh[KB_MAX_INITRDS];
	unsigned opened = 0;
	int rc = 0;
	out->base = out->size = 0;
	if (!e->initrd_count)
		return 0;
	phase_enter(PHASE_INITRD_READ);
	for (; opened < e->initrd_count; opened++) {
		rc = pf->file_open(pf->ctx, e->initrd[opened], &fh[opened], &sizes[opened]);
		if (rc) {
			if (rc == KB_ENOENT)
				log_error("%s: no such file (initrd of entry '%s')",
					  e->initrd[opened], e->id);
			goto done;
		}
		total += align_up(sizes[opened], INITRD_PAD);
	}
	phase_enter(PHASE_PLACE);
	uint64_t base;
	rc = pf->memmap_get(pf->ctx, &map);
	if (rc)
		goto done;
	rc = kaslr_choose_initrd(&map, kernel_start, kernel_size, total, random, rng, &base,
				 &nslots);
	pf->memmap_free(pf->ctx, &map);
	if (rc) {
		char what[KB_MAX_INITRDS * (KB_PATH_MAX + 24)];
		describe_initrds(e, sizes, what, sizeof(what));
		log_error("entry '%s': no room for its initrd %s within the kernel's 32 GiB window",
			  e->id, what);
		goto done;
	}
	if (kb_alloc_at(allocs, base, total, KB_MEM_DATA)) {
		log_error("cannot allocate the initrd at 0x%lx", (unsigned long)base);
		rc = KB_ENOMEM;
		goto done;
	}
	/* Read back to back and measured so (PCR 9): the files' bytes as systemd-boot
	 * concatenates them for the stub, which is what a PCR prediction computes. Then each
	 * moves up to its padded place, the last one first, and the gaps are zeroed. */
	uint8_t *p = (uint8_t *)(uintptr_t)base;
	uint64_t raw_off[KB_MAX_INITRDS], pad_off[KB_MAX_INITRDS], raw = 0, padded = 0;
	phase_enter(PHASE_INITRD_READ);
	for (unsigned i = 0; i < e->initrd_count && !rc; i++) {
		rc = pf->file_read(pf->ctx, fh[i], 0, p + raw, sizes[i]);
		raw_off[i] = raw;
		pad_off[i] = padded;
		raw += sizes[i];
		padded += align_up(sizes[i], INITRD_PAD);
	}
	phase_enter(PHASE_PLACE);
	if (rc)
		goto done;
	measure_initrd(pf, p, raw);
	for (unsigned i = e->initrd_count; i-- > 0;) {
		uint64_t end = i + 1 < e->initrd_count ? pad_off[i + 1] : total;
		if (pad_off[i] != raw_off[i])
			memmove(p + pad_off[i], p + raw_off[i], sizes[i]);
		memset(p + pad_off[i] + sizes[i], 0, end - pad_off[i] - sizes[i]);
	}
	out->base = base;
	out->size = total;
done:
	phase_enter(PHASE_INITRD_READ);
	initrds_close(pf, fh, opened);
	phase_enter(PHASE_PLACE);
	return rc;
}

int boot_dt_prepare(struct kb_boot *b, const struct kb_entry *e, struct kaslr_range *avoid,
		    size_t n_avoid, bool random, struct drbg *rng, struct kb_allocs *allocs,
		    uint64_t *dt_pa)
{
	uint64_t base, nslots;
	struct memmap map;
	phase_enter(PHASE_DT);
	int rc = b->pf->memmap_get(b->pf->ctx, &map);
	if (rc)
		return rc;
	rc = kaslr_choose_dt(&map, BOOT_DT_MAX_SIZE, 0, avoid, n_avoid, random, rng, &base, &nslots);
	b->pf->memmap_free(b->pf->ctx, &map);
	if (rc || kb_alloc_at(allocs, base, BOOT_DT_MAX_SIZE, KB_MEM_DATA))
		return log_error_ret(rc ? rc : KB_ENOMEM,
				     "cannot allocate 2 MiB for the devicetree");
	void *buf = (void *)(uintptr_t)base;
	if (e->devicetree[0]) {
		void *file = NULL;
		uint64_t len = 0;
		if (b->fw->secure_boot && !b->image_verified)
			return log_error_ret(
				KB_EPERM,
				"entry '%s': a devicetree file is refused while Secure Boot is on",
				e->id);
		rc = kb_file_load(b->pf, e->devicetree, BOOT_DT_MAX_SIZE, &file, &len);
		if (!rc) {
			measure_devicetree(b->pf, e->devicetree, file, len); /* PCR 1, as read */
			rc = dt_open(file, len, e->devicetree, buf, BOOT_DT_MAX_SIZE);
		}
		kb_file_free(b->pf, file);
	} else if (b->fw->fdt) {
		/* The firmware's blob, as big as its header says (AAVMF's is ~1 MiB, mostly free
		 * space that dt_open drops); dt_open validates it against that size. */
		rc = b->fw->fdt_valid ?
			dt_open_valid(b->fw->fdt, "firmware devicetree", buf, BOOT_DT_MAX_SIZE) :
			dt_open(b->fw->fdt, b->fw->fdt_size, "firmware devicetree", buf, BOOT_DT_MAX_SIZE);
	} else {
		rc = dt_create_minimal(buf, BOOT_DT_MAX_SIZE);
	}
	*dt_pa = base;
	if (rc)
		return rc;
	/* The firmware's seeds stay in its DT until kaslboot commits (loader/handback.h), so
	 * the copy still holds them: the kernel gets kaslboot's own, never these. */
	return dt_wipe_seeds(buf);
}

int boot_dt_write_chosen(struct kb_boot *b, void *fdt, const struct kb_entry *e,
			 const struct initrd_set *initrd, uint64_t kaslr_seed, struct drbg *rng)
{
	uint8_t rng_seed[RNG_SEED_BYTES];
	drbg_generate(rng, rng_seed, sizeof(rng_seed));
	int rc = dt_set_bootargs(fdt, e->options);
	if (rc)
		goto wipe;
	if (initrd->size) {
		rc = dt_set_initrd(fdt, initrd->base, initrd->base + initrd->size);
		if (rc)
			goto wipe;
	}
	rc = dt_set_kaslr_seed(fdt, kaslr_seed);
	if (rc)
		goto wipe;
	rc = dt_set_rng_seed(fdt, rng_seed,
			     entropy_can_hand_over(&b->entropy.pool) ? sizeof(rng_seed) : 0);
wipe:
	secure_wipe(rng_seed, sizeof(rng_seed)); /* on every path, failed or not */
	if (rc)
		return rc;
	/* Linux takes reservations from the EFI memory map; its stub drops /memreserve/ too. */
	rc = dt_delete_memreserve(fdt);
	if (rc)
		return rc;
	return dt_set_efi_handoff(fdt, b->fw->system_table,
				  b->fw->secure_boot ? DT_SECURE_BOOT_ENABLED :
						       DT_SECURE_BOOT_DISABLED);
}
