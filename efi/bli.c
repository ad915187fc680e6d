#include <efi.h>
#include <efilib.h>

#include "efi/bli.h"
#include "efi/ucs2.h"
#include "lib/fmt.h"
#include "lib/libc.h"
#include "lib/log.h"

static EFI_GUID loader_guid = { 0x4a67b082, 0x0a4c, 0x41cf,
				{ 0xb6, 0xc7, 0x44, 0x0b, 0x29, 0xbb, 0x8c, 0x4f } };

/* The interface's strings are NUL-terminated UTF-16; ours are ASCII. Volatile (no NV):
 * they describe this boot only. */
static void set_string(CHAR16 *name, const char *value)
{
	CHAR16 w[256];
	size_t i = ucs2_from_ascii(value, w, sizeof(w) / sizeof(w[0]));
	EFI_STATUS s = uefi_call_wrapper(RT->SetVariable, 5, name, &loader_guid,
					 EFI_VARIABLE_BOOTSERVICE_ACCESS | EFI_VARIABLE_RUNTIME_ACCESS,
					 (i + 1) * sizeof(CHAR16), w);
	if (EFI_ERROR(s))
		log_debug("could not set a Boot Loader Interface variable: status 0x%lx",
			  (unsigned long)s);
}

void bli_set_loader_info(EFI_SYSTEM_TABLE *st, const char *loader_info)
{
	char fw[96];
	set_string(L"LoaderInfo", loader_info);
	ucs2_to_ascii(st->FirmwareVendor, 63, fw, 64);
	size_t i = strlen(fw);
	/* systemd's format: "<vendor> <major>.<minor>" of FirmwareRevision's two halves. */
	kfmt_snprintf(fw + i, sizeof(fw) - i, " %u.%02u", st->FirmwareRevision >> 16,
		      st->FirmwareRevision & 0xffff);
	set_string(L"LoaderFirmwareInfo", fw);
	kfmt_snprintf(fw, sizeof(fw), "UEFI %u.%02u", st->Hdr.Revision >> 16, st->Hdr.Revision & 0xffff);
	set_string(L"LoaderFirmwareType", fw);
}

void bli_set_entry_selected(const char *id)
{
	set_string(L"LoaderEntrySelected", id);
}
