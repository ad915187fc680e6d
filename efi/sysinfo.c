/* SPDX-License-Identifier: BSD-2-Clause */
#include <efi.h>
#include <libfdt.h>

#include "efi/firmware.h"
#include "efi/sysinfo.h"
#include "lib/libc.h"
#include "lib/utf16.h"

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

void sysinfo_gather(EFI_SYSTEM_TABLE *st, struct kb_firmware *fw)
{
	EFI_RNG_PROTOCOL *rng = NULL;

	memset(fw, 0, sizeof(*fw));
	fw->fdt = efi_find_config_table(st, &dtb_table_guid);
	if (fw->fdt && fdt_check_header(fw->fdt) == 0)
		fw->fdt_size = fdt_totalsize(fw->fdt);
	/* fdt_valid stays false: the flow validates it once (loader/firmware_dt.h), and
	 * ignores a bad one with one warning rather than failing every entry. */
	fw->acpi = efi_find_config_table(st, &acpi20_table_guid) != NULL;
	fw->seed_table = efi_find_config_table(st, &seed_table_guid);
	fw->secure_boot = secure_boot_enabled();
	fw->system_table = (uint64_t)(uintptr_t)st;
	utf16_to_utf8(st->FirmwareVendor, sizeof(fw->vendor), fw->vendor, sizeof(fw->vendor));
	fw->fw_revision = st->FirmwareRevision;
	fw->uefi_revision = st->Hdr.Revision;

	fw->rng_protocol = !EFI_ERROR(uefi_call_wrapper(BS->LocateProtocol, 3, &rng_protocol_guid,
							NULL, (void **)&rng)) && rng;
}
