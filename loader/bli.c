/* SPDX-License-Identifier: BSD-2-Clause */
#include "loader/bli.h"

#include <string.h>

#include "lib/err.h"
#include "lib/fmt.h"
#include "lib/log.h"
#include "lib/utf16.h"

const struct kb_guid bli_vendor_guid = { 0x4a67b082, 0x0a4c, 0x41cf,
					 { 0xb6, 0xc7, 0x44, 0x0b, 0x29, 0xbb, 0x8c, 0x4f } };

/* Longest string value kaslboot reads or writes, in UTF-16 units (an entry id is at most
 * 255 characters; LoaderEntries is built separately). */
#define BLI_STRING_MAX 512

bool bli_set_string(const struct kb_platform *pf, const char *name, uint32_t attrs,
		    const char *value)
{
	uint16_t w[BLI_STRING_MAX];
	long n = utf16_from_utf8(value, w, BLI_STRING_MAX);
	if (n < 0)
		return log_warn_ret(false, "%s: '%s' is not text the firmware can store", name,
				    value);
	if (pf->var_set(pf->ctx, &bli_vendor_guid, name, attrs, w,
			((size_t)n + 1) * sizeof(uint16_t))) {
		log_debug("could not set the Boot Loader Interface variable %s", name);
		return false;
	}
	return true;
}

void bli_delete(const struct kb_platform *pf, const char *name)
{
	pf->var_set(pf->ctx, &bli_vendor_guid, name, BLI_PERSISTENT, NULL, 0);
}

int bli_get_string(const struct kb_platform *pf, const char *name, char *out, size_t size,
		   bool delete)
{
	uint16_t w[BLI_STRING_MAX];
	size_t len = sizeof(w);
	int ret = 1;
	out[0] = 0;
	int rc = pf->var_get(pf->ctx, &bli_vendor_guid, name, w, &len, NULL);
	if (rc == KB_ENOENT)
		return 0;
	if (rc == KB_ENOMEM) {
		log_warn("%s: %zu bytes, longer than any value kaslboot takes: ignored", name, len);
		ret = -1;
	} else if (rc) {
		log_warn("%s: cannot be read (%s): ignored", name, kb_strerror(rc));
		ret = -1;
	} else if (len % 2 || len < 2 || w[len / 2 - 1] != 0) {
		log_warn("%s: %zu bytes, not a NUL-terminated UTF-16 string: ignored", name, len);
		ret = -1;
	} else if (!utf16_to_utf8(w, len / 2, out, size)) {
		log_warn("%s: not valid UTF-16, or too long: ignored", name);
		out[0] = 0;
		ret = -1;
	}
	if (delete)
		bli_delete(pf, name);
	return ret;
}

/* LoaderTimeInitUSec / LoaderTimeExecUSec: a decimal string of microseconds. */
static void set_usec(const struct kb_platform *pf, const char *name, uint64_t usec)
{
	char text[24];
	kfmt_snprintf(text, sizeof(text), "%lu", (unsigned long)usec);
	bli_set_string(pf, name, BLI_VOLATILE, text);
}

void bli_set_loader_info(const struct kb_platform *pf, const struct kb_firmware *fw,
			 const char *loader_info, uint64_t init_usec)
{
	char text[96];
	uint64_t features = BLI_FEATURES;
	set_usec(pf, "LoaderTimeInitUSec", init_usec);
	bli_set_string(pf, "LoaderInfo", BLI_VOLATILE, loader_info);
	/* systemd's format: "<vendor> <major>.<minor>" of FirmwareRevision's two halves. */
	kfmt_snprintf(text, sizeof(text), "%s %u.%02u", fw->vendor, fw->fw_revision >> 16,
		      fw->fw_revision & 0xffff);
	bli_set_string(pf, "LoaderFirmwareInfo", BLI_VOLATILE, text);
	kfmt_snprintf(text, sizeof(text), "UEFI %u.%02u", fw->uefi_revision >> 16,
		      fw->uefi_revision & 0xffff);
	bli_set_string(pf, "LoaderFirmwareType", BLI_VOLATILE, text);
	/* A little-endian u64 (systemd reads it with efi_get_variable as raw bytes). */
	if (pf->var_set(pf->ctx, &bli_vendor_guid, "LoaderFeatures", BLI_VOLATILE, &features,
			sizeof(features)))
		log_debug("could not set LoaderFeatures");
	if (fw->image_path[0])
		bli_set_string(pf, "LoaderImageIdentifier", BLI_VOLATILE, fw->image_path);
	if (fw->esp_part_uuid[0])
		bli_set_string(pf, "LoaderDevicePartUUID", BLI_VOLATILE, fw->esp_part_uuid);
}

void bli_set_exec_time(const struct kb_platform *pf, uint64_t exec_usec)
{
	set_usec(pf, "LoaderTimeExecUSec", exec_usec);
}

void bli_set_entry_selected(const struct kb_platform *pf, const char *id)
{
	bli_set_string(pf, "LoaderEntrySelected", BLI_VOLATILE, id);
}

void bli_set_tpm2_active_pcr_banks(const struct kb_platform *pf, uint32_t banks)
{
	/* BOOT_LOADER_INTERFACE.md: the bits in hexadecimal, "0x%08x" as systemd-boot writes
	 * them, 0 when there is no TPM. */
	char text[16];
	kfmt_snprintf(text, sizeof(text), "0x%08x", banks);
	bli_set_string(pf, "LoaderTpm2ActivePcrBanks", BLI_VOLATILE, text);
}
