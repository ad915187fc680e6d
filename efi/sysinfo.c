#include <efi.h>
#include <libfdt.h>

#include "dtb/seeds.h"
#include "dtb/validate.h"
#include "efi/firmware.h"
#include "efi/memory.h"
#include "efi/sysinfo.h"
#include "lib/libc.h"
#include "lib/fmt.h"
#include "lib/log.h"
#include "lib/memmap.h"
#include "lib/rndr.h"
#include "lib/secure_wipe.h"
#include "lib/utf16.h"
#include "mm/cpu.h"

/* UEFI 2.10 4.6.1.1 (EFI_DTB_TABLE_GUID, from the "Devicetree" config table registry). */
static EFI_GUID dtb_table_guid = { 0xb1b621d5, 0xf19c, 0x41a5,
				   { 0x83, 0x0b, 0xd9, 0x15, 0x2c, 0x69, 0xaa, 0xe0 } };
static EFI_GUID acpi20_table_guid = ACPI_20_TABLE_GUID;
static EFI_GUID rng_protocol_guid = EFI_RNG_PROTOCOL_GUID;
/* include/linux/efi.h, LINUX_EFI_RANDOM_SEED_TABLE_GUID (loader/seed_table.h). */
static EFI_GUID seed_table_guid = { 0x1ce1e5bc, 0x7ceb, 0x42f2,
				    { 0x81, 0xe5, 0x8a, 0xad, 0xf1, 0x80, 0xf5, 0x7b } };

void *efi_find_config_table(EFI_SYSTEM_TABLE *st, EFI_GUID *guid)
{
	for (UINTN i = 0; i < st->NumberOfTableEntries; i++)
		if (efi_guid_equal(&st->ConfigurationTable[i].VendorGuid, guid))
			return st->ConfigurationTable[i].VendorTable;
	return NULL;
}

static bool secure_boot_enabled(void)
{
	static EFI_GUID global = EFI_GLOBAL_VARIABLE;
	UINT8 v = 0;
	UINTN size = sizeof(v);
	EFI_STATUS s = uefi_call_wrapper(RT->GetVariable, 5, L"SecureBoot", &global, NULL, &size, &v);
	return !EFI_ERROR(s) && size == 1 && v == 1;
}

static const char *yes_no(bool b) { return b ? "yes" : "no"; }

/* Which seeds the firmware's DT offers, through dtb/seeds.h's one reader; the values are
 * wiped here, the flow reads them again when it gathers entropy. */
static void describe_dt_seeds(const struct kb_firmware *fw, char *buf, size_t size, size_t *n)
{
	static struct dt_seeds seeds;
	bool kaslr = false, rng = false;
	if (fw->fdt_valid && !dt_read_seeds(fw->fdt, &seeds)) {
		kaslr = seeds.has_kaslr_seed;
		rng = seeds.rng_seed_len != 0;
	}
	secure_wipe(&seeds, sizeof(seeds));
	kfmt_append(buf, size, n, "dt kaslr-seed: %s, dt rng-seed: %s; ", yes_no(kaslr),
		    yes_no(rng));
}

/* Adjacent conventional descriptors form one free region for the report. */
static void describe_memory(char *buf, size_t size, size_t *n)
{
	uint64_t total = 0, run_base = 0, run_len = 0, best_base = 0, best_len = 0;
	struct memmap map;
	if (efi_memmap_get(NULL, &map)) {
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
	efi_memmap_free(NULL, &map);
	kfmt_append(buf, size, n,
		    "memory: %lu MiB conventional, largest free region 0x%lx-0x%lx (%lu MiB)",
		    (unsigned long)(total >> 20), (unsigned long)best_base,
		    (unsigned long)(best_base + best_len), (unsigned long)(best_len >> 20));
}

void sysinfo_gather(EFI_SYSTEM_TABLE *st, struct kb_firmware *fw)
{
	EFI_RNG_PROTOCOL *rng = NULL;

	memset(fw, 0, sizeof(*fw));
	fw->fdt = efi_find_config_table(st, &dtb_table_guid);
	if (fw->fdt && fdt_check_header(fw->fdt) == 0)
		fw->fdt_size = fdt_totalsize(fw->fdt);
	/* Checked once here; the flow reads and copies it without checking again. */
	fw->fdt_valid = fw->fdt_size && !dt_validate(fw->fdt, fw->fdt_size, "firmware devicetree");
	fw->acpi = efi_find_config_table(st, &acpi20_table_guid) != NULL;
	fw->seed_table = efi_find_config_table(st, &seed_table_guid);
	fw->secure_boot = secure_boot_enabled();
	fw->system_table = (uint64_t)(uintptr_t)st;
	utf16_to_utf8(st->FirmwareVendor, sizeof(fw->vendor), fw->vendor, sizeof(fw->vendor));
	fw->fw_revision = st->FirmwareRevision;
	fw->uefi_revision = st->Hdr.Revision;

	bool has_rng = !EFI_ERROR(uefi_call_wrapper(BS->LocateProtocol, 3, &rng_protocol_guid,
						    NULL, (void **)&rng)) && rng;
	/* One line, "key: value" pairs: under QEMU each console line costs ~0.5 ms (the
	 * firmware's line feed), eight of them were a third of the start phase. */
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
		    yes_no(has_rng), yes_no(fw->secure_boot));
	describe_memory(line, sizeof(line), &n);
	log_info("%s", line);
}
