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

/* PI 1.7 volume 5, 6.2: EFI_SMBIOS_PROTOCOL, the structures as the firmware holds them
 * (libstub smbios.c reads them this way too). */
static EFI_GUID smbios_protocol_guid = {
	0x03583ff6, 0xcb36, 0x4940, { 0x94, 0x7e, 0xb9, 0xb3, 0x9f, 0x4a, 0xfa, 0xf7 }
};
struct smbios_protocol {
	void *add, *update_string, *remove;
	EFI_STATUS(EFIAPI *get_next)
	(struct smbios_protocol *self, UINT16 *handle, UINT8 *type, void **record,
	 EFI_HANDLE *producer);
	UINT8 major, minor;
};
/* SMBIOS_HANDLE_PI_RESERVED: GetNext from the first structure. */
#define SMBIOS_HANDLE_FIRST 0xfffe
/* How far a type 4 structure's strings may be looked for: its formatted area is under
 * 0x40 bytes and its six strings short (DSP0134 7.5). */
#define SMBIOS_TYPE4_READ_MAX 4096
/* UEFI 2.10 4.6.2: EFI_RT_PROPERTIES_TABLE (u16 Version, u16 Length, u32
 * RuntimeServicesSupported) and its SetVirtualAddressMap bit. */
static EFI_GUID rt_properties_guid = {
	0xeb66918a, 0x7eef, 0x402a, { 0x84, 0x2e, 0x93, 0x1d, 0x21, 0xc3, 0x8a, 0xe9 }
};
#define RT_PROPERTIES_OFF_SUPPORTED          4
#define RT_SUPPORTED_SET_VIRTUAL_ADDRESS_MAP 0x0008u

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

/* The first Processor Information structure, for loader/vamap.h. */
static void smbios_type4(struct kb_firmware *fw)
{
	struct smbios_protocol *p = NULL;
	UINT16 handle = SMBIOS_HANDLE_FIRST;
	UINT8 type = 4; /* DSP0134 7.5: Processor Information */
	void *rec = NULL;
	if (EFI_ERROR(uefi_call_wrapper(BS->LocateProtocol, 3, &smbios_protocol_guid, NULL,
					(void **)&p)) ||
	    !p || EFI_ERROR(uefi_call_wrapper(p->get_next, 5, p, &handle, &type, &rec, NULL)) ||
	    !rec)
		return;
	fw->smbios_type4 = rec;
	fw->smbios_type4_max = SMBIOS_TYPE4_READ_MAX;
}

void sysinfo_gather(EFI_SYSTEM_TABLE *st, struct kb_firmware *fw)
{
	EFI_RNG_PROTOCOL *rng = NULL;
	const UINT8 *rt_props;

	memset(fw, 0, sizeof(*fw));
	fw->fdt = efi_find_config_table(st, &dtb_table_guid);
	if (fw->fdt && fdt_check_header(fw->fdt) == 0)
		fw->fdt_size = fdt_totalsize(fw->fdt);
	/* fdt_valid stays false: the flow validates it once (loader/firmware_dt.h), and
	 * ignores a bad one with one warning rather than failing every entry. */
	fw->acpi = efi_find_config_table(st, &acpi20_table_guid) != NULL;
	fw->seed_table = efi_find_config_table(st, &seed_table_guid);
	fw->secure_boot = secure_boot_enabled();
	smbios_type4(fw);
	rt_props = efi_find_config_table(st, &rt_properties_guid);
	fw->rt_no_svam = rt_props && !(rt_props[RT_PROPERTIES_OFF_SUPPORTED] &
				       RT_SUPPORTED_SET_VIRTUAL_ADDRESS_MAP);
	fw->system_table = (uint64_t)(uintptr_t)st;
	utf16_to_utf8(st->FirmwareVendor, sizeof(fw->vendor), fw->vendor, sizeof(fw->vendor));
	fw->fw_revision = st->FirmwareRevision;
	fw->uefi_revision = st->Hdr.Revision;

	fw->rng_protocol = !EFI_ERROR(uefi_call_wrapper(BS->LocateProtocol, 3, &rng_protocol_guid,
							NULL, (void **)&rng)) && rng;
}
