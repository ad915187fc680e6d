#ifndef KASLBOOT_EFI_SYSINFO_H
#define KASLBOOT_EFI_SYSINFO_H

#include <efi.h>
#include <stdbool.h>
#include <stdint.h>

/* What the firmware and the CPU offer, gathered once at start and printed as the banner's
 * "found" lines (tests/integration parse them). */
struct sysinfo {
	unsigned el;
	void *fdt;             /* the firmware's DT configuration table, or NULL */
	size_t fdt_size;       /* its header's totalsize (0 when the header is bad) */
	void *acpi_rsdp;       /* ACPI 2.0+ RSDP configuration table, or NULL */
	bool dt_has_kaslr_seed;
	bool dt_has_rng_seed;
	bool has_efi_rng;
	bool has_rndr;
	bool secure_boot;
	uint64_t conventional_bytes;
	uint64_t largest_free_base, largest_free_bytes;
};

void sysinfo_gather(EFI_SYSTEM_TABLE *st, struct sysinfo *out);
void sysinfo_report(EFI_SYSTEM_TABLE *st, const struct sysinfo *si);

/* A configuration table by GUID, or NULL. */
void *efi_find_config_table(EFI_SYSTEM_TABLE *st, EFI_GUID *guid);

#endif
