#include "loader/bli.h"

#include <string.h>

#include "lib/fmt.h"
#include "lib/log.h"
#include "lib/utf16.h"

const struct kb_guid bli_vendor_guid = { 0x4a67b082, 0x0a4c, 0x41cf,
					 { 0xb6, 0xc7, 0x44, 0x0b, 0x29, 0xbb, 0x8c, 0x4f } };

/* The interface's strings are NUL-terminated UTF-16LE. Volatile (no NV): they describe
 * this boot only. */
static void set_string(const struct kb_platform *pf, const char *name, const char *value)
{
	uint16_t w[256];
	long n = utf16_from_utf8(value, w, sizeof(w) / sizeof(w[0]));
	if (n < 0) {
		log_warn("%s: '%s' is not text the firmware can store", name, value);
		return;
	}
	int rc = pf->var_set(pf->ctx, &bli_vendor_guid, name, KB_VAR_BOOTSERVICE | KB_VAR_RUNTIME,
			     w, ((size_t)n + 1) * sizeof(uint16_t));
	if (rc)
		log_debug("could not set the Boot Loader Interface variable %s", name);
}

void bli_set_loader_info(const struct kb_platform *pf, const struct kb_firmware *fw,
			 const char *loader_info)
{
	char text[96];
	set_string(pf, "LoaderInfo", loader_info);
	/* systemd's format: "<vendor> <major>.<minor>" of FirmwareRevision's two halves. */
	kfmt_snprintf(text, sizeof(text), "%s %u.%02u", fw->vendor, fw->fw_revision >> 16,
		      fw->fw_revision & 0xffff);
	set_string(pf, "LoaderFirmwareInfo", text);
	kfmt_snprintf(text, sizeof(text), "UEFI %u.%02u", fw->uefi_revision >> 16,
		      fw->uefi_revision & 0xffff);
	set_string(pf, "LoaderFirmwareType", text);
}

void bli_set_entry_selected(const struct kb_platform *pf, const char *id)
{
	set_string(pf, "LoaderEntrySelected", id);
}
