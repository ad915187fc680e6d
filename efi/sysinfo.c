#include <efi.h>
#include <efilib.h>
#include <libfdt.h>

#include "efi/memory.h"
#include "efi/sysinfo.h"
#include "efi/ucs2.h"
#include "lib/counter.h"
#include "lib/libc.h"
#include "lib/log.h"
#include "lib/memmap.h"
#include "lib/rndr.h"
#include "mm/cpu.h"

/* UEFI 2.10 4.6.1.1 (EFI_DTB_TABLE_GUID, from the "Devicetree" config table registry). */
static EFI_GUID dtb_table_guid = { 0xb1b621d5, 0xf19c, 0x41a5,
				   { 0x83, 0x0b, 0xd9, 0x15, 0x2c, 0x69, 0xaa, 0xe0 } };
static EFI_GUID acpi20_table_guid = ACPI_20_TABLE_GUID;
static EFI_GUID rng_protocol_guid = EFI_RNG_PROTOCOL_GUID;

void *efi_find_config_table(EFI_SYSTEM_TABLE *st, EFI_GUID *guid)
{
	for (UINTN i = 0; i < st->NumberOfTableEntries; i++)
		if (!CompareGuid(&st->ConfigurationTable[i].VendorGuid, guid))
			return st->ConfigurationTable[i].VendorTable;
	return NULL;
}

static bool dt_chosen_has(const void *fdt, const char *prop)
{
	int chosen, len = 0;
	if (!fdt || fdt_check_header(fdt))
		return false;
	chosen = fdt_path_offset(fdt, "/chosen");
	return chosen >= 0 && fdt_getprop(fdt, chosen, prop, &len) && len > 0;
}

static bool secure_boot_enabled(void)
{
	static EFI_GUID global = EFI_GLOBAL_VARIABLE;
	UINT8 v = 0;
	UINTN size = sizeof(v);
	EFI_STATUS s = uefi_call_wrapper(RT->GetVariable, 5, L"SecureBoot", &global, NULL, &size, &v);
	return !EFI_ERROR(s) && size == 1 && v == 1;
}

void sysinfo_gather(EFI_SYSTEM_TABLE *st, struct sysinfo *out)
{
	EFI_RNG_PROTOCOL *rng = NULL;

	memset(out, 0, sizeof(*out));
	out->el = mm_current_el();
	out->fdt = efi_find_config_table(st, &dtb_table_guid);
	if (out->fdt && fdt_check_header(out->fdt) == 0)
		out->fdt_size = fdt_totalsize(out->fdt);
	out->acpi_rsdp = efi_find_config_table(st, &acpi20_table_guid);
	out->dt_has_kaslr_seed = dt_chosen_has(out->fdt, "kaslr-seed");
	out->dt_has_rng_seed = dt_chosen_has(out->fdt, "rng-seed");
	out->has_efi_rng = !EFI_ERROR(uefi_call_wrapper(BS->LocateProtocol, 3, &rng_protocol_guid,
							 NULL, (void **)&rng)) && rng;
	out->has_rndr = cpu_has_rndr();
	out->secure_boot = secure_boot_enabled();

	struct memmap map;
	if (efi_memmap_get(&map))
		return;
	/* Adjacent conventional descriptors form one free region for the report. */
	uint64_t run_base = 0, run_len = 0;
	for (size_t i = 0; i < map.count; i++) {
		const struct memmap_entry *d = &map.entries[i];
		if (d->type != MEMMAP_CONVENTIONAL)
			continue;
		uint64_t len = d->pages * MEMMAP_PAGE_SIZE;
		out->conventional_bytes += len;
		if (run_len && run_base + run_len == d->phys)
			run_len += len;
		else
			run_base = d->phys, run_len = len;
		if (run_len > out->largest_free_bytes) {
			out->largest_free_bytes = run_len;
			out->largest_free_base = run_base;
		}
	}
	efi_memmap_free(&map);
}

static const char *yes_no(bool b) { return b ? "yes" : "no"; }

void sysinfo_report(EFI_SYSTEM_TABLE *st, const struct sysinfo *si)
{
	char vendor[64];
	ucs2_to_ascii(st->FirmwareVendor, sizeof(vendor), vendor, sizeof(vendor));

	log_info("firmware: %s rev 0x%08x, UEFI %u.%02u", vendor, st->FirmwareRevision,
		 st->Hdr.Revision >> 16, st->Hdr.Revision & 0xffff);
	log_info("cpu: EL%u, FEAT_RNG (RNDR) %s", si->el, yes_no(si->has_rndr));
	if (si->fdt)
		log_info("devicetree: yes at 0x%lx, totalsize %u", (unsigned long)(uintptr_t)si->fdt,
			 fdt_check_header(si->fdt) ? 0 : fdt_totalsize(si->fdt));
	else
		log_info("devicetree: no");
	log_info("acpi: %s", yes_no(si->acpi_rsdp));
	log_info("dt kaslr-seed: %s, dt rng-seed: %s", yes_no(si->dt_has_kaslr_seed),
		 yes_no(si->dt_has_rng_seed));
	log_info("efi rng protocol: %s", yes_no(si->has_efi_rng));
	log_info("secure boot: %s", yes_no(si->secure_boot));
	log_info("memory: %lu MiB conventional, largest free region 0x%lx-0x%lx (%lu MiB)",
		 (unsigned long)(si->conventional_bytes >> 20), (unsigned long)si->largest_free_base,
		 (unsigned long)(si->largest_free_base + si->largest_free_bytes),
		 (unsigned long)(si->largest_free_bytes >> 20));
}
