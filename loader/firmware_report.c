/* SPDX-License-Identifier: BSD-2-Clause */
#include "loader/firmware_report.h"

#include "dtb/seeds.h"
#include "lib/fmt.h"
#include "lib/log.h"
#include "lib/memmap.h"
#include "lib/rndr.h"
#include "lib/secure_wipe.h"
#include "mm/cpu.h"

static const char *yes_no(bool b) { return b ? "yes" : "no"; }

/* Which seeds the firmware's devicetree offers, through dtb/seeds.h's one reader; the
 * values are wiped here, the entropy phase reads them again. */
static void describe_dt_seeds(const struct kb_firmware *fw, char *buf, size_t size, size_t *n)
{
	static struct dt_seeds seeds;   /* static: rng-seed may be 512 bytes */
	bool kaslr = false, rng = false;
	if (fw->fdt_valid && !dt_read_seeds(fw->fdt, &seeds)) {
		kaslr = seeds.has_kaslr_seed;
		rng = seeds.rng_seed_len != 0;
	}
	secure_wipe(&seeds, sizeof(seeds));
	kfmt_append(buf, size, n, "dt kaslr-seed: %s, dt rng-seed: %s; ", yes_no(kaslr),
		    yes_no(rng));
}

/* The conventional memory, and its largest run of adjacent descriptors (where the
 * kernel's slots come from). */
static void describe_memory(const struct kb_platform *pf, char *buf, size_t size, size_t *n)
{
	uint64_t total = 0, run_base = 0, run_len = 0, best_base = 0, best_len = 0;
	struct memmap map;
	if (pf->memmap_get(pf->ctx, &map)) {
		kfmt_append(buf, size, n, "memory: no map");
		return;
	}
	for (size_t i = 0; i < map.count; i++) {
		const struct memmap_entry *d = &map.entries[i];
		if (d->type != MEMMAP_CONVENTIONAL)
			continue;
		uint64_t len = d->pages * MEMMAP_PAGE_SIZE;
		total += len;
		if (run_len && run_base + run_len == d->phys)
			run_len += len;
		else
			run_base = d->phys, run_len = len;
		if (run_len > best_len)
			best_len = run_len, best_base = run_base;
	}
	pf->memmap_free(pf->ctx, &map);
	kfmt_append(buf, size, n,
		    "memory: %lu MiB conventional, largest free region 0x%lx-0x%lx (%lu MiB)",
		    (unsigned long)(total >> 20), (unsigned long)best_base,
		    (unsigned long)(best_base + best_len), (unsigned long)(best_len >> 20));
}

void firmware_report(const struct kb_platform *pf, const struct kb_firmware *fw)
{
	if (log_get_level() < LOG_DEBUG)
		return;
	/* One line of "key: value" pairs: the console's cost is per character printed. */
	char line[LOG_LINE_MAX];
	size_t n = 0;
	kfmt_append(line, sizeof(line), &n,
		    "found: firmware: %s rev 0x%08x, UEFI %u.%02u; cpu: EL%u, FEAT_RNG (RNDR) %s; ",
		    fw->vendor, fw->fw_revision, fw->uefi_revision >> 16,
		    fw->uefi_revision & 0xffff, mm_current_el(), yes_no(cpu_has_rndr()));
	if (fw->fdt)
		kfmt_append(line, sizeof(line), &n, "devicetree: yes at 0x%lx, totalsize %u; ",
			    (unsigned long)(uintptr_t)fw->fdt, (unsigned)fw->fdt_size);
	else
		kfmt_append(line, sizeof(line), &n, "devicetree: no; ");
	kfmt_append(line, sizeof(line), &n, "acpi: %s; ", yes_no(fw->acpi));
	describe_dt_seeds(fw, line, sizeof(line), &n);
	kfmt_append(line, sizeof(line), &n, "efi rng protocol: %s; secure boot: %s; ",
		    yes_no(fw->rng_protocol), yes_no(fw->secure_boot));
	describe_memory(pf, line, sizeof(line), &n);
	log_debug("%s", line);
}
